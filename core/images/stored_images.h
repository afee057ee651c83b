// Images already complete in a state folder, found without the network: what lets a step on a
// pulled image run without loading the registry client at all.
#ifndef HOST_IMAGES_STORED_IMAGES_H_
#define HOST_IMAGES_STORED_IMAGES_H_

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "core/images/content_store.h"
#include "core/images/image.h"
#include "core/images/layer.h"
#include "core/images/oci_manifest.h"
#include "core/images/reference.h"
#include "core/images/tag_store.h"

namespace host::images {

// Reads images from a state folder's blobs, layers and tags; never writes a blob or a layer and
// never talks to a registry. Safe for concurrent threads and processes (stores only ever gain
// complete entries by rename; an entry evicted meanwhile just means "not here").
class StoredImages {
 public:
  // The images of state_dir, picking platform's manifest from indexes.
  explicit StoredImages(std::filesystem::path state_dir, Platform platform = {});

  // The image reference names when no registry needs to be asked: a reference by digest, or a
  // tag its registry resolved less than tag_ttl ago (see TagStore), whose manifest (and index),
  // config and every layer are here. Marks the blobs it read as used, so eviction keeps them.
  // nullopt: something is missing, or the tag must be resolved again; pull it.
  std::optional<Image> Find(const ImageReference& reference, std::chrono::seconds tag_ttl) const;

  // The image that digest (a manifest, or an index to pick this platform's manifest from) names,
  // when its documents, config and every layer are here; reference is recorded in the result.
  std::optional<Image> FindByDigest(const ImageReference& reference,
                                    const std::string& digest) const;

  // The blobs of this state folder.
  const ContentStore& content() const { return content_; }
  // The unpacked layers of this state folder.
  const LayerStore& layers() const { return layers_; }
  // The tags resolved recently.
  const TagStore& tags() const { return tags_; }
  // The platform picked from indexes.
  const Platform& platform() const { return platform_; }

 private:
  // A stored manifest or index, parsed; media_type is what an index said of it, or empty.
  std::optional<ManifestDocument> Document(const std::string& digest,
                                           const std::string& media_type) const;

  Platform platform_;
  ContentStore content_;
  LayerStore layers_;
  TagStore tags_;
};

}  // namespace host::images

#endif  // HOST_IMAGES_STORED_IMAGES_H_
