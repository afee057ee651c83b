// host yank: marks a published module version yanked, or restores it (core/modules/oci_module.h).
#ifndef HOST_CLI_YANK_COMMAND_H_
#define HOST_CLI_YANK_COMMAND_H_

#include <string>
#include <vector>

#include "core/cli/call_chain.h"

namespace host::cli {

// host yank oci://REGISTRY/NS/NAME:VERSION --reason TEXT, or host yank --undo oci://...:VERSION:
// stores the yank artifact beside the version's index (with the registry credentials and
// insecure registries of the config file, as publish does) and prints
// "yanked REGISTRY/NS/NAME:VERSION@sha256:..." (or "restored ...").
int RunYank(const std::vector<std::string>& args, const GlobalOptions& options);

}  // namespace host::cli

#endif  // HOST_CLI_YANK_COMMAND_H_
