// Image references as users write them: "busybox", "alpine:3.19", "ghcr.io/o/r@sha256:...".
#ifndef HOST_IMAGES_REFERENCE_H_
#define HOST_IMAGES_REFERENCE_H_

#include <string>
#include <string_view>

#include "core/base/status.h"

namespace host::images {

// A parsed image reference, normalized the way Docker does it.
struct ImageReference {
  std::string registry;    // "docker.io", "ghcr.io", "127.0.0.1:5000"
  std::string repository;  // "library/busybox", "pulumi/pulumi-go"
  std::string tag;         // "latest" unless given; kept for display when a digest is given too
  std::string digest;      // "sha256:<hex>" or empty

  // What to ask the registry for: the digest if there is one, else the tag.
  const std::string& Identifier() const { return digest.empty() ? tag : digest; }
  // The full normalized form: "docker.io/library/busybox:latest" or ".../r@sha256:...".
  std::string String() const;
};

// Parses a reference; malformed ones are usage errors that say what is wrong.
Result<ImageReference> ParseImageReference(std::string_view text);

// Whether name is a repository path the distribution API allows ("acme/mods/pulumi"): lowercase
// letters, digits and separators, no empty or dot-only component, at most 255 characters.
bool IsRepositoryPath(std::string_view name);

}  // namespace host::images

#endif  // HOST_IMAGES_REFERENCE_H_
