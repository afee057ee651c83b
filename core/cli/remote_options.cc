#include "core/cli/remote_options.h"

#include <cstdlib>
#include <string_view>

#include "core/types/secret_store.h"

namespace host::cli {

bool LockedMode(const GlobalOptions& options) {
  const char* locked = std::getenv("HOST_LOCKED");
  return options.locked || (locked && std::string_view(locked) == "1");
}

Status ApplyRemoteOptions(const GlobalOptions& options, RuntimeOptions* engine) {
  engine->locked = LockedMode(options);
  const char* from_environment = std::getenv("HOST_GIT_TOKEN");
  const std::string uri = !options.git_token.empty()                   ? options.git_token
                          : from_environment && *from_environment != 0 ? from_environment
                                                                       : "";
  if (uri.empty()) return {};
  Result<std::string> token = ReadSecretUri(uri);
  if (!token.ok()) {
    return token.status().Prefixed(options.git_token.empty() ? "HOST_GIT_TOKEN: "
                                                             : "--git-token: ");
  }
  engine->git_token = std::move(*token);
  return {};
}

}  // namespace host::cli
