// Fuzzes the metadata index of a host folder (state/sources/<hex>), as `host directory` reads it:
// an accepted index must serialize back to the same bytes, keep its files in walk order and find
// each of them.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/types/source_index.h"
#include "tests/fuzz/fuzz_check.h"

using host::fuzz::Expect;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::optional<host::SourceIndex> index = host::ParseSourceIndex(bytes);
  if (!index) return 0;
  Expect(host::SerializeSourceIndex(*index) == bytes, "an accepted index reads back the same");
  for (size_t i = 0; i < index->files.size(); ++i) {
    const host::SourceFileRecord& record = index->files[i];
    Expect(!record.path.empty(), "no record has an empty path");
    if (i > 0) {
      Expect(host::SourcePathLess(index->files[i - 1].path, record.path),
             "records are in strict walk order");
    }
    Expect(index->Find(record.path) == &record, "each record is found by its path");
  }
  return 0;
}
