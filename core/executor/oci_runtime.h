// Finding an OCI runtime (crun or runc) and starting it the way this host needs: crun on hybrid
// cgroup hosts runs inside a private mount namespace with the cgroup2 mount detached.
#ifndef HOST_EXECUTOR_OCI_RUNTIME_H_
#define HOST_EXECUTOR_OCI_RUNTIME_H_

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/base/status.h"

namespace host {

// An OCI runtime binary and how it must be started on this host.
struct OciRuntime {
  std::string name;              // "crun" or "runc"
  std::filesystem::path binary;  // absolute path of the executable
  bool detach_cgroup2 = false;   // start it in a private mount namespace without the cgroup2 mount
};

// True when cgroup v1 controllers are mounted and cgroup2 sits beside them at
// /sys/fs/cgroup/unified (the "hybrid" layout that crun refuses).
bool HasHybridCgroups();

// Finds the runtime named preferred ("crun" or "runc") on PATH, or when preferred is empty crun
// and then runc. Fails with the apt packages to install when none is there.
Result<OciRuntime> FindOciRuntime(const std::string& preferred = "");

// The standard streams of a runtime process; -1 stands for /dev/null. The fds stay the caller's.
struct RuntimeStdio {
  int in = -1;   // read by the process
  int out = -1;  // its stdout
  int err = -1;  // its stderr
};

// Starts `runtime args...` in a process group of its own, with default signal handling; returns
// its pid, which the caller must reap.
Result<pid_t> StartRuntime(const OciRuntime& runtime, const std::vector<std::string>& args,
                           const RuntimeStdio& stdio);

// Runs `runtime args...` to its end with stdout discarded; fails with its stderr when it exits
// non-zero.
Status RunRuntimeCommand(const OciRuntime& runtime, const std::vector<std::string>& args);

// Reaps pid and returns its exit code, or 128+N when signal N ended it.
int WaitForExit(pid_t pid);

}  // namespace host

#endif  // HOST_EXECUTOR_OCI_RUNTIME_H_
