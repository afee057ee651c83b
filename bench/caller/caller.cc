// Benchmark module: times n calls of wide.join0(a, b, c) made through the graph with the typed
// client, and n direct C++ calls of the same function, from inside a module.
#include <host/module.h>

#include <chrono>
#include <string>

#include "deps/wide.h"

namespace {

// The same work as wide.join0, called directly; noinline keeps the call a real call.
[[gnu::noinline]] std::string Join(const std::string& a, const std::string& b,
                                   const std::string& c) {
  return a + b + c + "0";
}

int64_t Nanoseconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                              start)
      .count();
}

}  // namespace

// The main object.
struct Caller {
  int64_t through_graph(int64_t n) const {
    deps::Wide wide = deps::wide();
    size_t total = 0;
    auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < n; ++i) total += wide.join0("alpha", "beta", "gamma").size();
    int64_t ns = Nanoseconds(start);
    if (total != static_cast<size_t>(n) * 15) throw std::runtime_error("wrong results");
    return ns;
  }
  int64_t direct(int64_t n) const {
    size_t total = 0;
    auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < n; ++i) total += Join("alpha", "beta", "gamma").size();
    int64_t ns = Nanoseconds(start);
    if (total != static_cast<size_t>(n) * 15) throw std::runtime_error("wrong results");
    return ns;
  }
};

HOST_MODULE("caller", m) {
  m.object<Caller>("Caller", "Times calls.")
      .function("through_graph", &Caller::through_graph,
                "Nanoseconds for n calls of wide.join0 through the graph.", {host::arg("n")},
                host::Cache::kNever)
      .function("direct", &Caller::direct, "Nanoseconds for n direct C++ calls of the same work.",
                {host::arg("n")}, host::Cache::kNever);
}
