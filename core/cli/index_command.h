// host index build|serve: the module index web site (core/index/index_plugin.h).
#ifndef HOST_CLI_INDEX_COMMAND_H_
#define HOST_CLI_INDEX_COMMAND_H_

#include <string>
#include <vector>

namespace host::cli {

// host index build --registry R[/NS] ... [--out DIR] [--title T]: crawls the registries and
// writes the static site; host index serve --listen HOST:PORT [--registry ...] [--out DIR]
// [--interval D]: serves it, rebuilding it on a schedule and on request. Returns the exit code.
int RunIndex(const std::vector<std::string>& args);

}  // namespace host::cli

#endif  // HOST_CLI_INDEX_COMMAND_H_
