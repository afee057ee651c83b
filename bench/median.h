// Small helpers shared by the benchmarks: medians and figure checks.
#ifndef HOST_BENCH_MEDIAN_H_
#define HOST_BENCH_MEDIAN_H_

#include <algorithm>
#include <cstdio>
#include <vector>

namespace host::bench {

// The median of samples (which it sorts).
inline double Median(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  size_t n = samples.size();
  return n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
}

// The median of timed samples, or -1 when a run failed (a negative sample, as TimedRun gives).
inline double MedianOrFailed(const std::vector<double>& samples) {
  const bool failed = std::any_of(samples.begin(), samples.end(), [](double ms) { return ms < 0; });
  return failed ? -1 : Median(samples);
}

// Prints whether a figure was reached; returns false when it was not.
inline bool Figure(const char* what, double measured, double limit, const char* unit) {
  bool ok = measured <= limit;
  std::printf("figure: %-58s %8.2f %s (limit %.2f) %s\n", what, measured, unit, limit,
              ok ? "OK" : "MISSED");
  return ok;
}

// Prints a figure that is measured and shown but does not fail the run; the caller says why.
inline void Reported(const char* what, double measured, double limit, const char* unit) {
  std::printf("figure: %-58s %8.2f %s (limit %.2f) %s\n", what, measured, unit, limit,
              measured <= limit ? "OK" : "MISSED (reported, not failing the run)");
}

}  // namespace host::bench

#endif  // HOST_BENCH_MEDIAN_H_
