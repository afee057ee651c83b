// Unguessable text from the system's random source, for keys and tokens.
#ifndef HOST_BASE_RANDOM_HEX_H_
#define HOST_BASE_RANDOM_HEX_H_

#include <cstddef>
#include <string>

namespace host {

// digits random lowercase hex digits (4 random bits each).
std::string RandomHex(size_t digits);

}  // namespace host

#endif  // HOST_BASE_RANDOM_HEX_H_
