// Sizes as people write and read them: 500MB, 2GB, 1.5GiB.
#ifndef HOST_BASE_SIZE_H_
#define HOST_BASE_SIZE_H_

#include <cstdint>
#include <string>

#include "core/base/status.h"

namespace host {

// Parses a size such as 500MB, 2GB, 1.5GiB or 1024 (bytes); a usage error when malformed.
Result<uint64_t> ParseSize(const std::string& text);

// A size as people read it: 12.3 MB.
std::string FormatSize(uint64_t bytes);

}  // namespace host

#endif  // HOST_BASE_SIZE_H_
