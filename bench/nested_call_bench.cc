// Memory of nested calls: one function of a C module makes 100,000 and then 1,000,000 calls of
// wide.join0 through the typed C client (each in a scope) and through requests freed one by one,
// and the C++ module caller makes the same calls through its typed C++ client. Each run is a
// whole `host` process; its peak RSS is read from wait4.
// Figures: the C module's peak RSS at 1M calls at most 2x the C++ module's, its growth from 100k
// to 1M calls at most 16 MB (flat: before requests had memory of their own it was ~460 bytes a
// call, ~410 MB), and a typed C call at most 2x the time of a typed C++ call.
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "median.h"

extern char** environ;

namespace {

// What one run of `host -m MODULE call FUNCTION --n N` measured.
struct Run {
  bool ok = false;
  double peak_mb = 0;      // the process's peak resident set
  double ns_per_call = 0;  // the nanoseconds the function reported, per call
};

Run HostCall(const std::string& module, const std::string& function, long n) {
  namespace fs = std::filesystem;
  char state_template[] = "/tmp/nested-call-bench-XXXXXX";
  Run run;
  if (mkdtemp(state_template) == nullptr) return run;
  const std::string state = std::string("HOST_STATE_DIR=") + state_template;
  std::vector<std::string> env_text = {state, "PATH=/usr/bin:/bin"};
  std::vector<char*> env;
  for (auto& e : env_text) env.push_back(e.data());
  env.push_back(nullptr);
  std::vector<std::string> argv = {
      HOST_BINARY, "-q",     "-m",  std::string(HOST_TEST_MODULES) + "/" + module,
      "call",      function, "--n", std::to_string(n)};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  int out[2];
  if (pipe(out) != 0) return run;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  std::string text;
  char buf[256];
  for (ssize_t got; rc == 0 && (got = read(out[0], buf, sizeof buf)) > 0;) text.append(buf, got);
  close(out[0]);
  int status = 0;
  struct rusage usage = {};
  if (rc == 0) wait4(pid, &status, 0, &usage);
  fs::remove_all(state_template);
  if (rc != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "%s.%s --n %ld failed\n", module.c_str(), function.c_str(), n);
    return run;
  }
  run.ok = true;
  run.peak_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB
  run.ns_per_call = std::strtod(text.c_str(), nullptr) / static_cast<double>(n);
  return run;
}

}  // namespace

int main() {
  constexpr long kSmall = 100000;
  constexpr long kLarge = 1000000;
  struct Case {
    const char* label;
    const char* module;
    const char* function;
    Run small, large;
  };
  std::vector<Case> cases = {{"C, typed client in scopes", "cnest", "typed", {}, {}},
                             {"C, requests freed", "cnest", "requests", {}, {}},
                             {"C++, typed client", "caller", "through_graph", {}, {}}};
  for (Case& c : cases) {
    c.small = HostCall(c.module, c.function, kSmall);
    c.large = HostCall(c.module, c.function, kLarge);
    if (!c.small.ok || !c.large.ok) return 1;
    std::printf("%-28s peak RSS %7.1f MB at 100k calls, %7.1f MB at 1M; %6.0f ns a call\n", c.label,
                c.small.peak_mb, c.large.peak_mb, c.large.ns_per_call);
  }
  const Case& cxx = cases[2];
  bool ok = true;
  for (int i = 0; i < 2; ++i) {
    const Case& c = cases[static_cast<size_t>(i)];
    std::string what = std::string(c.label) + ": peak RSS at 1M calls / C++'s";
    ok &= host::bench::Figure(what.c_str(), c.large.peak_mb / cxx.large.peak_mb, 2.0, "x");
    what = std::string(c.label) + ": RSS growth 100k -> 1M calls";
    ok &= host::bench::Figure(what.c_str(), c.large.peak_mb - c.small.peak_mb, 16.0, "MB");
  }
  ok &= host::bench::Figure("typed C call / typed C++ call (1M calls)",
                            cases[0].large.ns_per_call / cxx.large.ns_per_call, 2.0, "x");
  return ok ? 0 : 1;
}
