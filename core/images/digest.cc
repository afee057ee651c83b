#include "core/images/digest.h"

#include "core/base/sha256.h"

namespace host::images {
namespace {

constexpr std::string_view kSha256Prefix = kSha256DigestPrefix;

}  // namespace

bool IsSha256Digest(std::string_view digest) {
  if (digest.size() != kSha256Prefix.size() + 64 || digest.substr(0, 7) != kSha256Prefix) {
    return false;
  }
  for (char c : digest.substr(kSha256Prefix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status CheckDigest(std::string_view digest) {
  if (IsSha256Digest(digest)) return {};
  std::string shown(digest);
  auto colon = digest.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Status::Usage("invalid digest \"" + shown + "\": expected sha256:<64 hex characters>");
  }
  if (digest.substr(0, colon) != "sha256") {
    return Status::Usage("unsupported digest algorithm \"" + std::string(digest.substr(0, colon)) +
                         "\" in \"" + shown + "\": only sha256 is supported");
  }
  return Status::Usage("invalid digest \"" + shown +
                       "\": sha256 digests have 64 lowercase hex characters");
}

std::string DigestHex(std::string_view digest) {
  return std::string(digest.substr(digest.find(':') + 1));
}

std::string DigestOf(std::string_view bytes) { return Sha256Digest(bytes); }

}  // namespace host::images
