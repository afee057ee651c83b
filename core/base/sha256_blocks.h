// SHA-256's compression function over whole 64-byte blocks, in portable C++ and with the x86 SHA
// extensions; Sha256 picks the second when the CPU has them.
#ifndef HOST_BASE_SHA256_BLOCKS_H_
#define HOST_BASE_SHA256_BLOCKS_H_

#include <cstddef>
#include <cstdint>

namespace host::sha256 {

// Folds count 64-byte blocks into state, in portable C++.
void BlocksPortable(uint32_t state[8], const uint8_t* data, size_t count);

// Folds count 64-byte blocks into state with the SHA extensions; only where HasShaExtensions().
void BlocksShaExtensions(uint32_t state[8], const uint8_t* data, size_t count);

// Whether this CPU has the x86 SHA extensions (SHA-NI).
bool HasShaExtensions();

}  // namespace host::sha256

#endif  // HOST_BASE_SHA256_BLOCKS_H_
