// `host serve`: the Engine gRPC service on a unix socket or a loopback tcp port.
#ifndef HOST_CLI_SERVE_COMMAND_H_
#define HOST_CLI_SERVE_COMMAND_H_

#include <string>
#include <vector>

#include "core/engine/engine.h"

namespace host::cli {

// Runs `host serve --listen ADDRESS [--token-file FILE]` on an engine made with engine_options
// until SIGINT or SIGTERM; returns the exit code.
int RunServe(const std::vector<std::string>& args, RuntimeOptions engine_options);

}  // namespace host::cli

#endif  // HOST_CLI_SERVE_COMMAND_H_
