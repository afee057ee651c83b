#include "core/base/random_hex.h"

#include <random>

namespace host {

std::string RandomHex(size_t digits) {
  std::random_device random;  // the kernel's random source, not a seeded generator
  std::string out;
  out.reserve(digits);
  for (size_t i = 0; i < digits; ++i) out += "0123456789abcdef"[random() % 16];
  return out;
}

}  // namespace host
