// One call through the graph from a module of each C++ toolchain (g++/libstdc++, clang++/libstdc++,
// clang++/libc++) to a module of another, through the generated typed client: caller-X.spin times
// n calls of leaf echo(text). Figure: median at most 5 us per call from every toolchain (the best
// of three rounds, as call_bench takes it).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "core/engine/engine.h"
#include "median.h"

namespace {

constexpr int kBatches = 15;

// Nanoseconds per call of caller-<toolchain>.spin over n calls, median of batches.
double Timed(const host::Runtime& engine, const std::string& toolchain, int64_t n) {
  std::vector<double> samples;
  for (int b = 0; b < kBatches; ++b) {
    host::v1::Call call;
    call.set_module("caller-" + toolchain);
    std::string object = "Caller" + toolchain;
    object[6] = static_cast<char>(object[6] - 'a' + 'A');
    call.set_object(object);
    call.set_function("spin");
    auto* arg = call.add_args();
    arg->set_name("n");
    arg->mutable_value()->set_int_value(n);
    auto result = engine.Call(call);
    if (!result.ok()) {
      std::fprintf(stderr, "%s\n", result.status().message().c_str());
      std::exit(1);
    }
    samples.push_back(static_cast<double>(result->int_value()) / static_cast<double>(n));
  }
  return host::bench::Median(samples);
}

}  // namespace

int main() {
  host::RuntimeOptions options;
  host::Runtime engine(options);
  bool ok = true;
  for (const std::string toolchain : {"gxx", "clang", "libcxx"}) {
    auto loaded = engine.Load(std::string(HOST_TEST_MODULES) + "/caller-" + toolchain);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", loaded.status().message().c_str());
      return 1;
    }
    Timed(engine, toolchain, 2000);  // warm up
    std::vector<double> rounds;
    for (int round = 0; round < 3; ++round) {
      if (round > 0) std::this_thread::sleep_for(std::chrono::milliseconds(500));
      rounds.push_back(Timed(engine, toolchain, 20000));
    }
    const double best = *std::min_element(rounds.begin(), rounds.end());
    std::printf("toolchain call: from caller-%-7s medians of three rounds %.3f, %.3f, %.3f us\n",
                toolchain.c_str(), rounds[0] / 1000, rounds[1] / 1000, rounds[2] / 1000);
    const std::string figure = "typed graph call from a module built by " +
                               std::string(toolchain == "gxx"     ? "g++/libstdc++"
                                           : toolchain == "clang" ? "clang++/libstdc++"
                                                                  : "clang++/libc++") +
                               ", median";
    ok = host::bench::Figure(figure.c_str(), best / 1000, 5.0, "us") && ok;
  }
  return ok ? 0 : 1;
}
