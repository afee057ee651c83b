// Whole-process cost of `host -m MODULE functions`, against fork+exec of /bin/true measured in
// the same run. Figures: median at most 15 ms, and at most 10x /bin/true.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "median.h"
#include "process.h"

int main() {
  setenv("HOST_MODULE_PATH", HOST_TEST_MODULES, 1);
  const int runs = 101;
  using host::bench::MedianMs;
  using host::bench::TimedRun;
  const std::vector<std::string> wide_cmd = {HOST_BINARY, "-m", "wide", "functions"};
  MedianMs(5, [&](int) { return wide_cmd; });  // warm the page cache
  // The baseline and host runs alternate, so that both see the same state of the machine.
  std::vector<double> true_samples, wide_samples;
  for (int i = 0; i < runs; ++i) {
    true_samples.push_back(TimedRun({"/bin/true"}));
    wide_samples.push_back(TimedRun(wide_cmd));
  }
  double baseline = host::bench::Median(true_samples);
  double wide = host::bench::Median(wide_samples);
  double semver = MedianMs(runs, [](int) {
    return std::vector<std::string>{HOST_BINARY, "-m", "semver", "functions"};
  });
  for (double ms : true_samples) {
    if (ms < 0) baseline = -1;
  }
  for (double ms : wide_samples) {
    if (ms < 0) wide = -1;
  }
  if (baseline <= 0 || wide <= 0 || semver <= 0) {
    std::fprintf(stderr, "a run failed\n");
    return 1;
  }
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
