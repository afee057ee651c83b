// Test module compiled by g++, called from Python through a typed Python client. It calls the
// Node.js module pyjs through the typed C++ client generated from the schema pyjs's process
// describes: the C++ step of the chain Python -> C++ -> Node.js -> Python.
#include <host/module.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "deps/pyjs.h"

// The main object.
struct Pycxx {
  std::string label = "cxx";

  // Concatenates three strings: the call the per-call figures time.
  std::string echo(const std::string& a, const std::string& b, const std::string& c) const {
    return a + b + c;
  }
  // C++ -> JavaScript -> Python.
  std::string via_js(const std::string& text) const {
    return label + "(" + deps::pyjs().via_py(text) + ")";
  }
  // The sum of a list, and an optional factor (1 when absent).
  double total(const std::vector<int64_t>& values, std::optional<double> factor) const {
    double sum = 0;
    for (int64_t v : values) sum += static_cast<double>(v);
    return sum * factor.value_or(1.0);
  }
  Pycxx with_label(const std::string& text) const {
    Pycxx copy = *this;
    copy.label = text;
    return copy;
  }
};

HOST_MODULE("pycxx", m) {
  m.description("Test module in C++ called by the Python module pymod.");
  m.object<Pycxx>("Pycxx", "The main object.")
      .field("label", &Pycxx::label, "Put around via_js's result.")
      .function("echo", &Pycxx::echo, "Concatenates three strings.",
                {host::arg("a"), host::arg("b"), host::arg("c")})
      .function("via_js", &Pycxx::via_js,
                "Labels a text wrapped by the Node.js module, which has it wrapped in Python.",
                {host::arg("text")})
      .function("total", &Pycxx::total, "Sums values, times factor.",
                {host::arg("values"), host::arg("factor")})
      .function("with_label", &Pycxx::with_label, "Sets the label.", {host::arg("text")});
}
