// Fuzzes the Link headers of a registry's list pages: the next link is found or not, and a next
// page that is taken stays on the registry and the list that was asked.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/images/link_header.h"
#include "tests/fuzz/fuzz_check.h"

using host::fuzz::Expect;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view header(reinterpret_cast<const char*>(data), size);
  const std::string target = host::images::NextLinkTarget(header);
  Expect(target.size() <= header.size(), "a next link longer than its header");
  for (std::string_view path : {"/v2/_catalog?n=1000", "/v2/acme/mod/tags/list?n=3"}) {
    host::Result<std::string> next = host::images::NextPagePath(header, "127.0.0.1:5000", path);
    if (!next.ok()) {
      Expect(!next.status().message().empty(), "a refused next page has no message");
      continue;
    }
    if (next->empty()) continue;
    const std::string_view endpoint = path.substr(0, path.find('?'));
    Expect(next->substr(0, next->find('?')) == endpoint, "a next page left its list");
    Expect(next->find_first_of(" \r\n#") == std::string::npos, "a next page holds a space or #");
  }
  return 0;
}
