// A call of a module function with three string arguments and a string result, made by the
// engine: to the module loaded in-process, to the same shared object run as a process of its own
// (`host --isolate`), and to the Node.js and Go test modules (when Node.js and its packages, and
// Go, are there).
// Figure: the out-of-process call's median at most 200 us, reported as a ratio to in-process.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "core/engine/engine.h"
#include "median.h"

namespace {

constexpr int kCalls = 4000;

// The call of module's echo with three strings.
host::v1::Call Echo(const std::string& module, const std::string& object) {
  host::v1::Call call;
  call.set_module(module);
  call.set_object(object);
  call.set_function("echo");
  for (const char* name : {"a", "b", "c"}) {
    auto* arg = call.add_args();
    arg->set_name(name);
    arg->mutable_value()->set_string_value(std::string(name) + "-value");
  }
  return call;
}

// Microseconds per call, median over kCalls single calls after a warm-up; -1 when one failed.
// Every call has another first argument, so no result is reused from the function cache.
double TimedCalls(const host::Runtime& engine, host::v1::Call call) {
  std::vector<double> samples;
  samples.reserve(kCalls);
  for (int i = 0; i < kCalls + 200; ++i) {
    const std::string first = "a" + std::to_string(i);
    call.mutable_args(0)->mutable_value()->set_string_value(first);
    const auto start = std::chrono::steady_clock::now();
    host::Result<host::v1::Value> result = engine.Call(call);
    const auto took = std::chrono::steady_clock::now() - start;
    if (!result.ok() || result->string_value() != first + "b-valuec-value") {
      std::fprintf(stderr, "echo failed: %s\n",
                   result.ok() ? "wrong result" : result.status().message().c_str());
      return -1;
    }
    if (i >= 200) samples.push_back(std::chrono::duration<double, std::micro>(took).count());
  }
  return host::bench::Median(samples);
}

// Median microseconds of echo on module loaded from ref by an engine isolating or not.
double Measure(const std::string& ref, const std::string& module, const std::string& object,
               bool isolate, const std::filesystem::path& state) {
  host::RuntimeOptions options;
  options.state_dir = state / (isolate ? "isolated" : module);
  options.isolate = isolate;
  host::Runtime engine(options);
  host::Result<const host::ModuleInfo*> loaded = engine.Load(ref);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", loaded.status().message().c_str());
    return -1;
  }
  return TimedCalls(engine, Echo(module, object));
}

}  // namespace

int main() {
  const std::filesystem::path state =
      std::filesystem::temp_directory_path() / ("host-process-bench-" + std::to_string(getpid()));
  const std::string gxx = std::string(HOST_TEST_MODULES) + "/gxx";
  const double in_process = Measure(gxx, "gxx", "Gxx", false, state);
  const double isolated = Measure(gxx, "gxx", "Gxx", true, state);
  std::printf("process call: in-process module                 median %8.2f us\n", in_process);
  std::printf("process call: same module in its own process    median %8.2f us  (%.0fx)\n",
              isolated, isolated / in_process);
  const std::filesystem::path jsmod = std::string(HOST_TEST_MODULES) + "/jsmod";
  if (std::filesystem::exists(std::string(HOST_SOURCE_DIR) + "/sdk/node/node_modules")) {
    const double node = Measure(jsmod.string(), "jsmod", "Jsmod", false, state);
    std::printf("process call: Node.js module                    median %8.2f us  (%.0fx)\n", node,
                node / in_process);
  }
  const std::filesystem::path gomod = std::string(HOST_TEST_MODULES) + "/gomod";
  if (std::filesystem::exists(gomod / "main.go")) {  // Go is here (tests/modules/CMakeLists.txt)
    const double go = Measure(gomod.string(), "gomod", "Gomod", false, state);
    std::printf("process call: Go module                         median %8.2f us  (%.0fx)\n", go,
                go / in_process);
  }
  std::error_code error;
  std::filesystem::remove_all(state, error);
  if (in_process < 0 || isolated < 0) return 1;
  return host::bench::Figure("call to an out-of-process module (3 strings), median", isolated,
                             200.0, "us")
             ? 0
             : 1;
}
