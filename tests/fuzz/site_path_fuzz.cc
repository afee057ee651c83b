// Fuzzes the request paths of `host index serve`: an accepted path must be a relative path inside
// the site (no "..", no leading '/', no hidden segment, no control character or backslash).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/index/site_path.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using host::fuzz::Expect;
  const std::string path(reinterpret_cast<const char*>(data), size);
  host::Result<std::string> relative = host::index::SiteRelativePath(path);
  if (!relative.ok()) return 0;
  const std::string& r = *relative;
  Expect(!r.empty() && r[0] != '/', "an accepted path is relative and not empty");
  Expect(r.find('\\') == std::string::npos, "an accepted path holds no backslash");
  size_t start = 0;
  while (start <= r.size()) {
    size_t end = r.find('/', start);
    if (end == std::string::npos) end = r.size();
    const std::string segment = r.substr(start, end - start);
    Expect(!segment.empty(), "an accepted path has no empty segment");
    Expect(segment[0] != '.', "an accepted path has no '.', '..' or hidden segment");
    for (unsigned char c : segment) Expect(c >= 0x20 && c != 0x7f, "no control characters");
    start = end + 1;
  }
  (void)host::index::ContentTypeOf(r);
  return 0;
}
