// What a step runs (StepSpec) and what it leaves behind (StepResult).
#ifndef HOST_EXECUTOR_STEP_H_
#define HOST_EXECUTOR_STEP_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/base/status.h"

namespace host {

// One mount a step asks for, at an absolute path inside the container.
struct StepMount {
  // What is mounted at target.
  enum class Kind {
    kBind,     // a host directory or file, read-only or read-write
    kCache,    // a host directory shared across steps, read-write; created when missing
    kTmpfs,    // an empty tmpfs that goes away with the step
    kFile,     // a read-only file with given bytes (secrets): they live only on a private tmpfs
    kOverlay,  // a host directory or file the step may change, through an overlay whose upper
               // and work folders live in the step's folder: changes vanish with the step and
               // the source is never written (nosuid, nodev)
  };

  Kind kind = Kind::kBind;
  std::string target;            // absolute path inside the container
  std::filesystem::path source;  // kBind, kCache, kOverlay: the host path
  bool read_only = false;        // kBind: mounted read-only
  std::string contents;          // kFile: the bytes
  uint32_t mode = 0400;          // kFile: permission bits
  std::optional<uid_t> uid;      // kFile: owner; unset: the step's user
  std::optional<gid_t> gid;      // kFile: group; unset: the step's group
  uint64_t size_bytes = 0;       // kTmpfs: size limit; 0: the kernel's default

  // A host directory or file at target.
  static StepMount Bind(std::filesystem::path source, std::string target, bool read_only) {
    StepMount m;
    m.kind = Kind::kBind;
    m.source = std::move(source);
    m.target = std::move(target);
    m.read_only = read_only;
    return m;
  }
  // A host directory or file at target that the step may change without changing it: its
  // changes are discarded with the step. Nothing is copied (a file is at most hard-linked).
  static StepMount Overlay(std::filesystem::path source, std::string target) {
    StepMount m;
    m.kind = Kind::kOverlay;
    m.source = std::move(source);
    m.target = std::move(target);
    return m;
  }
  // A read-write cache directory on the host at target; created when missing.
  static StepMount Cache(std::filesystem::path source, std::string target) {
    StepMount m;
    m.kind = Kind::kCache;
    m.source = std::move(source);
    m.target = std::move(target);
    return m;
  }
  // An empty tmpfs at target, limited to size_bytes (0: the kernel's default).
  static StepMount Tmpfs(std::string target, uint64_t size_bytes = 0) {
    StepMount m;
    m.kind = Kind::kTmpfs;
    m.target = std::move(target);
    m.size_bytes = size_bytes;
    return m;
  }
  // A read-only file holding contents at target; its bytes never touch a disk.
  static StepMount File(std::string target, std::string contents, uint32_t mode = 0400) {
    StepMount m;
    m.kind = Kind::kFile;
    m.target = std::move(target);
    m.contents = std::move(contents);
    m.mode = mode;
    return m;
  }
};

// Everything needed to run one step.
struct StepSpec {
  std::vector<std::filesystem::path> layers;  // lower layer folders in overlay form, bottom first
  std::vector<std::string> args;              // the command; args[0] is searched in the PATH
  std::vector<std::string> env;               // "K=V"; PATH and HOME get defaults when unset
  std::vector<std::string> secret_env;        // "K=V" whose values are never written to a disk
  std::string workdir = "/";                  // absolute; created by the runtime when missing
  std::string user;                           // "uid[:gid]" or "name[:group]"; empty: root
  std::vector<StepMount> mounts;              // extra mounts, in order
  std::optional<std::string> stdin_bytes;     // fed to the command; unset: /dev/null
  bool host_network = true;                   // false: a private network namespace (loopback only)
  std::chrono::milliseconds timeout{0};       // the step is killed after this; 0: no limit
  std::filesystem::path result_layer;         // where the upper dir is moved; empty: discarded
  // Leases the state folder's entries the step reads besides its layers (merged lower layers) for
  // the life of the process: false when one is gone (StoreLeases::Hold). Unset: none is leased.
  std::function<Result<bool>(const std::vector<std::filesystem::path>&)> hold_entries;
};

// What a finished step leaves.
struct StepResult {
  int exit_code = 0;                    // the command's exit code; 128+N when killed by signal N
  std::string stdout_bytes;             // everything written to stdout
  std::string stderr_bytes;             // everything written to stderr
  std::filesystem::path layer;          // the step's changes in overlay form; empty when discarded
  std::chrono::nanoseconds duration{};  // wall time of the whole step, mounts and clean-up included
};

}  // namespace host

#endif  // HOST_EXECUTOR_STEP_H_
