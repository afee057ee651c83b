// Fuzzes the parser of the state folder's store size index (core/base/store_size_index.h), a
// file any process with access to the state folder can write: an index it accepts must print
// back to the same text, and its total must not overflow.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/base/store_size_index.h"
#include "tests/fuzz/fuzz_check.h"

using host::fuzz::Expect;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::optional<host::StoreSizeIndex> index = host::ParseStoreSizeIndex(text);
  if (!index) return 0;
  Expect(host::FormatStoreSizeIndex(*index) == text, "an accepted index prints back differently");
  uint64_t total = 0;
  for (const auto& [name, store] : index->stores) {
    Expect(store.bytes <= host::kStoreSizeIndexMaxBytes, "an accepted store size is too large");
    total += store.bytes;
  }
  Expect(index->TotalBytes() == total, "the total of an accepted index overflows");
  return 0;
}
