// What a Container evaluates to: its root filesystem layers, its configuration, its mounts and
// the output of its last command, plus a digest of everything a next step would depend on.
#ifndef HOST_TYPES_CONTAINER_STATE_H_
#define HOST_TYPES_CONTAINER_STATE_H_

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/types/layer_stack.h"

namespace host {

// The output of a container's last command.
struct ExecOutput {
  int exit_code = 0;
  std::string stdout_bytes;  // scrubbed of secrets
  std::string stderr_bytes;  // scrubbed of secrets
};

// A mount of a container, resolved to what is on the host.
struct MountState {
  enum class Kind { kDirectory, kCache, kSecret, kTmpfs };
  Kind kind = Kind::kDirectory;
  std::string target;            // path inside the container
  std::filesystem::path source;  // kDirectory, kCache: the host folder
  std::string secret_id;         // kSecret: which secret
  unsigned mode = 0400;          // kSecret: permission bits
  std::string digest;            // what the mount contributes to the step's cache key
  std::string sharing;           // kCache: SHARED, LOCKED or PRIVATE
};

// An evaluated Container.
struct ContainerState {
  std::string digest = "scratch";  // digest of layers, configuration and mounts
  LayerStack layers;               // bottom first, shared with the states below
  std::vector<std::string> env;    // "NAME=value"
  std::vector<std::string> entrypoint;
  std::vector<std::string> default_args;
  std::string workdir = "/";
  std::string user;
  std::vector<std::pair<std::string, std::string>> secret_env;  // variable name, secret ID
  std::vector<MountState> mounts;
  std::optional<ExecOutput> last_exec;
};

}  // namespace host

#endif  // HOST_TYPES_CONTAINER_STATE_H_
