#include "core/images/link_header.h"

#include <cctype>
#include <vector>

namespace host::images {
namespace {

// Header values longer than this are not read (a registry's are a few hundred bytes).
constexpr size_t kMaxHeaderBytes = 16 << 10;

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Whether a rel value (a space-separated list of relation types) holds "next".
bool RelHasNext(std::string_view rel) {
  size_t at = 0;
  while (at < rel.size()) {
    while (at < rel.size() && IsSpace(rel[at])) ++at;
    size_t end = at;
    while (end < rel.size() && !IsSpace(rel[end])) ++end;
    if (Lower(rel.substr(at, end - at)) == "next") return true;
    at = end;
  }
  return false;
}

// Whether a URL holds only characters a URL may hold (no spaces, controls, quotes or brackets).
bool IsUrlText(std::string_view url) {
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' ||
        c == '`' || c == '{' || c == '|' || c == '}') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string NextLinkTarget(std::string_view header) {
  if (header.size() > kMaxHeaderBytes) return {};
  size_t at = 0;
  while (at < header.size()) {
    while (at < header.size() && (IsSpace(header[at]) || header[at] == ',')) ++at;
    if (at >= header.size() || header[at] != '<') return {};  // not a link-value: stop
    const size_t close = header.find('>', at + 1);
    if (close == std::string_view::npos) return {};
    const std::string_view target = header.substr(at + 1, close - at - 1);
    at = close + 1;
    bool next = false;
    // Parameters: ; name[=value | ="quoted"] up to the comma that ends this link-value.
    while (at < header.size() && header[at] != ',') {
      while (at < header.size() && (IsSpace(header[at]) || header[at] == ';')) ++at;
      size_t name_end = at;
      while (name_end < header.size() && header[name_end] != '=' && header[name_end] != ';' &&
             header[name_end] != ',' && !IsSpace(header[name_end])) {
        ++name_end;
      }
      const std::string name = Lower(header.substr(at, name_end - at));
      at = name_end;
      while (at < header.size() && IsSpace(header[at])) ++at;
      std::string value;
      if (at < header.size() && header[at] == '=') {
        ++at;
        while (at < header.size() && IsSpace(header[at])) ++at;
        if (at < header.size() && header[at] == '"') {
          ++at;
          while (at < header.size() && header[at] != '"') {
            if (header[at] == '\\' && at + 1 < header.size()) ++at;
            value += header[at++];
          }
          if (at < header.size()) ++at;  // the closing quote
        } else {
          while (at < header.size() && header[at] != ';' && header[at] != ',' &&
                 !IsSpace(header[at])) {
            value += header[at++];
          }
        }
      }
      if (name == "rel" && RelHasNext(value)) next = true;
      if (name.empty() && at < header.size() && header[at] != ',' && header[at] != ';' &&
          !IsSpace(header[at])) {
        ++at;  // a stray character: skip it, so that every turn moves on
      }
    }
    if (next) return std::string(target);
  }
  return {};
}

Result<std::string> NextPagePath(std::string_view header, std::string_view host,
                                 std::string_view path) {
  const std::string target = NextLinkTarget(header);
  if (target.empty()) return std::string();
  const std::string shown = "the registry's next page \"" + target.substr(0, 200) + "\"";
  if (!IsUrlText(target)) return Status::Failed(shown + " is not a URL");
  std::string_view rest = target;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (rest.substr(0, scheme.size()) == scheme) {
      rest.remove_prefix(scheme.size());
      const size_t slash = rest.find('/');
      const std::string_view authority = rest.substr(0, slash);
      if (Lower(authority) != Lower(host)) {
        return Status::Failed(shown + " is on another host than " + std::string(host) +
                              "; pages are only read from the registry itself");
      }
      rest.remove_prefix(slash == std::string_view::npos ? rest.size() : slash);
      break;
    }
  }
  if (rest.substr(0, 2) == "//") {
    return Status::Failed(shown + " is on another host than " + std::string(host) +
                          "; pages are only read from the registry itself");
  }
  const std::string_view endpoint = path.substr(0, path.find('?'));
  std::string resolved;
  if (!rest.empty() && rest.front() == '/') {
    resolved = std::string(rest);
  } else if (!rest.empty() && rest.front() == '?') {
    resolved = std::string(endpoint) + std::string(rest);
  } else {
    // Relative to the folder of the page just read.
    const size_t folder = endpoint.rfind('/');
    resolved = std::string(endpoint.substr(0, folder + 1)) + std::string(rest);
  }
  const size_t fragment = resolved.find('#');
  if (fragment != std::string::npos) resolved.erase(fragment);
  const std::string_view resolved_endpoint =
      std::string_view(resolved).substr(0, resolved.find('?'));
  if (resolved_endpoint != endpoint) {
    return Status::Failed(shown + " leaves " + std::string(endpoint) +
                          "; pages are only read from the same list");
  }
  return resolved;
}

}  // namespace host::images
