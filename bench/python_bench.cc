// Python modules (sdk/python): how long a Python module takes to start (load: start the
// interpreter, import the SDK, describe), what a call from the engine to it costs, and what a
// call from Python to a C++ module through its typed client costs (timed inside the module).
// Figures: start median at most 3 s, each call at most 3000 us: about 0.25 s and some hundreds
// of microseconds on an idle machine, with room for a loaded one.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "core/engine/engine.h"
#include "median.h"

namespace {

constexpr int kStarts = 7;
constexpr int kCalls = 1000;

// A call of function on module's main object with string arguments.
host::v1::Call MakeCall(const std::string& module, const std::string& object,
                        const std::string& function,
                        const std::vector<std::pair<std::string, host::v1::Value>>& args) {
  host::v1::Call call;
  call.set_module(module);
  call.set_object(object);
  call.set_function(function);
  for (const auto& [name, value] : args) {
    auto* arg = call.add_args();
    arg->set_name(name);
    *arg->mutable_value() = value;
  }
  return call;
}

host::v1::Value Text(const std::string& text) {
  host::v1::Value value;
  value.set_string_value(text);
  return value;
}

// Median seconds to load pyleaf (its process starting and describing itself) in a new engine.
double StartSeconds(const std::filesystem::path& state) {
  std::vector<double> samples;
  for (int i = 0; i < kStarts; ++i) {
    host::RuntimeOptions options;
    options.state_dir = state / ("start" + std::to_string(i));
    host::Runtime engine(options);
    const auto start = std::chrono::steady_clock::now();
    host::Result<const host::ModuleInfo*> loaded =
        engine.Load(std::string(HOST_TEST_MODULES) + "/pyleaf");
    const auto took = std::chrono::steady_clock::now() - start;
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", loaded.status().message().c_str());
      return -1;
    }
    samples.push_back(std::chrono::duration<double>(took).count());
  }
  return host::bench::Median(samples);
}

// Median microseconds of pyleaf's echo called by the engine; every call has another first
// argument, so no result is reused from the function cache.
double EngineToPython(const std::filesystem::path& state) {
  host::RuntimeOptions options;
  options.state_dir = state / "calls";
  host::Runtime engine(options);
  if (auto loaded = engine.Load(std::string(HOST_TEST_MODULES) + "/pyleaf"); !loaded.ok()) {
    std::fprintf(stderr, "%s\n", loaded.status().message().c_str());
    return -1;
  }
  std::vector<double> samples;
  for (int i = 0; i < kCalls + 100; ++i) {
    const std::string first = "a" + std::to_string(i);
    host::v1::Call call = MakeCall("pyleaf", "Pyleaf", "echo",
                                   {{"a", Text(first)}, {"b", Text("b")}, {"c", Text("c")}});
    const auto start = std::chrono::steady_clock::now();
    host::Result<host::v1::Value> result = engine.Call(call);
    const auto took = std::chrono::steady_clock::now() - start;
    if (!result.ok() || result->string_value() != first + "bc") {
      std::fprintf(stderr, "echo failed: %s\n",
                   result.ok() ? "wrong result" : result.status().message().c_str());
      return -1;
    }
    if (i >= 100) samples.push_back(std::chrono::duration<double, std::micro>(took).count());
  }
  return host::bench::Median(samples);
}

// Microseconds per call of pycxx's echo made from pymod through the typed Python client, as
// pymod's time_cxx measures it (the mean of kCalls calls); the median of three runs.
double PythonToCpp(const std::filesystem::path& state) {
  host::RuntimeOptions options;
  options.state_dir = state / "python-to-cpp";
  host::Runtime engine(options);
  if (auto loaded = engine.Load(std::string(HOST_TEST_MODULES) + "/pymod"); !loaded.ok()) {
    std::fprintf(stderr, "%s\n", loaded.status().message().c_str());
    return -1;
  }
  std::vector<double> samples;
  for (int i = 0; i < 3; ++i) {
    host::v1::Value n;
    n.set_int_value(kCalls + i);  // another argument each time: never a cached result
    host::Result<host::v1::Value> result =
        engine.Call(MakeCall("pymod", "Pymod", "time_cxx", {{"n", n}}));
    if (!result.ok()) {
      std::fprintf(stderr, "time_cxx failed: %s\n", result.status().message().c_str());
      return -1;
    }
    samples.push_back(result->float_value());
  }
  return host::bench::Median(samples);
}

}  // namespace

int main() {
  const std::filesystem::path state =
      std::filesystem::temp_directory_path() / ("host-python-bench-" + std::to_string(getpid()));
  const double start = StartSeconds(state);
  const double to_python = EngineToPython(state);
  const double to_cpp = PythonToCpp(state);
  std::error_code error;
  std::filesystem::remove_all(state, error);
  if (start < 0 || to_python < 0 || to_cpp < 0) return 1;
  bool ok = host::bench::Figure("Python module start (load: process, import, describe), median",
                                start, 3.0, "s");
  ok = host::bench::Figure("call from the engine to a Python module (3 strings), median", to_python,
                           3000.0, "us") &&
       ok;
  ok = host::bench::Figure("call from Python to a C++ module (typed client), mean", to_cpp, 3000.0,
                           "us") &&
       ok;
  return ok ? 0 : 1;
}
