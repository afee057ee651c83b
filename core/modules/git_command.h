// Running the git command line for remote modules: the user's git setup (credential helpers,
// GIT_ASKPASS, an ssh agent, insteadOf) applies unchanged, a token from a secret goes through the
// environment only, nothing ever waits for a prompt, and a stalled server is given up on.
#ifndef HOST_MODULES_GIT_COMMAND_H_
#define HOST_MODULES_GIT_COMMAND_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace host::modules {

// How long and how much one git command may take.
struct GitCommandLimits {
  std::chrono::seconds timeout{600};     // the whole command; then it is killed
  int low_speed_limit = 1000;            // bytes per second below which a transfer is stalled ...
  int low_speed_seconds = 30;            // ... for this long (http.lowSpeedLimit/Time)
  uint64_t max_file_bytes = 1ull << 30;  // the largest file git may write (a pack, a checkout)
  size_t max_output_bytes = 64u << 20;   // stdout kept (ls-remote of a huge repository)
};

// What one git command printed and how it ended.
struct GitOutput {
  bool success = false;
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs `git ARGS` in dir (empty: no change) with the user's environment, GIT_TERMINAL_PROMPT=0,
// no controlling terminal (ssh cannot prompt either), stdin from /dev/null and, when token is
// non-empty, the token in the child's environment only and an inline credential helper that
// reads it. Fails only when git cannot be started; a failing git is a GitOutput without success.
Result<GitOutput> RunGit(const std::vector<std::string>& args, const std::filesystem::path& dir,
                         std::string_view token, const GitCommandLimits& limits,
                         std::string_view url = {});

// The host (with its port) of url that may be given a token: an https URL's, or a plain http
// URL's on loopback; "" for anything else (ssh, file, http elsewhere), which gets no token.
std::string TokenHost(std::string_view url);

// The last lines (at most max_lines) of git's stderr, with the token and any credentials in URLs
// ("https://user:secret@host") replaced by "***"; for error messages.
std::string ScrubbedGitError(std::string_view err, std::string_view token, size_t max_lines = 6);

// text with the token and URL credentials replaced by "***".
std::string ScrubCredentials(std::string_view text, std::string_view token);

}  // namespace host::modules

#endif  // HOST_MODULES_GIT_COMMAND_H_
