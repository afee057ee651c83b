#include "core/remote/module_host.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <future>

#include "core/base/random_hex.h"
#include "core/engine/engine.h"
#include "core/remote/engine_backend.h"

namespace host::remote {
namespace fs = std::filesystem;

namespace {

// The Engine service as module processes see it: calls and logs need the context of an invoke
// in progress, and modules cannot load other modules.
class ModuleEngineBackend final : public EngineBackend {
 public:
  explicit ModuleEngineBackend(const ModuleHost& host) : host_(host) {}

  Result<std::string> Load(const std::string& ref) override {
    return Status::Usage("a module process cannot load '" + ref +
                         "': list the modules it calls as dependencies in its module.json");
  }

  Result<std::vector<std::string>> Describe(const std::vector<std::string>& names) override {
    return DescribeModules(host_.engine().registry(), names);
  }

  ChainOutcome Call(const std::vector<WireStep>& steps, const std::string& context) override {
    host_context ctx{};
    if (!host_.Find(context, &ctx)) {
      ChainOutcome outcome;
      outcome.malformed = true;
      outcome.status = Status::Usage(
          context.empty() ? "a module process calls with the context of the invoke in progress "
                            "(InvokeRequest.context as CallRequest.context)"
                          : "the call context is unknown or its invoke has returned");
      return outcome;
    }
    return RunChain(host_.engine(), steps, ctx.depth);
  }

  bool Log(int level, const std::string& message, const std::string& context) override {
    host_context ctx{};
    if (!host_.Find(context, &ctx)) return false;
    const auto* data = reinterpret_cast<const uint8_t*>(message.data());
    Runtime::Api()->log(&ctx, static_cast<host_log_level>(level), host_bytes{data, message.size()});
    return true;
  }

 private:
  const ModuleHost& host_;
};

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

Result<std::unique_ptr<ModuleHost>> ModuleHost::Start(const Runtime& engine) {
  Result<StartFn> start = LoadStart();
  if (!start.ok()) return start.status();
  Result<ConnectModuleFn> connect = LoadConnectModule();
  if (!connect.ok()) return connect.status();
  std::unique_ptr<ModuleHost> host(new ModuleHost(engine));
  host->connect_ = *connect;
  std::string pattern = (RuntimeDir() / "host-modules-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Status::Failed("cannot make a private folder for module sockets at " + pattern);
  }
  host->dir_ = pattern;  // mkdtemp makes it 0700
  host->engine_address_ = "unix://" + (host->dir_ / "engine.sock").string();
  host->secret_ = RandomHex(32);
  host->backend_ = std::make_unique<ModuleEngineBackend>(*host);
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
  std::error_code error;
  if (!dir_.empty()) fs::remove_all(dir_, error);
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

std::string ModuleHost::Enter(const host_context& ctx) {
  std::string context = secret_ + "-" + std::to_string(++invokes_);
  std::lock_guard lock(contexts_mutex_);
  contexts_.emplace(context, ctx);
  return context;
}

void ModuleHost::Leave(const std::string& context) {
  std::lock_guard lock(contexts_mutex_);
  contexts_.erase(context);
}

bool ModuleHost::Find(const std::string& context, host_context* ctx) const {
  std::lock_guard lock(contexts_mutex_);
  auto found = contexts_.find(context);
  if (found == contexts_.end()) return false;
  *ctx = found->second;
  return true;
}

}  // namespace host::remote
