// Content digests as OCI writes them: "sha256:" followed by 64 lowercase hex characters.
#ifndef HOST_IMAGES_DIGEST_H_
#define HOST_IMAGES_DIGEST_H_

#include <string>
#include <string_view>

#include "core/base/status.h"

namespace host::images {

// True for "sha256:<64 lowercase hex>", the only algorithm images use in practice.
bool IsSha256Digest(std::string_view digest);

// Checks that digest is a sha256 digest; a usage error naming what is wrong otherwise.
Status CheckDigest(std::string_view digest);

// The hex part of a valid digest ("sha256:ab.." -> "ab..").
std::string DigestHex(std::string_view digest);

// The digest of bytes, as "sha256:<hex>".
std::string DigestOf(std::string_view bytes);

}  // namespace host::images

#endif  // HOST_IMAGES_DIGEST_H_
