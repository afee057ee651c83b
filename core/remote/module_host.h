// The engine's side of out-of-process modules: a private folder for their sockets, the Engine
// service served to them there, the calls in progress they may call back into, and the thread
// that starts their processes.
#ifndef HOST_REMOTE_MODULE_HOST_H_
#define HOST_REMOTE_MODULE_HOST_H_

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "core/base/status.h"
#include "core/loader/call_context.h"
#include "core/remote/grpc_plugin.h"

namespace host::remote {

// Serves one engine to its module processes. Created when the first module process is loaded;
// thread-safe.
class ModuleHost {
 public:
  // Makes the Engine service that module processes call, given the host that knows their calls
  // in progress.
  using BackendFactory = std::function<std::unique_ptr<EngineBackend>(const ModuleHost&)>;
  // Makes the private folder (mode 0700) and starts the Engine service in it.
  static Result<std::unique_ptr<ModuleHost>> Start(const BackendFactory& make_backend);
  // Stops the server and the spawner thread and removes the folder.
  ~ModuleHost();
  ModuleHost(const ModuleHost&) = delete;
  ModuleHost& operator=(const ModuleHost&) = delete;

  // unix:///PATH of the Engine service, for HOST_ENGINE_SOCKET.
  const std::string& engine_address() const { return engine_address_; }
  // A socket path in the private folder no process has used, for HOST_MODULE_SOCKET.
  std::filesystem::path NewModuleSocket();
  // Connects to a module process's socket.
  Result<std::unique_ptr<ModuleClient>> Connect(const std::filesystem::path& socket) const;

  // Runs start on the spawner thread and returns what it returned. The thread lives as long as
  // the host, so children that ask to die with their parent's thread (PR_SET_PDEATHSIG) do not
  // die early when the thread that wanted them ends.
  pid_t Spawn(const std::function<pid_t()>& start);

  // Registers the call in progress for an invoke; returns the context the module passes back.
  // sandboxed: the invoke runs in a sandboxed process, whose calls the engine confines.
  std::string Enter(const host_context& ctx, bool sandboxed = false);
  // Ends an invoke's context: calls made with it are refused from now on.
  void Leave(const std::string& context);
  // The call in progress behind a context, and whether its process is sandboxed (when
  // sandboxed is not null); false when none.
  bool Find(const std::string& context, host_context* ctx, bool* sandboxed = nullptr) const;

 private:
  ModuleHost() = default;
  void SpawnerLoop();

  std::filesystem::path dir_;
  std::string engine_address_;
  std::unique_ptr<EngineBackend> backend_;
  std::unique_ptr<RunningServer> server_;
  ConnectModuleFn connect_ = nullptr;
  std::atomic<uint64_t> sockets_{0};

  std::string secret_;  // unguessable prefix of every context
  std::atomic<uint64_t> invokes_{0};
  mutable std::mutex contexts_mutex_;
  struct Invoke {
    host_context ctx;
    bool sandboxed;
  };
  std::unordered_map<std::string, Invoke> contexts_;

  std::mutex spawn_mutex_;
  std::condition_variable spawn_ready_;
  std::deque<std::function<void()>> spawn_jobs_;
  bool stopping_ = false;
  std::thread spawner_;
};

}  // namespace host::remote

#endif  // HOST_REMOTE_MODULE_HOST_H_
