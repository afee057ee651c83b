#include "core/index/terminal_text.h"

#include <cstdio>

namespace host::index {

std::string TerminalSafe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char escaped[16];
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
      continue;
    }
    // C1 controls (U+0080-U+009F, such as the 8-bit CSI) are 0xC2 0x80-0x9F in UTF-8.
    if (c == 0xc2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9f) {
        std::snprintf(escaped, sizeof escaped, "\\u{%04x}", next);
        out += escaped;
        ++i;
        continue;
      }
    }
    // Bidirectional embeddings, overrides and isolates: U+202A-U+202E (E2 80 AA-AE) and
    // U+2066-U+2069 (E2 81 A6-A9).
    if (c == 0xe2 && i + 2 < text.size()) {
      const auto b1 = static_cast<unsigned char>(text[i + 1]);
      const auto b2 = static_cast<unsigned char>(text[i + 2]);
      if ((b1 == 0x80 && b2 >= 0xaa && b2 <= 0xae) || (b1 == 0x81 && b2 >= 0xa6 && b2 <= 0xa9)) {
        const unsigned code = 0x2000 + ((b1 & 0x0fu) << 6) + (b2 & 0x3fu);
        std::snprintf(escaped, sizeof escaped, "\\u{%04x}", code);
        out += escaped;
        i += 2;
        continue;
      }
    }
    out += static_cast<char>(c);
  }
  return out;
}

}  // namespace host::index
