// A fresh random string for forcing a step to run again: put it in the step's inputs (an
// environment variable, say) and no cached result matches.
#ifndef HOST_SDK_NONCE_H_
#define HOST_SDK_NONCE_H_

#include <random>
#include <string>

namespace host {

// 32 random lowercase hex digits (128 bits from the system's random source), different on every
// call: `.with_env_variable("HOST_RUN", host::Nonce())` makes the steps after it run every time.
inline std::string Nonce() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device random;
  std::string out;
  out.reserve(32);
  while (out.size() < 32) {
    unsigned int bits = random();
    for (int i = 0; i < 8 && out.size() < 32; ++i, bits >>= 4) out += kHex[bits & 0xf];
  }
  return out;
}

}  // namespace host

#endif  // HOST_SDK_NONCE_H_
