// A pulled image as the engine uses it: how to run it, and its unpacked layers.
#ifndef HOST_IMAGES_IMAGE_H_
#define HOST_IMAGES_IMAGE_H_

#include <filesystem>
#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/images/oci_manifest.h"
#include "core/images/reference.h"

namespace host::images {

// A pulled image: what its config says about running it, and its unpacked layers.
struct Image {
  ImageReference reference;                   // as asked for, normalized
  std::string manifest_digest;                // the platform's manifest ("sha256:...")
  std::string index_digest;                   // the index it was picked from, or empty
  std::string config_digest;                  // the image config blob
  std::vector<std::string> env;               // "NAME=value"
  std::vector<std::string> entrypoint;        // may be empty
  std::vector<std::string> cmd;               // may be empty
  std::string working_dir;                    // empty means "/"
  std::string user;                           // empty means root
  std::vector<std::string> diff_ids;          // uncompressed layer digests, bottom first
  std::vector<std::filesystem::path> layers;  // unpacked layer folders, bottom first
  std::vector<Descriptor> layer_blobs;        // the manifest's layer blobs, bottom first

  // The digest a tag names at its registry: the index's when there is one, else the manifest's.
  const std::string& TopDigest() const {
    return index_digest.empty() ? manifest_digest : index_digest;
  }
};

// Takes the run settings, diff_ids and layer blobs of an image from its manifest and config
// (layers stays as it is); an error when the two disagree on the number of layers.
Status ApplyImageConfig(const ManifestDocument& manifest, ImageConfig config, Image* image);

}  // namespace host::images

#endif  // HOST_IMAGES_IMAGE_H_
