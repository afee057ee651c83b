// lcxx: a module in C++17 built by clang++ against libc++. The C++ SDK is header-only and encodes
// values itself, so the module loads beside a host built by g++ against libstdc++: no C++ type
// crosses the ABI. cmod depends on lcxx in turn, so lcxx calls it without a generated client
// (the toolchain matrix's caller-libcxx calls cmod through one).
#include <host/module.h>

#include <optional>
#include <string>
#include <vector>

// The main object.
struct Lcxx {
  std::string brackets(const std::string& text) const { return "[" + text + "]"; }
  std::string join(const std::vector<std::string>& items, const std::string& sep) const {
    std::string joined;
    for (size_t i = 0; i < items.size(); ++i) joined += (i > 0 ? sep : "") + items[i];
    return joined;
  }
  std::string shout_twice(const std::string& text) const { return Shout(Shout(text)); }

 private:
  // cmod's shout, through the graph.
  static std::string Shout(const std::string& text) {
    return host::client::Call("cmod", "Cmod", "shout").arg("text", text).Run<std::string>();
  }
};

HOST_MODULE("lcxx", m) {
  m.description("A C++17 test module built by clang++ against libc++, with the C++ SDK.");
  m.object<Lcxx>("Lcxx", "The main object.")
      .function("brackets", &Lcxx::brackets, "Returns text between square brackets.",
                {host::arg("text", "The text to put in brackets.")})
      .function("join", &Lcxx::join, "Joins items with sep (a comma unless given).",
                {host::arg("items", "The items to join."),
                 host::arg("sep", "What goes between two items.").def(",")})
      .function("shout_twice", &Lcxx::shout_twice, "Calls cmod's shout through the host, twice.",
                {host::arg("text", "The text cmod shouts, twice.")});
}
