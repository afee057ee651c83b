// Whole-process cost of `host -m MODULE functions`, against fork+exec of /bin/true measured in
// the same run. Figures: `host -m wide functions` median at most 15 ms and at most 10x /bin/true;
// `host -m pulumi functions` and `host -m iac functions` (the pipeline's modules) median at most
// 15 ms each.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "median.h"
#include "process.h"

namespace {

// One command whose runs alternate with the others', and its samples.
struct Timed {
  const char* label;
  std::vector<std::string> argv;
  std::vector<double> samples;
};

}  // namespace

int main() {
  setenv("HOST_MODULE_PATH", HOST_TEST_MODULES, 1);
  const int runs = 101;
  using host::bench::MedianMs;
  using host::bench::TimedRun;
  // /bin/true first: the ratios below compare with it.
  std::vector<Timed> commands = {
      {"fork+exec /bin/true", {"/bin/true"}, {}},
      {"host -m wide functions (20 fns)", {HOST_BINARY, "-m", "wide", "functions"}, {}},
      {"host -m pulumi functions", {HOST_BINARY, "-m", "pulumi", "functions"}, {}},
      {"host -m iac functions", {HOST_BINARY, "-m", "iac", "functions"}, {}},
  };
  for (size_t c = 1; c < commands.size(); ++c) {
    MedianMs(5, [&](int) { return commands[c].argv; });  // warm the page cache
  }
  // The runs of all commands alternate, so that all see the same state of the machine.
  for (int i = 0; i < runs; ++i) {
    for (auto& command : commands) command.samples.push_back(TimedRun(command.argv));
  }
  double semver = MedianMs(runs, [](int) {
    return std::vector<std::string>{HOST_BINARY, "-m", "semver", "functions"};
  });
  std::vector<double> medians;
  for (const auto& command : commands)
    medians.push_back(host::bench::MedianOrFailed(command.samples));
  const double baseline = medians[0], wide = medians[1], pulumi = medians[2], iac = medians[3];
  if (baseline <= 0 || wide <= 0 || pulumi <= 0 || iac <= 0 || semver <= 0) {
    std::fprintf(stderr, "a run failed\n");
    return 1;
  }
  std::printf("startup: fork+exec /bin/true                 median %6.2f ms\n", baseline);
  for (size_t c = 1; c < commands.size(); ++c) {
    std::printf("startup: %-36smedian %6.2f ms  (%.1fx /bin/true)\n", commands[c].label, medians[c],
                medians[c] / baseline);
  }
  std::printf("startup: host -m semver functions (19 fns)   median %6.2f ms  (%.1fx /bin/true)\n",
              semver, semver / baseline);
  bool ok = host::bench::Figure("host -m wide functions, median", wide, 15.0, "ms");
  ok &= host::bench::Figure("host -m wide functions / fork+exec /bin/true", wide / baseline, 10.0,
                            "x");
  ok &= host::bench::Figure("host -m pulumi functions, median", pulumi, 15.0, "ms");
  ok &= host::bench::Figure("host -m iac functions, median", iac, 15.0, "ms");
  return ok ? 0 : 1;
}
