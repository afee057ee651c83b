// Long chains of steps, as whole host processes on an image pulled before:
// - the cost of an uncached step at the top of chains of 10, 100, 500 and 1,000 steps (the steps
//   below it cached): the dearest at most 1.5x the cheapest;
// - the fully cached 1,000-step chain: median wall time at most 1 s, and at most 30 MB of
//   memory (the largest maximum resident set of its runs, from wait4).
// `chain_bench --steps N` measures the curve up to N steps instead (default 1000).
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "median.h"
#include "process.h"
#include "registry.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// How a run of a whole process went: wall time (ms, -1 when it failed) and its peak memory.
struct ProcessRun {
  double ms = -1;
  double max_rss_mb = 0;
};

// Runs argv with stdout and stderr discarded, and measures it with wait4.
ProcessRun Measure(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  ProcessRun run;
  const auto start = Clock::now();
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return run;
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid) return run;
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) run.ms = ms;
  run.max_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB
  return run;
}

// The command line of a chain: `cached` steps that ran before, then `fresh` new ones (tagged).
std::vector<std::string> ChainCommand(const std::string& host, const std::string& image, int cached,
                                      int fresh, const std::string& tag) {
  std::vector<std::string> argv = {host, "-q", "call", "container", "from", "--address", image};
  for (int i = 0; i < cached; ++i) {
    argv.insert(argv.end(), {"with-exec", "--args", "touch,/chain-" + std::to_string(i)});
  }
  for (int i = 0; i < fresh; ++i) {
    argv.insert(argv.end(), {"with-exec", "--args", "touch,/new-" + tag + "-" + std::to_string(i)});
  }
  argv.push_back("sync");
  return argv;
}

}  // namespace

int main(int argc, char** argv) {
  int steps = 1000;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--steps") == 0) steps = std::max(100, std::atoi(argv[i + 1]));
  }
  const std::string fixtures = std::string(HOST_SOURCE_DIR) + "/tests/fixtures/images";
  const std::string host = HOST_BINARY;
  char root_template[] = "/tmp/host-chain-bench-XXXXXX";
  const std::string root = mkdtemp(root_template);
  const std::string address = host::bench::ServeFixtureImage(
      fixtures, root, "make-busybox-image.sh", "latest", "", "busybox");
  if (address.empty()) {
    fs::remove_all(root);
    return 1;
  }
  setenv("HOST_STATE_DIR", (root + "/state").c_str(), 1);
  const std::string image = address + "/busybox:latest";
  bool ok = true;

  // The whole chain once, uncached (it fills the cache the figures below start from).
  const ProcessRun fill = Measure(ChainCommand(host, image, steps, 0, ""));
  if (fill.ms < 0) {
    std::fprintf(stderr, "the %d-step chain failed\n", steps);
    ok = false;
  } else {
    std::printf("chain: %d uncached steps in one process: %.1f s, %.1f ms a step on average\n",
                steps, fill.ms / 1000, fill.ms / steps);
  }

  // An uncached step at the top of chains of each length: new steps over the cached ones, less
  // the same cached chain alone.
  // A whole block of merged layers' worth of new steps: each chain's fresh steps build exactly
  // one merge, so the curve compares like with like.
  constexpr int kFresh = 24;
  // Each depth once: a depth measured twice would find its "fresh" steps cached.
  std::vector<int> depths = {10, 100, steps / 2, steps};
  std::sort(depths.begin(), depths.end());
  depths.erase(std::unique(depths.begin(), depths.end()), depths.end());
  std::vector<double> per_step;
  for (size_t d = 0; ok && d < depths.size(); ++d) {
    const int depth = depths[d];
    std::vector<double> cached_runs;
    for (int i = 0; i < 3; ++i) {
      cached_runs.push_back(Measure(ChainCommand(host, image, depth, 0, "")).ms);
    }
    const double cached = host::bench::MedianOrFailed(cached_runs);
    const std::string tag = std::to_string(getpid()) + "-" + std::to_string(depth);
    const double fresh = Measure(ChainCommand(host, image, depth, kFresh, tag)).ms;
    if (cached < 0 || fresh < 0) {
      std::fprintf(stderr, "the chain of %d steps failed\n", depth);
      ok = false;
      break;
    }
    per_step.push_back((fresh - cached) / kFresh);
    std::printf("chain: %4d steps: an uncached step on top %7.2f ms (the cached chain %7.1f ms)\n",
                depth, per_step.back(), cached);
  }
  if (ok) {
    const double cheapest = *std::min_element(per_step.begin(), per_step.end());
    const double dearest = *std::max_element(per_step.begin(), per_step.end());
    ok &= host::bench::Figure("uncached step, dearest / cheapest over 10 to N steps",
                              dearest / std::max(cheapest, 0.001), 1.5, "x");
  }

  // The cached chain as a whole process.
  if (ok) {
    std::vector<double> times;
    double max_rss = 0;
    for (int i = 0; i < 5; ++i) {
      const ProcessRun run = Measure(ChainCommand(host, image, steps, 0, ""));
      times.push_back(run.ms);
      max_rss = std::max(max_rss, run.max_rss_mb);
    }
    const double median = host::bench::MedianOrFailed(times);
    const std::string what = "cached " + std::to_string(steps) + "-step chain, median";
    ok &= median >= 0 && host::bench::Figure(what.c_str(), median, 1000.0, "ms");
    const std::string memory = "cached " + std::to_string(steps) + "-step chain, max RSS";
    ok &= host::bench::Figure(memory.c_str(), max_rss, 30.0, "MB");
  }

  host::bench::StopRegistry(fixtures, root + "/registry");
  std::error_code ec;
  fs::remove_all(root, ec);
  return ok ? 0 : 1;
}
