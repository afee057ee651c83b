// The OCI runtime configuration (config.json) of a step: process, root, mounts, namespaces and a
// default capability set like Docker's.
#ifndef HOST_EXECUTOR_OCI_CONFIG_H_
#define HOST_EXECUTOR_OCI_CONFIG_H_

#include <filesystem>
#include <string>
#include <vector>

#include "core/executor/image_user.h"

namespace host {

// One entry of the configuration's "mounts".
struct OciMount {
  std::string destination;           // absolute path in the container
  std::string type;                  // "bind", "tmpfs", "proc", ...
  std::string source;                // host path for binds, the file system name otherwise
  std::vector<std::string> options;  // mount options as the runtime takes them
};

// What a step's configuration is made of.
struct OciConfigInput {
  std::vector<std::string> args;  // the process's argv
  std::vector<std::string> env;   // "K=V", final
  std::string cwd = "/";          // absolute
  ImageUser user;                 // resolved identity
  std::filesystem::path rootfs;   // absolute path of the mounted root filesystem
  std::vector<OciMount> mounts;   // mounted after the standard ones
  bool host_network = true;       // false: a private network namespace
};

// The mounts every container gets: /proc, /dev (the runtime adds the usual devices), /dev/pts,
// /dev/shm, /dev/mqueue, /sys and /sys/fs/cgroup (read-only).
std::vector<OciMount> StandardMounts();

// The configuration as JSON text.
std::string OciConfigJson(const OciConfigInput& input);

}  // namespace host

#endif  // HOST_EXECUTOR_OCI_CONFIG_H_
