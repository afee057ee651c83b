// Commands that manage a module's dependencies: install (add one, pin it), update (move pins to
// the newest versions allowed), uninstall (remove one).
#ifndef HOST_CLI_DEPENDENCY_COMMANDS_H_
#define HOST_CLI_DEPENDENCY_COMMANDS_H_

#include <string>
#include <vector>

#include "core/cli/call_chain.h"

namespace host::cli {

// host [-m DIR] install SOURCE: adds SOURCE to DIR's module.json (default: the current folder),
// pins a remote SOURCE (and the remote modules it loads) in host.lock, and generates its typed
// client.
int RunInstall(const std::vector<std::string>& args, const GlobalOptions& options);

// host [-m DIR] update [NAME]: resolves the remote dependencies (or NAME) at their sources again,
// moves their pins to the newest versions their references allow and prints old -> new.
int RunUpdate(const std::vector<std::string>& args, const GlobalOptions& options);

// host [-m DIR] uninstall NAME: removes the dependency NAME, its pins and its typed client.
int RunUninstall(const std::vector<std::string>& args, const GlobalOptions& options);

}  // namespace host::cli

#endif  // HOST_CLI_DEPENDENCY_COMMANDS_H_
