#include "core/index/site_path.h"

#include <vector>

namespace host::index {

namespace {

constexpr size_t kMaxPathBytes = 1024;
constexpr size_t kMaxSegments = 32;

bool EndsWith(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

}  // namespace

Result<std::string> SiteRelativePath(std::string_view request_path) {
  if (request_path.empty() || request_path[0] != '/') {
    return Status::Usage("a request path must start with '/'");
  }
  if (request_path.size() > kMaxPathBytes) {
    return Status::Usage("a request path is at most " + std::to_string(kMaxPathBytes) + " bytes");
  }
  std::vector<std::string_view> segments;
  size_t start = 1;
  while (start <= request_path.size()) {
    size_t end = request_path.find('/', start);
    if (end == std::string_view::npos) end = request_path.size();
    std::string_view segment = request_path.substr(start, end - start);
    start = end + 1;
    if (segment.empty()) continue;  // "//" and a trailing "/"
    for (unsigned char c : segment) {
      if (c < 0x20 || c == 0x7f || c == '\\') {
        return Status::Usage("a request path may not hold control characters or '\\'");
      }
    }
    if (segment[0] == '.') {
      return Status::Usage("the site serves no name starting with '.' (such as \"..\")");
    }
    segments.push_back(segment);
    if (segments.size() > kMaxSegments) {
      return Status::Usage("a request path has at most " + std::to_string(kMaxSegments) +
                           " segments");
    }
  }
  std::string relative;
  for (std::string_view segment : segments) {
    if (!relative.empty()) relative += '/';
    relative += segment;
  }
  // A folder's page: "/" and "/modules/x/" name index.html inside.
  if (relative.empty()) return std::string("index.html");
  if (request_path.back() == '/') relative += "/index.html";
  return relative;
}

std::string ContentTypeOf(std::string_view file_name) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".txt", "text/plain; charset=utf-8"},
      {".ico", "image/x-icon"},
  };
  for (const auto& [tail, type] : kTypes) {
    if (EndsWith(file_name, tail)) return std::string(type);
  }
  return "application/octet-stream";
}

}  // namespace host::index
