// The engine: loads modules with their dependencies, registers their schemas, and runs calls
// through the graph, for the CLI, for embedders and for modules calling each other.
#ifndef HOST_ENGINE_ENGINE_H_
#define HOST_ENGINE_ENGINE_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/engine/function_cache.h"
#include "core/engine/module_resolver.h"
#include "core/loader/module_loader.h"
#include "core/types/core_module.h"
#include "core/types/state_dir.h"
#include "registry/type_registry.h"

namespace host {
namespace remote {
class ModuleHost;
}

// How an engine finds, builds and reports on modules.
struct RuntimeOptions {
  std::vector<std::filesystem::path> module_path = DefaultModulePath();
  std::filesystem::path sdk_cmake_dir;  // default: <prefix>/share/host/cmake
  std::ostream* progress = nullptr;     // where build progress goes; null: silent
  std::ostream* log = nullptr;          // where module logs go; null: standard error
  int progress_terminal_columns = 0;    // progress is a terminal this wide: a live status line
  std::filesystem::path state_dir = DefaultStateDir();  // keys, images, cache
  // Run every shared-object module in a process of its own (`host --isolate`), so a module that
  // crashes cannot take the engine down. Modules with runtime.command always run in their own.
  bool isolate = false;
  // Run every module out of process in the sandbox (core/remote/sandbox.h: no network, no host
  // files but its own folder), as modules that are neither pinned nor signed by a trusted key run.
  bool sandbox = false;
  // The largest result, in bytes, a module function may return (and have stored); unset: the
  // config file's max_result_size.
  std::optional<uint64_t> max_result_size;
  // Every remote module must be pinned by a lock file (`--locked`, HOST_LOCKED=1).
  bool locked = false;
  // Remote references are resolved at their source again, ignoring pins (host update).
  bool refresh_remote = false;
  // A token for git servers, from a secret; never written anywhere.
  std::string git_token;
  // Remote modules loaded by this engine are trusted (in process, built from source) even when
  // no lock pins them: host install and host update, which pin what they load.
  bool trust_remote = false;
};

class RemoteModules;
struct RemoteModule;

// Loads modules and runs calls. Loading is single-threaded; calls may run from many threads.
class Runtime {
 public:
  explicit Runtime(RuntimeOptions options = {});
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Loads a module (a name, a folder with module.json, or a shared object) and, first, its
  // dependencies. Relative paths are taken from the current folder. Loading twice is a no-op.
  Result<const ModuleInfo*> Load(std::string_view ref);

  // The schemas of every loaded module.
  const TypeRegistry& registry() const { return registry_; }

  // The loaded module called name, or nullptr.
  const LoadedModule* FindLoaded(std::string_view name) const;

  // Runs one call through the graph: checks it against the registry, invokes the module, checks
  // the result against the declared type and gives objects their ID. Every secret's plaintext is
  // scrubbed from the result and from errors.
  Result<v1::Value> Call(v1::Call call) const;

  // Takes the pins of the host.lock beside a module's module.json without loading the module.
  Status UseLockOf(const std::filesystem::path& module_dir);
  // The remote modules loaded, by reference as written (what install records in host.lock).
  const std::map<std::string, const RemoteModule*>& remote_modules() const {
    return remote_loaded_;
  }
  // How each loaded remote module runs, by module name: "in process (...)" or "sandboxed (...)".
  const std::map<std::string, std::string, std::less<>>& run_modes() const { return run_modes_; }
  // The state of the core types (secrets, stores).
  CoreServices& core() const { return *core_; }

  // Writes a module's log line (secrets scrubbed) where RuntimeOptions::log says.
  void Log(host_log_level level, std::string_view message) const;

  // The API table modules receive (the same for every engine; the context names the engine).
  static const host_api* Api();

  // Runs a call made by a module from inside another call; depth guards against endless recursion.
  Result<v1::Value> CallAt(v1::Call call, int depth) const;

  // The same for a call in serialized form, as modules make them: *result receives Value bytes
  // allocated with Api()->alloc. Bytes pass through untouched where nothing needs changing.
  Status CallSerialized(host_bytes call_bytes, int depth, host_buffer* result) const;

 private:
  // Invokes a prepared call (call_bytes is its serialized form) and checks its result; *result
  // receives the module's Value bytes and *value (when not null) their parsed form, with an
  // object's ID set. Without value, scalar results are checked on the wire without parsing.
  Status Invoke(const v1::Call& call, host_bytes call_bytes, const MemberInfo& member, int depth,
                host_buffer* result, v1::Value* value) const;

  // Sets a call's object when it names none: the receiver's type, else the module's main object.
  void FillObject(v1::Call* call) const;

  // Runs the module's invoke, or takes its result from the function cache when the function's
  // cache policy allows.
  host_status InvokeCached(const LoadedModule& module, host_context* ctx, const v1::Call& call,
                           host_bytes call_bytes, const MemberInfo& member, host_buffer* result,
                           host_buffer* error) const;

  // Loads ref (relative to base) and its dependencies. from_remote: a fetched module names it,
  // so it must be a remote reference or a name on the module path, never a path.
  Result<const ModuleInfo*> LoadAt(std::string_view ref, const std::filesystem::path& base,
                                   std::vector<std::string>* loading, bool from_remote = false);

  // Starts a module's process: manifest's runtime.command, or `host module-serve` on the shared
  // object at object; in the sandbox when sandboxed. A runtime.command module whose schema the
  // state folder keeps for its files' digest is not started: its first call starts it. When it
  // was described, *remember (if set) keeps its schema, to run once the schema is accepted.
  Result<std::unique_ptr<LoadedModule>> LoadProcess(const Manifest* manifest,
                                                    const std::filesystem::path& object,
                                                    bool sandboxed,
                                                    std::function<void()>* remember);
  // The server of module processes, started on first use; thread-safe.
  Result<remote::ModuleHost*> StartedModuleHost();
  // Resolves a remote reference into a location (its fetched folder), remembering how it runs.
  Result<ModuleLocation> LocateRemote(std::string_view ref, bool user_written,
                                      const RemoteModule** remote);
  // The remote module resolver, made on first use (it reads the config file).
  Result<RemoteModules*> Remotes();

  RuntimeOptions options_;
  std::string result_limit_origin_;  // where max_result_size came from, for its error
  std::unique_ptr<CoreServices> core_;
  std::unique_ptr<FunctionCache> functions_;  // results of module functions, by cache policy
  TypeRegistry registry_;
  std::mutex module_host_mutex_;                     // guards module_host_'s start
  std::unique_ptr<remote::ModuleHost> module_host_;  // serves module processes; outlives them
  std::map<std::string, std::unique_ptr<LoadedModule>, std::less<>> modules_;
  std::map<std::string, std::string, std::less<>> loaded_paths_;  // object path -> module name
  std::unique_ptr<RemoteModules> remotes_;
  std::map<std::string, const RemoteModule*> remote_loaded_;
  std::map<std::string, std::string, std::less<>> run_modes_;
};

}  // namespace host

#endif  // HOST_ENGINE_ENGINE_H_
