// The global options about remote modules (--locked, --git-token) turned into engine options.
#ifndef HOST_CLI_REMOTE_OPTIONS_H_
#define HOST_CLI_REMOTE_OPTIONS_H_

#include "core/base/status.h"
#include "core/cli/call_chain.h"
#include "core/engine/engine.h"

namespace host::cli {

// Whether remote modules may be used only as host.lock pins them: --locked or HOST_LOCKED=1.
bool LockedMode(const GlobalOptions& options);

// Sets engine's locked mode and git token (--git-token, else HOST_GIT_TOKEN: a secret URI such as
// env://GITHUB_TOKEN or file:///run/secrets/token).
Status ApplyRemoteOptions(const GlobalOptions& options, RuntimeOptions* engine);

}  // namespace host::cli

#endif  // HOST_CLI_REMOTE_OPTIONS_H_
