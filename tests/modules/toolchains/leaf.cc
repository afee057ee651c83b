// leaf-<toolchain>: the callee of the toolchain matrix, one copy built by each C++ toolchain. Its
// functions take and return every kind of value, so that a caller built by another toolchain
// proves each crosses the graph intact. LEAF_NAME ("leaf-gxx"), LEAF_OBJECT ("LeafGxx") and
// LEAF_SUFFIX ("Gxx", which keeps the type names of the copies apart) are set by the build.
#include <host/module.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "toolchain.h"

namespace {

// A shape, to carry an enum both ways.
enum class Shape { kCircle, kSquare, kTriangle };

// A point: an object with fields and functions of its own.
struct Point {
  int64_t x = 0;
  int64_t y = 0;
  std::string label;

  Point with_x(int64_t value) const {
    Point copy = *this;
    copy.x = value;
    return copy;
  }
  int64_t sum() const { return x + y; }
};

}  // namespace

template <>
inline const host::EnumSpec<Shape> host::enum_spec<Shape>{
    "Shape" LEAF_SUFFIX,
    "A shape.",
    {{Shape::kCircle, "CIRCLE"}, {Shape::kSquare, "SQUARE"}, {Shape::kTriangle, "TRIANGLE"}}};

namespace {

// The main object.
struct Leaf {
  std::string toolchain() const { return TOOLCHAIN; }
  std::string echo(const std::string& text) const { return text; }
  int64_t add(int64_t a, int64_t b) const { return a + b; }
  double half(double value) const { return value / 2; }
  bool negate(bool value) const { return !value; }
  std::vector<int64_t> reversed(const std::vector<int64_t>& items) const {
    return std::vector<int64_t>(items.rbegin(), items.rend());
  }
  std::vector<double> doubled(const std::vector<double>& items) const {
    std::vector<double> out;
    for (double item : items) out.push_back(item * 2);
    return out;
  }
  std::vector<bool> flipped(const std::vector<bool>& items) const {
    std::vector<bool> out;
    for (bool item : items) out.push_back(!item);
    return out;
  }
  std::string join(const std::vector<std::string>& items, const std::string& sep) const {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
    return out;
  }
  std::optional<int64_t> maybe(bool give) const {
    return give ? std::optional<int64_t>(7) : std::nullopt;
  }
  int64_t or_default(std::optional<int64_t> value) const { return value.value_or(-1); }
  Shape next_shape(Shape shape) const {
    return shape == Shape::kCircle   ? Shape::kSquare
           : shape == Shape::kSquare ? Shape::kTriangle
                                     : Shape::kCircle;
  }
  Point point(int64_t x, int64_t y, const std::string& label) const { return Point{x, y, label}; }
  std::vector<Point> points(int64_t n) const {
    std::vector<Point> out;
    for (int64_t i = 0; i < n; ++i) out.push_back(Point{i, i * 10, "p" + std::to_string(i)});
    return out;
  }
  int64_t total(const std::vector<Point>& points) const {
    int64_t sum = 0;
    for (const Point& p : points) sum += p.sum();
    return sum;
  }
  std::string fail(const std::string& message) const { throw std::runtime_error(message); }
};

}  // namespace

HOST_MODULE(LEAF_NAME, m) {
  m.description("A callee of the toolchain matrix, built by " TOOLCHAIN ".");
  m.object<Point>("Point" LEAF_SUFFIX, "A point.")
      .field("x", &Point::x, "Across.")
      .field("y", &Point::y, "Up.")
      .field("label", &Point::label, "A name.")
      .function("with_x", &Point::with_x, "Moves across.", {host::arg("value")})
      .function("sum", &Point::sum, "x + y.");
  m.object<Leaf>(LEAF_OBJECT, "The main object.")
      .function("toolchain", &Leaf::toolchain, "The compiler and standard library that built it.")
      .function("echo", &Leaf::echo, "Returns text.", {host::arg("text")})
      .function("add", &Leaf::add, "a + b.", {host::arg("a"), host::arg("b")})
      .function("half", &Leaf::half, "value / 2.", {host::arg("value")})
      .function("negate", &Leaf::negate, "Not value.", {host::arg("value")})
      .function("reversed", &Leaf::reversed, "The items in reverse.", {host::arg("items")})
      .function("doubled", &Leaf::doubled, "Each item times 2.", {host::arg("items")})
      .function("flipped", &Leaf::flipped, "Each item negated.", {host::arg("items")})
      .function("join", &Leaf::join, "Joins items with sep.",
                {host::arg("items"), host::arg("sep").def(",")})
      .function("maybe", &Leaf::maybe, "7, or nothing.", {host::arg("give")})
      .function("or_default", &Leaf::or_default, "value, or -1 without one.", {host::arg("value")})
      .function("next_shape", &Leaf::next_shape, "The shape after shape.", {host::arg("shape")})
      .function("point", &Leaf::point, "Makes a point.",
                {host::arg("x"), host::arg("y"), host::arg("label")})
      .function("points", &Leaf::points, "n points.", {host::arg("n")})
      .function("total", &Leaf::total, "The sum of the points' sums.", {host::arg("points")})
      .function("fail", &Leaf::fail, "Fails with message.", {host::arg("message")},
                host::Cache::kNever);
}
