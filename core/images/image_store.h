// Pulling images: manifest, config and layers from a registry into the local state, unpacked.
#ifndef HOST_IMAGES_IMAGE_STORE_H_
#define HOST_IMAGES_IMAGE_STORE_H_

#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/images/config.h"
#include "core/images/content_store.h"
#include "core/images/layer.h"
#include "core/images/oci_manifest.h"
#include "core/images/reference.h"
#include "core/images/registry_client.h"

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
};

// Images in a state folder (<state>/blobs, <state>/layers), pulled from registries. Thread-safe,
// and safe for several processes sharing one state folder.
class ImageStore {
 public:
  // A store in state_dir using the mirrors, insecure registries and credentials of config.
  ImageStore(std::filesystem::path state_dir, Config config, Platform platform = {});

  // Pulls an image: resolves the manifest (picking this store's platform from an index), then
  // fetches the config and the layers that are not here yet and unpacks them. A reference by
  // digest whose blobs are all here makes no network request; a tag is always looked up again.
  Result<Image> Pull(std::string_view reference);
  // Pulls an already parsed reference.
  Result<Image> Pull(const ImageReference& reference);

  // The blobs of this store.
  const ContentStore& content() const { return content_; }
  // The unpacked layers of this store.
  const LayerStore& layers() const { return layers_; }

 private:
  // A manifest or index by digest: from the store, else fetched and stored. media_type is set to
  // the registry's Content-Type when fetched.
  Result<std::string> Document(const ImageReference& reference, const std::string& digest,
                               std::string* media_type);
  // Fetches and unpacks the layers that are not here yet, a few at a time; dirs gets every layer's
  // folder, bottom first.
  Status FetchLayers(const ImageReference& reference, const ManifestDocument& manifest,
                     const std::vector<std::string>& diff_ids,
                     std::vector<std::filesystem::path>* dirs);

  std::filesystem::path state_dir_;
  Platform platform_;
  ContentStore content_;
  LayerStore layers_;
  RegistryClient client_;
  std::once_flag cleaned_;  // stale temporary files are removed on the first pull
};

}  // namespace host::images

#endif  // HOST_IMAGES_IMAGE_STORE_H_
