#include "core/modules/git_command.h"

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/base/subprocess.h"

extern char** environ;

namespace host::modules {
namespace {

// The environment variable the inline credential helper reads the token from.
constexpr char kTokenVariable[] = "HOST_GIT_TOKEN";
// The host (with port) the token may be given to, as git's credential request names it.
constexpr char kTokenHostVariable[] = "HOST_GIT_TOKEN_HOST";

// What the child does before exec: a session of its own (no controlling terminal, so neither git
// nor ssh can prompt; its process group is killed on timeout) and a cap on the files it writes.
struct ChildSetup {
  rlim_t max_file_bytes;
};

const char* SetUpChild(void* arg) {
  const auto* setup = static_cast<const ChildSetup*>(arg);
  if (setsid() < 0) return "starting a session";
  const rlimit limit = {setup->max_file_bytes, setup->max_file_bytes};
  if (setrlimit(RLIMIT_FSIZE, &limit) != 0) return "limiting file sizes";
  return nullptr;
}

// Variables that would point git at another repository than the one it is run in, and ours.
bool DroppedVariable(std::string_view entry) {
  static constexpr std::string_view kDropped[] = {"GIT_DIR=",
                                                  "GIT_WORK_TREE=",
                                                  "GIT_INDEX_FILE=",
                                                  "GIT_OBJECT_DIRECTORY=",
                                                  "GIT_COMMON_DIR=",
                                                  "GIT_NAMESPACE=",
                                                  "GIT_PREFIX=",
                                                  "GIT_TERMINAL_PROMPT=",
                                                  "GIT_ALTERNATE_OBJECT_DIRECTORIES=",
                                                  "HOST_GIT_TOKEN=",
                                                  "HOST_GIT_TOKEN_HOST=",
                                                  "GIT_TRACE=",
                                                  "GIT_TRACE_PACKET=",
                                                  "GIT_TRACE_CURL=",
                                                  "GIT_CURL_VERBOSE="};
  for (std::string_view prefix : kDropped) {
    if (entry.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

// Appends up to the cap; reports whether anything was dropped.
void Append(std::string& sink, const char* data, size_t size, size_t cap, bool* truncated) {
  if (sink.size() + size > cap) {
    *truncated = true;
    size = cap > sink.size() ? cap - sink.size() : 0;
  }
  sink.append(data, size);
}

}  // namespace

std::string TokenHost(std::string_view url) {
  bool https = url.rfind("https://", 0) == 0;
  bool http = url.rfind("http://", 0) == 0;
  if (!https && !http) return {};
  url.remove_prefix(https ? 8 : 7);
  std::string_view authority = url.substr(0, url.find('/'));
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string_view name = authority;
  if (!name.empty() && name.front() == '[') {
    name = name.substr(0, name.find(']') + 1);
  } else {
    name = name.substr(0, name.find(':'));
  }
  const bool dotted =
      !name.empty() && name.find_first_not_of("0123456789.") == std::string_view::npos;
  const bool loopback =
      name == "localhost" || name == "[::1]" || (dotted && name.rfind("127.", 0) == 0);
  if (authority.empty() || (http && !loopback)) return {};
  return std::string(authority);
}

Result<GitOutput> RunGit(const std::vector<std::string>& args, const std::filesystem::path& dir,
                         std::string_view token, const GitCommandLimits& limits,
                         std::string_view url) {
  // A token goes only to the host of the URL this command is for, over https (or plain http on
  // loopback): never to a redirect's host or another server a repository names.
  const std::string token_host = token.empty() ? std::string() : TokenHost(url);
  if (token_host.empty()) token = {};
  SubprocessSpec spec;
  spec.argv = {"git"};
  auto config = [&](const std::string& setting) {
    spec.argv.push_back("-c");
    spec.argv.push_back(setting);
  };
  if (!token.empty()) {
    // The token reaches git through this process's environment only: never argv, never a file.
    config("credential.helper=");
    config(
        "credential.helper=!f() { test \"$1\" = get || return 0; h=; while IFS= read -r l; do "
        "case \"$l\" in host=*) h=${l#host=};; esac; done; test \"$h\" = \"$" +
        std::string(kTokenHostVariable) +
        "\" && printf 'username=x-access-token\\npassword=%s\\n' \"$" +
        std::string(kTokenVariable) + "\"; }; f");
  }
  config("http.lowSpeedLimit=" + std::to_string(limits.low_speed_limit));
  config("http.lowSpeedTime=" + std::to_string(limits.low_speed_seconds));
  config("core.hooksPath=/dev/null");
  config("protocol.version=2");
  config("advice.detachedHead=false");
  config("init.defaultBranch=main");
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    if (!DroppedVariable(*entry)) env.emplace_back(*entry);
  }
  env.emplace_back("GIT_TERMINAL_PROMPT=0");
  if (!token.empty()) {
    env.push_back(std::string(kTokenVariable) + "=" + std::string(token));
    env.push_back(std::string(kTokenHostVariable) + "=" + token_host);
  }
  spec.env = std::move(env);
  spec.dir = dir;
  spec.stdio = {ChildStream::Null(), ChildStream::Pipe(), ChildStream::Pipe()};
  spec.parent_death_signal = SIGKILL;
  spec.default_signals = true;
  ChildSetup setup{static_cast<rlim_t>(limits.max_file_bytes)};
  spec.before_exec = SetUpChild;
  spec.before_exec_arg = &setup;
  Result<Subprocess> started = Subprocess::Start(spec);
  if (!started.ok()) {
    return started.status().Prefixed("cannot run git (install git, it fetches remote modules): ");
  }
  Subprocess& child = *started;
  GitOutput output;
  const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
  UniqueFd* reads[2] = {&child.stdout_pipe(), &child.stderr_pipe()};
  std::string* sinks[2] = {&output.out, &output.err};
  const size_t caps[2] = {limits.max_output_bytes, 1u << 20};
  bool truncated[2] = {false, false};
  char buffer[65536];
  while (reads[0]->ok() || reads[1]->ok()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      output.timed_out = true;
      // git's helpers (git-remote-http, ssh) are in its process group: none may outlive it.
      kill(-child.pid(), SIGKILL);
      kill(child.pid(), SIGKILL);
      break;
    }
    pollfd fds[2] = {{reads[0]->get(), POLLIN, 0}, {reads[1]->get(), POLLIN, 0}};
    const int ready = poll(fds, 2, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (!reads[i]->ok() || fds[i].revents == 0) continue;
      const ssize_t n = read(reads[i]->get(), buffer, sizeof buffer);
      if (n > 0) {
        Append(*sinks[i], buffer, static_cast<size_t>(n), caps[i], &truncated[i]);
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        reads[i]->reset();
      }
    }
  }
  const ExitStatus exit = child.Wait();
  output.success = exit.success() && !output.timed_out && !truncated[0];
  if (truncated[0]) output.err += "\nhost: git printed more than the limit of output\n";
  if (exit.signal == SIGXFSZ) output.err += "\nhost: git wrote a file larger than the limit\n";
  return output;
}

std::string ScrubCredentials(std::string_view text, std::string_view token) {
  std::string out(text);
  if (!token.empty()) {
    for (size_t at = out.find(token); at != std::string::npos; at = out.find(token, at + 3)) {
      out.replace(at, token.size(), "***");
    }
  }
  // "scheme://user:password@host" and "scheme://token@host": the user information goes.
  for (size_t scheme = out.find("://"); scheme != std::string::npos;
       scheme = out.find("://", scheme + 3)) {
    const size_t start = scheme + 3;
    size_t end = start;
    while (end < out.size() && out[end] != '@' && out[end] != '/' && out[end] != ' ' &&
           out[end] != '\n' && out[end] != '\'' && out[end] != '"') {
      ++end;
    }
    if (end < out.size() && out[end] == '@' && end > start &&
        out.compare(start, end - start, "git")) {
      out.replace(start, end - start, "***");
    }
  }
  return out;
}

std::string ScrubbedGitError(std::string_view err, std::string_view token, size_t max_lines) {
  const std::string scrubbed = ScrubCredentials(err, token);
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < scrubbed.size()) {
    size_t end = scrubbed.find('\n', start);
    if (end == std::string::npos) end = scrubbed.size();
    std::string line = scrubbed.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) lines.push_back(std::move(line));
    start = end + 1;
  }
  std::string out;
  const size_t first = lines.size() > max_lines ? lines.size() - max_lines : 0;
  for (size_t i = first; i < lines.size(); ++i) {
    if (!out.empty()) out += "; ";
    // Control characters from a hostile server do not reach the terminal.
    for (char c : lines[i]) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  }
  return out.empty() ? "(git printed nothing)" : out;
}

}  // namespace host::modules
