// host cache du | prune: the state folder's disk use, and making it smaller.
#ifndef HOST_CLI_CACHE_COMMAND_H_
#define HOST_CLI_CACHE_COMMAND_H_

#include <string>
#include <vector>

namespace host::cli {

// Runs `host cache du` or `host cache prune [--keep SIZE]`; returns the exit code.
int RunCache(const std::vector<std::string>& args);

}  // namespace host::cli

#endif  // HOST_CLI_CACHE_COMMAND_H_
