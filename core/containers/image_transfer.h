// The half of the container engine that moves image bytes, kept in a second plugin
// (lib/host/libhost-transfer.so) that the container plugin loads only when it must: pulling from
// registries (libcurl, OpenSSL), unpacking layers (libarchive) and exporting OCI archives
// (libarchive, zlib). A step on an image that is already here loads none of them.
#ifndef HOST_CONTAINERS_IMAGE_TRANSFER_H_
#define HOST_CONTAINERS_IMAGE_TRANSFER_H_

#include <filesystem>
#include <memory>
#include <string>

#include "core/base/status.h"
#include "core/containers/oci_archive.h"
#include "core/images/config.h"
#include "core/images/image.h"
#include "core/images/reference.h"
#include "core/types/container_backend.h"

namespace host {

// Pulls and exports images in one state folder. Thread-safe. A C++ interface, so the container
// plugin and the transfer plugin must come from one build: the loader refuses a transfer plugin
// of another build (its build ID, core/base/plugin_library.h) before calling it.
class ImageTransfer {
 public:
  virtual ~ImageTransfer() = default;
  // Pulls an image through the configured mirrors: what is not here yet is fetched and unpacked,
  // and a tag's digest is recorded for later runs (the config's tag_ttl).
  virtual Result<images::Image> Pull(const images::ImageReference& reference) = 0;
  // Writes an OCI image layout as a tar at spec.path, atomically; returns the manifest digest.
  virtual Result<std::string> Export(const ImageExport& spec,
                                     const OriginalLayerBlob& original) = 0;
};

// The transfer plugin's entry point: makes a transfer for a state folder with config.
using CreateImageTransferFn = ImageTransfer* (*)(const char* state_dir,
                                                 const images::Config* config, std::string* error);

// The name of that entry point in the transfer plugin. It has no version: a transfer plugin is
// only used by the container plugin of its own build.
inline constexpr const char* kImageTransferSymbol = "host_create_image_transfer";

// The file name of the transfer plugin, found next to the container plugin.
inline constexpr const char* kImageTransferLibrary = "libhost-transfer.so";

// Loads the transfer plugin from the folder of the running container plugin (or
// $HOST_TRANSFER_LIB) and makes a transfer; a missing or broken library is a clear error.
Result<std::unique_ptr<ImageTransfer>> LoadImageTransfer(const std::filesystem::path& state_dir,
                                                         const images::Config& config);

}  // namespace host

#endif  // HOST_CONTAINERS_IMAGE_TRANSFER_H_
