// OCI and Docker v2 manifests, indexes (manifest lists) and image configs, as parsed documents.
#ifndef HOST_IMAGES_OCI_MANIFEST_H_
#define HOST_IMAGES_OCI_MANIFEST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace host::images {

// Media types of the documents a registry serves.
inline constexpr char kOciManifestType[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr char kOciIndexType[] = "application/vnd.oci.image.index.v1+json";
inline constexpr char kDockerManifestType[] =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr char kDockerManifestListType[] =
    "application/vnd.docker.distribution.manifest.list.v2+json";

// An operating system and CPU an image is built for.
struct Platform {
  std::string os = "linux";
  std::string architecture = "amd64";
  std::string variant;  // "v8" for arm64, usually empty

  // "linux/amd64" or "linux/arm64/v8".
  std::string String() const;
};

// A pointer to a blob: what it is, its digest and size, and for index entries its platform.
struct Descriptor {
  std::string media_type;
  std::string digest;
  int64_t size = -1;
  std::optional<Platform> platform;
};

// A manifest (config + layers) or an index (a list of manifests, one per platform).
struct ManifestDocument {
  bool is_index = false;
  std::string media_type;
  Descriptor config;                  // manifests only
  std::vector<Descriptor> layers;     // manifests only, bottom first
  std::vector<Descriptor> manifests;  // indexes only
};

// What an image config says about running the image and about its layers.
struct ImageConfig {
  std::string os;
  std::string architecture;
  std::vector<std::string> env;
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::string working_dir;
  std::string user;
  std::vector<std::string> diff_ids;  // sha256 of each uncompressed layer, bottom first
};

// The Accept header value listing every manifest and index type we understand.
std::string ManifestAcceptHeader();

// Parses a manifest or index; content_type is the registry's Content-Type (may be empty, then the
// document's own mediaType or shape decides). Every digest in it is checked.
Result<ManifestDocument> ParseManifest(std::string_view body, std::string_view content_type);

// The index entry for a platform: os and architecture must match, and the variant when one is
// asked for. The error lists the platforms the index has.
Result<Descriptor> SelectPlatform(const ManifestDocument& index, const Platform& platform);

// Parses an image config.
Result<ImageConfig> ParseImageConfig(std::string_view body);

}  // namespace host::images

#endif  // HOST_IMAGES_OCI_MANIFEST_H_
