// Fuzzes the parts of the index site that read the most hostile text: a README rendered through
// cmark-gfm (no script, no unsafe link may come out) and the API diff of two schemas.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/index/api_diff.h"
#include "core/index/html_text.h"
#include "tests/fuzz/fuzz_check.h"

using host::fuzz::Expect;

namespace {

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string html = Lower(host::index::RenderMarkdown(text));
  Expect(html.find("<script") == std::string::npos, "no script element in rendered Markdown");
  Expect(html.find("href=\"javascript:") == std::string::npos, "no javascript: link");
  Expect(html.find("<iframe") == std::string::npos, "no iframe in rendered Markdown");
  // The input split in two at the first NUL (or newline): two schemas to diff.
  size_t split = text.find('\0');
  if (split == std::string_view::npos) split = text.find('\n');
  if (split == std::string_view::npos) split = text.size();
  const nlohmann::json from = nlohmann::json::parse(text.substr(0, split), nullptr, false);
  const nlohmann::json to = nlohmann::json::parse(
      split < text.size() ? text.substr(split + 1) : std::string_view(), nullptr, false);
  const host::index::ApiDiff same = host::index::DiffSchemas(from, from);
  Expect(same.empty(), "a schema does not differ from itself");
  const host::index::ApiDiff forward = host::index::DiffSchemas(from, to);
  const host::index::ApiDiff backward = host::index::DiffSchemas(to, from);
  Expect(forward.added.size() == backward.removed.size(), "added one way is removed the other");
  Expect(forward.removed.size() == backward.added.size(), "removed one way is added the other");
  return 0;
}
