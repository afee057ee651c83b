// Layers as blobs of an OCI image: a layer folder (overlay form) written as a gzip-compressed OCI
// layer tar, with the two digests an image records for it.
#ifndef HOST_CONTAINERS_LAYER_BLOB_H_
#define HOST_CONTAINERS_LAYER_BLOB_H_

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/base/status.h"

namespace host {

// The media type of a gzip-compressed OCI layer.
inline constexpr char kOciGzipLayerType[] = "application/vnd.oci.image.layer.v1.tar+gzip";

// One layer of an image, compressed, and how the image names it.
struct LayerBlob {
  std::filesystem::path path;  // the compressed tar
  std::string digest;          // of the compressed bytes: the blob's name
  std::string diff_id;         // of the uncompressed tar: what the config's rootfs lists
  uint64_t size = 0;           // of the compressed bytes
  bool temporary = false;      // path is a file of ours to remove once used
};

// Writes the layer folder as a gzip-compressed OCI layer tar into a new file in temp_dir (whiteouts
// and opaque folders in OCI form); the caller removes the file. Nothing is left on failure.
Result<LayerBlob> CompressLayerFolder(const std::filesystem::path& folder,
                                      const std::filesystem::path& temp_dir);

}  // namespace host

#endif  // HOST_CONTAINERS_LAYER_BLOB_H_
