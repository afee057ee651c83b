// Pulling images: manifest, config and layers from a registry into the local state, unpacked.
#ifndef HOST_IMAGES_IMAGE_STORE_H_
#define HOST_IMAGES_IMAGE_STORE_H_

#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/images/config.h"
#include "core/images/content_store.h"
#include "core/images/image.h"
#include "core/images/layer.h"
#include "core/images/oci_manifest.h"
#include "core/images/reference.h"
#include "core/images/registry_client.h"
#include "core/images/stored_images.h"

namespace host::images {

// Images in a state folder (<state>/blobs, layers, tags), pulled from registries. Thread-safe,
// and safe for several processes sharing one state folder.
class ImageStore {
 public:
  // A store in state_dir using the mirrors, insecure registries and credentials of config.
  ImageStore(std::filesystem::path state_dir, Config config, Platform platform = {});

  // Pulls an image: resolves the manifest (picking this store's platform from an index), then
  // fetches the config and the layers that are not here yet and unpacks them. No network request
  // is made for an image that is complete here when it is named by digest, or by a tag the
  // registry resolved less than the config's tag_ttl ago; otherwise a tag is resolved again and
  // its digest recorded (see TagStore).
  Result<Image> Pull(std::string_view reference);
  // Pulls an already parsed reference.
  Result<Image> Pull(const ImageReference& reference);

  // The blobs of this store.
  const ContentStore& content() const { return stored_.content(); }
  // The unpacked layers of this store.
  const LayerStore& layers() const { return stored_.layers(); }
  // The tags this store resolved, and when.
  const TagStore& tags() const { return stored_.tags(); }

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
  std::chrono::seconds tag_ttl_;
  LayerLimits limits_;  // what unpacking may create
  StoredImages stored_;
  const ContentStore& content_;
  const LayerStore& layers_;
  RegistryClient client_;
  std::once_flag cleaned_;  // stale temporary files are removed on the first pull
};

}  // namespace host::images

#endif  // HOST_IMAGES_IMAGE_STORE_H_
