// host publish: a module folder to a registry as an OCI artifact (core/modules/oci_module.h).
#ifndef HOST_CLI_PUBLISH_COMMAND_H_
#define HOST_CLI_PUBLISH_COMMAND_H_

#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/cli/call_chain.h"
#include "core/modules/module_ref.h"

namespace host::cli {

// host [-m DIR] publish oci://REGISTRY/NS/NAME:VERSION [--allow-dirty] [--force]: builds the
// module in DIR (default: the current folder) when needed, loads it for its schema, publishes it
// and prints "REGISTRY/NS/NAME:VERSION@sha256:...".
int RunPublish(const std::vector<std::string>& args, const GlobalOptions& options);

// Parses the target of publish with ParseModuleRef: an OCI reference with a tag and no digest.
Result<modules::OciModuleRef> ParsePublishTarget(const std::string& text);

}  // namespace host::cli

#endif  // HOST_CLI_PUBLISH_COMMAND_H_
