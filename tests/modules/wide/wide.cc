// A module with 20 functions of three string arguments, for listing and call benchmarks.
#include <host/module.h>

#include <string>

// The main object.
struct Wide {
  template <int N>
  std::string join(const std::string& a, const std::string& b, const std::string& c) const {
    return a + b + c + std::to_string(N);
  }
};

namespace {
template <int N>
void Register(host::ObjectBuilder<Wide>& object) {
  if constexpr (N < 20) {
    object.function("join" + std::to_string(N), &Wide::join<N>,
                    "Joins three strings and the number " + std::to_string(N) + ".",
                    {host::arg("a"), host::arg("b"), host::arg("c")});
    Register<N + 1>(object);
  }
}
}  // namespace

HOST_MODULE("wide", m) {
  m.description("A module with 20 functions, for benchmarks.");
  auto object = m.object<Wide>("Wide", "The main object.");
  Register<0>(object);
}
