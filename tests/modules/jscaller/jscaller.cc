// Test module compiled by g++ that calls the Node.js module jsmod through the typed client
// generated from the schema jsmod's process describes.
#include <host/module.h>

#include <string>

#include "deps/jsmod.h"

// The main object.
struct Jscaller {
  // C++ -> JavaScript.
  std::string shout(const std::string& text) const { return deps::jsmod().shout(text); }
  // C++ -> JavaScript -> C++ (lcxx).
  std::string round_trip(const std::string& text) const {
    return deps::jsmod().brackets_via_cpp(text);
  }
  // An object made in JavaScript, held here and called again.
  std::string label(const std::string& prefix, const std::string& text) const {
    return deps::jsmod().with_prefix(prefix).label(text);
  }
};

HOST_MODULE("jscaller", m) {
  m.description("Test module in C++ that calls the Node.js module.");
  m.object<Jscaller>("Jscaller", "The main object.")
      .function("shout", &Jscaller::shout, "Shouts a text in the Node.js module.",
                {host::arg("text")})
      .function("round_trip", &Jscaller::round_trip,
                "Brackets a text in the libc++ module, through the Node.js module.",
                {host::arg("text")})
      .function("label", &Jscaller::label, "Labels a text with a prefix set in the Node.js module.",
                {host::arg("prefix"), host::arg("text")});
}
