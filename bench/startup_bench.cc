// Whole-process cost of `host -m MODULE functions`, against fork+exec of /bin/true measured in
// the same run. Figures: median at most 15 ms, and at most 10x /bin/true.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "median.h"

extern char** environ;

namespace {

// Median wall time in milliseconds of running argv `runs` times, output discarded.
double MedianRunMs(const std::vector<std::string>& argv, int runs) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  std::vector<double> samples;
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    pid_t pid = 0;
    if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) {
      std::perror(args[0]);
      return 1e9;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    samples.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::fprintf(stderr, "%s exited with status %d\n", args[0], status);
      return 1e9;
    }
  }
  posix_spawn_file_actions_destroy(&actions);
  return host::bench::Median(samples);
}

}  // namespace

int main() {
  setenv("HOST_MODULE_PATH", HOST_TEST_MODULES, 1);
  const int runs = 101;
  MedianRunMs({HOST_BINARY, "-m", "wide", "functions"}, 5);  // warm the page cache
  // The baseline and host runs alternate, so that both see the same state of the machine.
  std::vector<double> true_samples, wide_samples;
  for (int i = 0; i < runs; ++i) {
    true_samples.push_back(MedianRunMs({"/bin/true"}, 1));
    wide_samples.push_back(MedianRunMs({HOST_BINARY, "-m", "wide", "functions"}, 1));
  }
  double baseline = host::bench::Median(true_samples);
  double wide = host::bench::Median(wide_samples);
  double semver = MedianRunMs({HOST_BINARY, "-m", "semver", "functions"}, runs);
  std::printf("startup: fork+exec /bin/true                 median %6.2f ms\n", baseline);
  std::printf("startup: host -m wide functions (20 fns)     median %6.2f ms  (%.1fx /bin/true)\n",
              wide, wide / baseline);
  std::printf("startup: host -m semver functions (19 fns)   median %6.2f ms  (%.1fx /bin/true)\n",
              semver, semver / baseline);
  bool ok = host::bench::Figure("host -m wide functions, median", wide, 15.0, "ms");
  ok &= host::bench::Figure("host -m wide functions / fork+exec /bin/true", wide / baseline, 10.0,
                            "x");
  return ok ? 0 : 1;
}
