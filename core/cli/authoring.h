// Commands for module authors: init (a new module), install (a dependency), codegen (a typed
// client).
#ifndef HOST_CLI_AUTHORING_H_
#define HOST_CLI_AUTHORING_H_

#include <string>
#include <vector>

namespace host::cli {

// host init --name NAME [--sdk cpp|c] [DIR]: writes a module that builds and runs as it is.
int RunInit(const std::vector<std::string>& args);

// host [-m DIR] install SOURCE: adds SOURCE to DIR's module.json (default: the current folder)
// and generates its typed client.
int RunInstall(const std::vector<std::string>& args, const std::string& module_dir, bool quiet);

// host codegen --module MODULE --output FILE: writes MODULE's typed C++ client.
int RunCodegen(const std::vector<std::string>& args, bool quiet);

}  // namespace host::cli

#endif  // HOST_CLI_AUTHORING_H_
