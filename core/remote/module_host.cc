#include "core/remote/module_host.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <future>

#include "core/base/best_effort.h"
#include "core/base/random_hex.h"

namespace host::remote {
namespace fs = std::filesystem;

namespace {

// The folder private sockets go in: $XDG_RUNTIME_DIR when set, else the temporary folder.
fs::path RuntimeDir() {
  std::error_code error;
  if (const char* dir = std::getenv("XDG_RUNTIME_DIR");
      dir && *dir && fs::is_directory(dir, error)) {
    return dir;
  }
  fs::path tmp = fs::temp_directory_path(error);
  return error ? fs::path("/tmp") : tmp;
}

}  // namespace

Result<std::unique_ptr<ModuleHost>> ModuleHost::Start(const BackendFactory& make_backend) {
  Result<StartFn> start = LoadStart();
  if (!start.ok()) return start.status();
  Result<ConnectModuleFn> connect = LoadConnectModule();
  if (!connect.ok()) return connect.status();
  std::unique_ptr<ModuleHost> host(new ModuleHost());
  host->connect_ = *connect;
  std::string pattern = (RuntimeDir() / "host-modules-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Status::Failed("cannot make a private folder for module sockets at " + pattern);
  }
  host->dir_ = pattern;  // mkdtemp makes it 0700
  host->engine_address_ = "unix://" + (host->dir_ / "engine.sock").string();
  host->secret_ = RandomHex(32);
  host->backend_ = make_backend(*host);
  ServeOptions options;
  options.listen = host->engine_address_;
  std::string error;
  host->server_.reset((*start)(host->backend_.get(), options, &error));
  if (!host->server_)
    return Status::Failed("cannot serve the engine to module processes: " + error);
  host->spawner_ = std::thread([raw = host.get()] { raw->SpawnerLoop(); });
  return host;
}

ModuleHost::~ModuleHost() {
  server_.reset();
  {
    std::lock_guard lock(spawn_mutex_);
    stopping_ = true;
  }
  spawn_ready_.notify_all();
  if (spawner_.joinable()) spawner_.join();
  if (!dir_.empty()) RemoveTreeBestEffort(dir_);  // a private folder of sockets
}

fs::path ModuleHost::NewModuleSocket() {
  return dir_ / ("module-" + std::to_string(++sockets_) + ".sock");
}

Result<std::unique_ptr<ModuleClient>> ModuleHost::Connect(const fs::path& socket) const {
  return std::unique_ptr<ModuleClient>(connect_("unix://" + socket.string()));
}

void ModuleHost::SpawnerLoop() {
  std::unique_lock lock(spawn_mutex_);
  while (true) {
    spawn_ready_.wait(lock, [this] { return stopping_ || !spawn_jobs_.empty(); });
    if (spawn_jobs_.empty()) return;
    std::function<void()> job = std::move(spawn_jobs_.front());
    spawn_jobs_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
}

pid_t ModuleHost::Spawn(const std::function<pid_t()>& start) {
  std::packaged_task<pid_t()> task(start);
  std::future<pid_t> pid = task.get_future();
  {
    std::lock_guard lock(spawn_mutex_);
    spawn_jobs_.push_back([&task] { task(); });
  }
  spawn_ready_.notify_one();
  return pid.get();
}

std::string ModuleHost::Enter(const host_context& ctx, bool sandboxed) {
  std::string context = secret_ + "-" + std::to_string(++invokes_);
  std::lock_guard lock(contexts_mutex_);
  contexts_.emplace(context, Invoke{ctx, sandboxed});
  return context;
}

void ModuleHost::Leave(const std::string& context) {
  std::lock_guard lock(contexts_mutex_);
  contexts_.erase(context);
}

bool ModuleHost::Find(const std::string& context, host_context* ctx, bool* sandboxed) const {
  std::lock_guard lock(contexts_mutex_);
  auto found = contexts_.find(context);
  if (found == contexts_.end()) return false;
  *ctx = found->second.ctx;
  if (sandboxed != nullptr) *sandboxed = found->second.sandboxed;
  return true;
}

}  // namespace host::remote
