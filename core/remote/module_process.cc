#include "core/remote/module_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string_view>

#include "core/base/best_effort.h"
#include "core/base/subprocess.h"
#include "core/base/unique_fd.h"
#include "core/remote/sandbox.h"
#include "host/v1/wire.pb.h"

extern char** environ;

namespace host::remote {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kTailBytes = 2048;

// How a process ended, from its wait status.
std::string ExitText(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    return "was killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  }
  return "ended";
}

// Seconds as users read them: "2 s", "0.5 s".
std::string Seconds(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s"
                        : std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
}

// Fills *error with a host.v1.Error carrying message; returns HOST_STATUS_ERROR.
host_status Fail(const std::string& message, host_buffer* error) {
  FillApiError(message, error);
  return HOST_STATUS_ERROR;
}

// Replaces the control characters of a sandboxed process's output but newline and tab with '?',
// so that it cannot drive the user's terminal (escape sequences that set the clipboard, retitle
// the window or rewrite what was printed).
void ShowControlsPlainly(char* bytes, size_t size) {
  for (size_t i = 0; i < size; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) bytes[i] = '?';
  }
}

// The path of a unix:// address.
fs::path EngineSocketPath(std::string_view address) {
  constexpr std::string_view kScheme = "unix://";
  if (address.rfind(kScheme, 0) == 0) address.remove_prefix(kScheme.size());
  return fs::path(address);
}

// Waits up to wait for pid to end; true (with *status) when it did.
bool Reap(pid_t pid, int* status, std::chrono::milliseconds wait) {
  const auto until = Clock::now() + wait;
  while (true) {
    const pid_t done = waitpid(pid, status, WNOHANG);
    if (done == pid || (done < 0 && errno == ECHILD)) return true;
    if (Clock::now() >= until) return false;
    usleep(2000);
  }
}

}  // namespace

Result<std::unique_ptr<ModuleProcess>> ModuleProcess::Start(ModuleHost* host, ProcessSpec spec,
                                                            DescribedModule* described) {
  std::unique_ptr<ModuleProcess> process(new ModuleProcess(host, std::move(spec)));
  std::lock_guard lock(process->mutex_);
  if (Status s = process->Launch(described); !s.ok()) return s;
  return process;
}

std::unique_ptr<ModuleProcess> ModuleProcess::Deferred(HostProvider host, ProcessSpec spec) {
  return std::unique_ptr<ModuleProcess>(new ModuleProcess(std::move(host), std::move(spec)));
}

ModuleProcess::~ModuleProcess() {
  std::lock_guard lock(mutex_);
  Stop(std::chrono::milliseconds(500));
}

Status ModuleProcess::Launch(DescribedModule* described) {
  if (host_ == nullptr) {
    Result<ModuleHost*> host = provider_();
    if (!host.ok()) return host.status().Prefixed(spec_.label + ": ");
    host_ = *host;
  }
  fs::path socket = host_->NewModuleSocket();
  SubprocessSpec process;
  process.argv = spec_.command;
  process.dir = spec_.dir;
  process.parent_death_signal = SIGKILL;  // the module ends with the runtime's spawner thread
  process.own_process_group = true;       // a terminal's Ctrl-C reaches the runtime, which stops it
  std::vector<std::string>& env = process.env.emplace();
  if (spec_.sandboxed) {
    // A folder of its own for its socket: it sees the engine's socket and nothing of the other
    // module processes.
    sandbox_dir_ = fs::path(socket).replace_extension("");
    if (mkdir(sandbox_dir_.c_str(), 0700) != 0) {
      const int error = errno;
      sandbox_dir_.clear();
      return Status::Failed(spec_.label + ": cannot make its socket folder " +
                            fs::path(socket).replace_extension("").string() + ": " +
                            std::strerror(error));
    }
    socket = sandbox_dir_ / "module.sock";
    SandboxSpec sandbox;
    sandbox.command = spec_.command;
    sandbox.dir = spec_.dir;
    sandbox.read_only = spec_.read_only;
    sandbox.engine_socket = EngineSocketPath(host_->engine_address());
    sandbox.module_socket_dir = sandbox_dir_;
    process.argv = SandboxCommand(sandbox);
    process.dir.clear();  // bubblewrap changes to it inside
    env = SandboxEnvironment();
  } else {
    for (char** entry = environ; *entry != nullptr; ++entry) {
      const std::string_view text(*entry);
      if (text.rfind("HOST_MODULE_SOCKET=", 0) != 0 && text.rfind("HOST_ENGINE_SOCKET=", 0) != 0) {
        env.emplace_back(text);
      }
    }
    env.push_back("HOST_MODULE_SOCKET=unix://" + socket.string());
    env.push_back("HOST_ENGINE_SOCKET=" + host_->engine_address());
  }

  int output[2];
  if (pipe2(output, O_CLOEXEC) != 0) return Status::Failed(spec_.label + ": cannot make a pipe");
  UniqueFd output_read(output[0]);
  UniqueFd output_write(output[1]);
  // A sandboxed process gets no terminal: it could push keystrokes into it (TIOCSTI).
  process.stdio = {spec_.sandboxed ? ChildStream::Null() : ChildStream::Inherit(),
                   ChildStream::Fd(output_write.get()), ChildStream::Fd(output_write.get())};
  // Forked on the spawner thread: the parent-death signal follows the thread that forks.
  std::optional<Result<Subprocess>> started;
  bool cannot_run = false;
  const pid_t pid = host_->Spawn([&]() -> pid_t {
    started.emplace(Subprocess::Start(process, &cannot_run));
    return started->ok() ? (*started)->release_pid() : -1;
  });
  output_write.reset();
  if (pid < 0) {
    if (!started || started->ok()) return Status::Failed(spec_.label + ": cannot start a process");
    return Status::Failed(
        spec_.label + ": " + started->status().message() +
        (!cannot_run ? ""
         : spec_.sandboxed
             ? "; install bubblewrap (bwrap): modules neither pinned in the lock file nor signed "
               "by a trusted key run in its sandbox"
             : "; install it or correct runtime.command in module.json"));
  }
  pid_ = pid;
  group_ = pid;
  {
    std::lock_guard tail(output_mutex_);
    output_tail_.clear();
  }
  output_reader_ = std::thread([this, fd = std::move(output_read), plain = spec_.sandboxed] {
    char chunk[4096];
    ssize_t n = 0;
    while ((n = read(fd.get(), chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR)) {
      if (n <= 0) continue;
      if (plain) ShowControlsPlainly(chunk, static_cast<size_t>(n));
      (void)!write(STDERR_FILENO, chunk, static_cast<size_t>(n));
      std::lock_guard tail(output_mutex_);
      output_tail_.append(chunk, static_cast<size_t>(n));
      if (output_tail_.size() > kTailBytes) output_tail_.erase(0, output_tail_.size() - kTailBytes);
    }
  });

  const auto deadline = Clock::now() + spec_.start_timeout;
  std::error_code error;
  while (!fs::exists(socket, error)) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      Stop(std::chrono::milliseconds(0));
      return Status::Failed(spec_.label + ": its process " + ExitText(status) +
                            " at start, before serving the Module service on HOST_MODULE_SOCKET." +
                            OutputTail());
    }
    if (Clock::now() >= deadline) {
      Stop(std::chrono::milliseconds(0));
      return Status::Failed(spec_.label + ": its process did not serve the Module service on " +
                            "HOST_MODULE_SOCKET within " + Seconds(spec_.start_timeout) +
                            " (runtime.start_timeout), so it was stopped." + OutputTail());
    }
    usleep(2000);
  }
  Result<std::unique_ptr<ModuleClient>> client = host_->Connect(socket);
  Result<DescribedModule> schema =
      client.ok() ? (*client)->Describe(deadline) : Result<DescribedModule>(client.status());
  if (!schema.ok()) {
    Stop(std::chrono::milliseconds(0));
    if (schema.status().kind() == ErrorKind::kUsage) {
      return Status::Failed(
          spec_.label + ": its process failed to describe itself: " + schema.status().message());
    }
    return Status::Failed(spec_.label + ": its process does not answer the Module service on " +
                          "HOST_MODULE_SOCKET (" + schema.status().message() +
                          "), so it was stopped." + OutputTail());
  }
  if (!spec_.expected_schema.empty() && schema->module != spec_.expected_schema) {
    Stop(std::chrono::milliseconds(0));
    if (spec_.schema_changed) spec_.schema_changed();
    return Status::Failed(spec_.label +
                          ": its process describes a schema other than the one this command "
                          "loaded for it (kept from an earlier load of the same files); run the "
                          "command again to load the new schema");
  }
  if (described != nullptr) *described = std::move(*schema);
  client_ = std::move(*client);
  ++generation_;
  return {};
}

std::string ModuleProcess::Stop(std::chrono::milliseconds grace) {
  client_.reset();
  std::string how;
  if (pid_ >= 0) {
    int status = 0;
    bool ended = false;
    if (grace.count() > 0) {
      kill(-pid_, SIGTERM);
      ended = Reap(pid_, &status, grace);
    }
    if (!ended) {
      kill(-pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
    how = ExitText(status);
    pid_ = -1;
  }
  if (group_ > 0) kill(-group_, SIGKILL);  // nothing it started keeps the output pipe open
  group_ = -1;
  if (output_reader_.joinable()) output_reader_.join();
  if (!sandbox_dir_.empty()) RemoveTreeBestEffort(sandbox_dir_);
  sandbox_dir_.clear();
  return how;
}

std::string ModuleProcess::OutputTail() const {
  std::lock_guard lock(output_mutex_);
  std::string_view text = output_tail_;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  if (text.empty()) return "";
  // The last few lines are the ones that say what happened.
  size_t start = text.size();
  for (int lines = 0; lines < 5 && start != std::string_view::npos && start > 0;) {
    start = text.rfind('\n', start - 1);
    if (start != std::string_view::npos) ++lines;
  }
  if (start == std::string_view::npos) start = 0;
  if (text[start] == '\n') ++start;
  return " Its output ended with:\n" + std::string(text.substr(start));
}

host_status ModuleProcess::Invoke(host_context* ctx, host_bytes call, host_buffer* result,
                                  host_buffer* error) {
  *result = {nullptr, 0};
  *error = {nullptr, 0};
  std::shared_ptr<ModuleClient> client;
  uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    if (!client_) {
      if (Status s = Launch(nullptr); !s.ok()) return Fail(s.message(), error);
    }
    client = client_;
    generation = generation_;
  }
  const std::string context = host_->Enter(*ctx, spec_.sandboxed);
  InvokeOutcome outcome =
      client->Invoke(std::string_view(reinterpret_cast<const char*>(call.data), call.size), context,
                     spec_.call_timeout);
  host_->Leave(context);
  if (outcome.transport == InvokeOutcome::Transport::kAnswered) {
    const auto* data = reinterpret_cast<const uint8_t*>(outcome.bytes.data());
    if (!FillApiBuffer(data, outcome.bytes.size(), outcome.failed ? error : result)) {
      return Fail("out of memory", error);
    }
    if (!outcome.failed) return HOST_STATUS_OK;
    return outcome.invalid_argument ? HOST_STATUS_INVALID_ARGUMENT : HOST_STATUS_ERROR;
  }
  std::string message;
  std::lock_guard lock(mutex_);
  if (generation != generation_ || !client_) {
    message = "its process ended while the call ran (another call found it gone)";
  } else if (outcome.transport == InvokeOutcome::Transport::kTimedOut) {
    Stop(std::chrono::milliseconds(0));
    message = "its process did not answer within " + Seconds(spec_.call_timeout) +
              " (runtime.call_timeout), so it was stopped";
  } else {
    int status = 0;
    // A broken connection mostly means the process is dying: give it a moment to be gone.
    const bool ended = Reap(pid_, &status, std::chrono::milliseconds(1000));
    if (ended) {
      pid_ = -1;
      Stop(std::chrono::milliseconds(0));
      message = "its process " + ExitText(status) + " while the call ran." + OutputTail();
    } else {
      Stop(std::chrono::milliseconds(0));
      message = "its connection broke (" + outcome.detail + "), so its process was stopped." +
                OutputTail();
    }
  }
  return Fail(message + "\nThe next call starts the module again.", error);
}

}  // namespace host::remote
