// The sandbox for modules that are neither pinned nor signed by a trusted key: bubblewrap runs
// the module's process with no network, no host files but the system folders and its own, its
// own PID namespace, no capabilities, and a minimal environment.
#ifndef HOST_REMOTE_SANDBOX_H_
#define HOST_REMOTE_SANDBOX_H_

#include <filesystem>
#include <string>
#include <vector>

#include "core/base/status.h"

namespace host::remote {

// Where a sandboxed process finds its sockets: the engine's, and a folder of its own it serves
// its Module service in.
inline constexpr char kSandboxEngineSocket[] = "/run/host/engine.sock";
inline constexpr char kSandboxModuleSocketDir[] = "/run/host/module";

// What to confine.
struct SandboxSpec {
  std::vector<std::string> command;  // the module's command, as it runs outside
  std::filesystem::path dir;         // its working folder (read-only inside)
  // More folders and files it may read, at the same paths: its module folder, its shared
  // object's folder, the host binary and plugins that `host module-serve` needs.
  std::vector<std::filesystem::path> read_only;
  // Folders it may write, at the same paths (a build folder); nothing else outside its /tmp.
  std::vector<std::filesystem::path> writable;
  // The Engine service's socket outside, and an empty private folder for its own socket; both
  // empty for a process that serves nothing (a build).
  std::filesystem::path engine_socket;
  std::filesystem::path module_socket_dir;
};

// The bubblewrap command line (starting with "bwrap") that runs spec.command confined.
std::vector<std::string> SandboxCommand(const SandboxSpec& spec);

// Whether the engine runs call for a sandboxed module: the core calls that read or write host
// files or the runtime's environment (Query.host and all of Host, Query.secret with its env:// and
// file:// sources, every export) are refused with an error saying why. call's object is the
// effective one: its own, else its receiver's type.
Status CheckSandboxedCall(const std::string& module, const std::string& object,
                          const std::string& receiver_type, const std::string& function);

// The whole environment of a sandboxed process: PATH, HOME and TMPDIR on its private /tmp,
// LANG, the two socket addresses (with_sockets), HOST_PREFIX when set; nothing else of the
// parent's.
std::vector<std::string> SandboxEnvironment(bool with_sockets = true);

}  // namespace host::remote

#endif  // HOST_REMOTE_SANDBOX_H_
