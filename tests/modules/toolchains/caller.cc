// caller-<toolchain>: the caller of the toolchain matrix, one copy built by each C++ toolchain. It
// calls, through their generated typed clients, the leaves built by the two other toolchains, the
// C module cmod and the Node.js module jsmod, and checks every answer. matrix_deps.h, written by
// the build, names the module (CALLER_NAME, CALLER_OBJECT) and its two leaves (LEAF_A, LEAF_B).
#include <host/module.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "deps/cmod.h"
#include "deps/jsmod.h"
#include "matrix_deps.h"
#include "toolchain.h"

namespace {

// Throws when a check fails, naming the module and the function.
void Check(bool ok, const std::string& where, const char* what) {
  if (!ok) throw std::runtime_error(where + ": " + what + " returned a wrong value");
}

// Calls every function of one leaf and checks the answers; returns one line about it.
template <class Shape, class Leaf>
std::string Exercise(const std::string& name, const Leaf& leaf) {
  const std::string text = "h\xc3\xa9llo, \"world\"\n\x01";
  Check(leaf.echo(text) == text, name, "echo");
  Check(leaf.echo("") == "", name, "echo of an empty string");
  const int64_t max = std::numeric_limits<int64_t>::max();
  Check(leaf.add(max - 1, 1) == max, name, "add");
  Check(leaf.add(-5, 3) == -2, name, "add of a negative number");
  Check(leaf.half(5) == 2.5, name, "half");
  Check(std::isinf(leaf.half(std::numeric_limits<double>::infinity())), name, "half of infinity");
  Check(!leaf.negate(true) && leaf.negate(false), name, "negate");
  Check(leaf.reversed({1, 2, 3}) == std::vector<int64_t>{3, 2, 1}, name, "reversed");
  Check(leaf.reversed({}).empty(), name, "reversed of an empty list");
  Check(leaf.doubled({1.5, -2}) == std::vector<double>{3, -4}, name, "doubled");
  Check(leaf.flipped({true, false}) == std::vector<bool>{false, true}, name, "flipped");
  Check(leaf.join({"a", "b"}) == "a,b", name, "join with its default separator");
  Check(leaf.join({"a", "b"}, std::string("+")) == "a+b", name, "join");
  Check(leaf.maybe(true) == std::optional<int64_t>(7), name, "maybe");
  Check(!leaf.maybe(false).has_value(), name, "maybe of nothing");
  Check(leaf.or_default() == -1 && leaf.or_default(int64_t{4}) == 4, name, "or_default");
  Check(leaf.next_shape(Shape::SQUARE) == Shape::TRIANGLE, name, "next_shape");
  auto point = leaf.point(1, 2, "a").with_x(5);
  Check(point.x() == 5 && point.y() == 2 && point.label() == "a" && point.sum() == 7, name,
        "point");
  auto points = leaf.points(3);
  Check(points.size() == 3 && points[2].label() == "p2" && points[2].y() == 20, name, "points");
  Check(leaf.total(points) == 33, name, "total");
  try {
    leaf.fail("boom");
    Check(false, name, "fail");
  } catch (const host::CallError& e) {
    Check(std::string(e.what()).find("boom") != std::string::npos, name, "fail's error");
  }
  return name + " (" + leaf.toolchain() + "): ok";
}

// Nanoseconds since start.
int64_t Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                              start)
      .count();
}

// The main object.
struct Caller {
  std::vector<std::string> matrix() const {
    std::vector<std::string> lines = {std::string(CALLER_NAME) + " (" TOOLCHAIN "):"};
    lines.push_back(Exercise<LEAF_A_SHAPE>(LEAF_A_NAME, LEAF_A()));
    lines.push_back(Exercise<LEAF_B_SHAPE>(LEAF_B_NAME, LEAF_B()));
    auto cmod = deps::cmod();
    Check(cmod.shout("hi") == "HI!", "cmod", "shout");
    Check(cmod.count({"a", "b", "c"}) == 3, "cmod", "count");
    Check(cmod.scale(1.5) == 3 && cmod.scale(1.5, 3.0) == 4.5, "cmod", "scale");
    lines.push_back("cmod (C): ok");
    auto jsmod = deps::jsmod();
    Check(jsmod.echo("a", "b", "c") == "abc", "jsmod", "echo");
    Check(jsmod.sum(std::vector<int64_t>{1, 2, 40}) == 43, "jsmod", "sum");
    Check(jsmod.half(3) == 1.5, "jsmod", "half");
    Check(jsmod.with_tag("x").with_tag("y").report().summary() == "js: 2 tag(s): x,y", "jsmod",
          "report");
    lines.push_back("jsmod (Node.js): ok");
    return lines;
  }
  // Nanoseconds for n calls of the first leaf's echo through its typed client.
  int64_t spin(int64_t n) const {
    auto leaf = LEAF_A();
    size_t total = 0;
    auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < n; ++i) total += leaf.echo("alpha").size();
    int64_t ns = Since(start);
    if (total != static_cast<size_t>(n) * 5) throw std::runtime_error("wrong results");
    return ns;
  }
};

}  // namespace

HOST_MODULE(CALLER_NAME, m) {
  m.description("A caller of the toolchain matrix, built by " TOOLCHAIN ".");
  m.object<Caller>(CALLER_OBJECT, "The main object.")
      .function("matrix", &Caller::matrix,
                "Calls every function of the other toolchains' leaves, cmod and jsmod.", {},
                host::Cache::kNever)
      .function("spin", &Caller::spin, "Nanoseconds for n calls of a leaf's echo.",
                {host::arg("n")}, host::Cache::kNever);
}
