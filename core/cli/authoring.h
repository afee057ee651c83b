// Commands for module authors: init (a new module), codegen (a typed client).
#ifndef HOST_CLI_AUTHORING_H_
#define HOST_CLI_AUTHORING_H_

#include <filesystem>
#include <string>
#include <vector>

#include "core/base/status.h"

namespace host::cli {

// host init --name NAME [--sdk cpp|c|node|python|go] [DIR]: writes a module that builds and runs as
// it is.
int RunInit(const std::vector<std::string>& args);

// Writes text to path through a temporary file and a rename, so readers never see half a file.
Status WriteAtomically(const std::filesystem::path& path, const std::string& text);

// host codegen --module MODULE --output FILE: writes MODULE's typed C++ client.
int RunCodegen(const std::vector<std::string>& args, bool quiet);

}  // namespace host::cli

#endif  // HOST_CLI_AUTHORING_H_
