#include "core/images/reference.h"

#include "core/images/config.h"
#include "core/images/digest.h"

namespace host::images {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// One path component: lowercase alphanumerics joined by ".", "_", "__" or runs of "-".
bool IsValidComponent(std::string_view part) {
  if (part.empty() || !IsLowerAlnum(part.front()) || !IsLowerAlnum(part.back())) return false;
  for (size_t i = 0; i < part.size();) {
    if (IsLowerAlnum(part[i])) {
      ++i;
      continue;
    }
    size_t run = i;
    while (run < part.size() && !IsLowerAlnum(part[run])) ++run;
    std::string_view separator = part.substr(i, run - i);
    bool dashes = separator.find_first_not_of('-') == std::string_view::npos;
    if (!(separator == "." || separator == "_" || separator == "__" || dashes)) return false;
    i = run;
  }
  return true;
}

// A registry host: letters, digits, "-", "." and an optional ":port", or a bracketed IPv6 address.
bool IsValidRegistry(std::string_view host) {
  if (host.empty()) return false;
  std::string_view port;
  if (host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    port = host.substr(close + 1);
    if (!port.empty() && port.front() != ':') return false;
  } else {
    auto colon = host.find(':');
    std::string_view name = host.substr(0, colon);
    if (name.empty() || name.front() == '-' || name.front() == '.') return false;
    for (char c : name) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.';
      if (!ok) return false;
    }
    if (colon != std::string_view::npos) port = host.substr(colon);
  }
  if (!port.empty()) {
    port.remove_prefix(1);
    if (port.empty() || port.size() > 5) return false;
    for (char c : port) {
      if (c < '0' || c > '9') return false;
    }
  }
  return true;
}

bool IsValidTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128 || tag.front() == '.' || tag.front() == '-') return false;
  for (char c : tag) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string ImageReference::String() const {
  std::string out = registry + "/" + repository;
  if (!tag.empty() && digest.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

Result<ImageReference> ParseImageReference(std::string_view text) {
  const std::string quoted = "invalid image reference \"" + std::string(text) + "\": ";
  if (text.empty()) return Status::Usage("invalid image reference: it is empty");
  ImageReference ref;
  std::string_view rest = text;
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    std::string_view digest = rest.substr(at + 1);
    if (Status s = CheckDigest(digest); !s.ok()) return Status::Usage(quoted + s.message());
    ref.digest = std::string(digest);
    rest = rest.substr(0, at);
  }
  // A tag follows the last ':' that comes after the last '/' (a ':' before it is a port).
  auto last_slash = rest.rfind('/');
  auto colon = rest.rfind(':');
  if (colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    std::string_view tag = rest.substr(colon + 1);
    if (!IsValidTag(tag)) {
      return Status::Usage(quoted + "tag \"" + std::string(tag) +
                           "\" must be 1 to 128 letters, digits, '_', '.' or '-', not starting "
                           "with '.' or '-'");
    }
    ref.tag = std::string(tag);
    rest = rest.substr(0, colon);
  }
  // The first component is a registry if it looks like a host: it has '.' or ':', or is localhost.
  std::string_view repository = rest;
  auto first_slash = rest.find('/');
  if (first_slash != std::string_view::npos) {
    std::string_view first = rest.substr(0, first_slash);
    if (first.find_first_of(".:") != std::string_view::npos || first == "localhost" ||
        (!first.empty() && first.front() == '[')) {
      if (!IsValidRegistry(first)) {
        return Status::Usage(quoted + "registry \"" + std::string(first) +
                             "\" is not a valid host[:port]");
      }
      ref.registry = CanonicalRegistry(first);
      repository = rest.substr(first_slash + 1);
    }
  }
  if (ref.registry.empty()) ref.registry = "docker.io";
  if (repository.empty()) return Status::Usage(quoted + "the repository name is missing");
  if (repository.size() > 255) {
    return Status::Usage(quoted + "the repository name is longer than 255 characters");
  }
  for (std::string_view remaining = repository;;) {
    auto slash = remaining.find('/');
    std::string_view part = remaining.substr(0, slash);
    if (!IsValidComponent(part)) {
      bool upper = false;
      for (char c : part) upper = upper || (c >= 'A' && c <= 'Z');
      return Status::Usage(quoted + (upper ? "repository names must be lowercase"
                                           : "repository component \"" + std::string(part) +
                                                 "\" must be lowercase letters and digits "
                                                 "separated by '.', '_', '__' or '-'"));
    }
    if (slash == std::string_view::npos) break;
    remaining.remove_prefix(slash + 1);
  }
  ref.repository = std::string(repository);
  if (ref.registry == "docker.io" && ref.repository.find('/') == std::string::npos) {
    ref.repository = "library/" + ref.repository;
  }
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

bool IsRepositoryPath(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    const std::string_view part = name.substr(start, end - start);
    if (part.empty() || part.find_first_not_of(".") == std::string_view::npos) return false;
    for (char c : part) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
        return false;
      }
    }
    start = end + 1;
  }
  return true;
}

}  // namespace host::images
