// `host module-serve OBJECT`: one shared-object module in a process of its own, serving the Module
// service to the runtime that started it (`host --isolate`).
#ifndef HOST_CLI_MODULE_SERVE_COMMAND_H_
#define HOST_CLI_MODULE_SERVE_COMMAND_H_

#include <string>
#include <vector>

namespace host::cli {

// Loads the module and serves it on $HOST_MODULE_SOCKET until SIGTERM, sending its calls and logs
// to the runtime's engine at $HOST_ENGINE_SOCKET; returns the exit code.
int RunModuleServe(const std::vector<std::string>& args);

}  // namespace host::cli

#endif  // HOST_CLI_MODULE_SERVE_COMMAND_H_
