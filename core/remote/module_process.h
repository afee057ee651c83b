// A module run as a process of its own: started, described and called over the Module service,
// stopped when it hangs, and started again after it crashed.
#ifndef HOST_REMOTE_MODULE_PROCESS_H_
#define HOST_REMOTE_MODULE_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/loader/module_loader.h"
#include "core/remote/module_host.h"

namespace host::remote {

// How to run a module's process.
struct ProcessSpec {
  std::string label;  // names the module in errors: "module 'jsmod'"
  std::vector<std::string> command;
  std::filesystem::path dir;  // the working folder
  std::chrono::milliseconds start_timeout{10000};
  std::chrono::milliseconds call_timeout{600000};  // zero: no limit
  // Run it in the sandbox (core/remote/sandbox.h): no network, no host files but the system
  // folders, dir and read_only, its own socket folder and the engine's socket.
  bool sandboxed = false;
  // What a sandboxed process may read besides dir: its module folder, the host binary and
  // plugins `host module-serve` needs.
  std::vector<std::filesystem::path> read_only;
  // For a process started at its first call with a schema read from the cache: the bytes it must
  // describe itself with, and what to do when it describes another (drop the cache entry).
  std::string expected_schema;
  std::function<void()> schema_changed;
};

// One module process. Calls may run concurrently; a crash or a hang fails the calls in flight
// with an error naming the module, and the next call starts the process again.
class ModuleProcess final : public ModuleConnection {
 public:
  // Starts the process and reads its schema into *described. Errors name the module and say
  // what the process did: could not be run, exited at start, did not serve in time.
  static Result<std::unique_ptr<ModuleProcess>> Start(ModuleHost* host, ProcessSpec spec,
                                                      DescribedModule* described);
  // Makes the process without starting it: the first call starts it (getting the module host
  // from host first), with the errors Start would give.
  using HostProvider = std::function<Result<ModuleHost*>()>;
  static std::unique_ptr<ModuleProcess> Deferred(HostProvider host, ProcessSpec spec);
  // Stops the process.
  ~ModuleProcess() override;

  host_status Invoke(host_context* ctx, host_bytes call, host_buffer* result,
                     host_buffer* error) override;

 private:
  ModuleProcess(ModuleHost* host, ProcessSpec spec) : host_(host), spec_(std::move(spec)) {}
  ModuleProcess(HostProvider provider, ProcessSpec spec)
      : provider_(std::move(provider)), spec_(std::move(spec)) {}

  // Starts the process and waits for its schema; mutex_ held.
  Status Launch(DescribedModule* described);
  // Asks the process to end (SIGTERM, when grace is not zero), kills what is left of its process
  // group, reaps it and ends its output reader; mutex_ held. Returns how it ended, as "exited
  // with code N" or "was killed by signal N (NAME)" (empty when it was reaped already).
  std::string Stop(std::chrono::milliseconds grace);
  // The last lines the process wrote to stdout or stderr, as " Its output ended with: ..."
  // (empty when it wrote nothing).
  std::string OutputTail() const;

  ModuleHost* host_ = nullptr;  // null until a deferred process first starts
  HostProvider provider_;       // gives host_ to a deferred process
  ProcessSpec spec_;
  std::mutex mutex_;                      // guards the process's state below
  pid_t pid_ = -1;                        // the process, until reaped
  pid_t group_ = -1;                      // its process group, until killed
  std::shared_ptr<ModuleClient> client_;  // null: not running
  uint64_t generation_ = 0;               // counts launches
  std::filesystem::path sandbox_dir_;     // a sandboxed process's socket folder, while running
  std::thread output_reader_;
  mutable std::mutex output_mutex_;
  std::string output_tail_;
};

}  // namespace host::remote

#endif  // HOST_REMOTE_MODULE_PROCESS_H_
