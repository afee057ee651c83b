#include "core/images/stored_images.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <vector>

namespace host::images {
namespace fs = std::filesystem;

namespace {

// Sets a file's modification time to now: least-recently-used eviction then keeps it.
void MarkUsed(const fs::path& path) { utimensat(AT_FDCWD, path.c_str(), nullptr, 0); }

}  // namespace

StoredImages::StoredImages(fs::path state_dir, Platform platform)
    : platform_(std::move(platform)),
      content_(state_dir),
      layers_(state_dir),
      tags_(std::move(state_dir)) {}

std::optional<Image> StoredImages::Find(const ImageReference& reference,
                                        std::chrono::seconds tag_ttl) const {
  if (!reference.digest.empty()) return FindByDigest(reference, reference.digest);
  std::optional<std::string> digest = tags_.Lookup(reference, tag_ttl);
  if (!digest) return std::nullopt;
  return FindByDigest(reference, *digest);
}

std::optional<ManifestDocument> StoredImages::Document(const std::string& digest,
                                                       const std::string& media_type) const {
  if (!content_.Has(digest)) return std::nullopt;
  Result<std::string> body = content_.Read(digest);
  if (!body.ok()) return std::nullopt;
  Result<ManifestDocument> parsed = ParseManifest(*body, media_type);
  if (!parsed.ok()) return std::nullopt;
  return std::move(*parsed);
}

std::optional<Image> StoredImages::FindByDigest(const ImageReference& reference,
                                                const std::string& digest) const {
  Image image;
  image.reference = reference;
  std::optional<ManifestDocument> manifest = Document(digest, "");
  if (!manifest) return std::nullopt;
  if (manifest->is_index) {
    Result<Descriptor> chosen = SelectPlatform(*manifest, platform_);
    if (!chosen.ok()) return std::nullopt;
    image.index_digest = digest;
    manifest = Document(chosen->digest, chosen->media_type);
    if (!manifest || manifest->is_index) return std::nullopt;
    image.manifest_digest = chosen->digest;
  } else {
    image.manifest_digest = digest;
  }
  if (!content_.Has(manifest->config.digest)) return std::nullopt;
  Result<std::string> config_body = content_.Read(manifest->config.digest);
  if (!config_body.ok()) return std::nullopt;
  Result<ImageConfig> config = ParseImageConfig(*config_body);
  if (!config.ok()) return std::nullopt;
  if (!ApplyImageConfig(*manifest, std::move(*config), &image).ok()) return std::nullopt;
  for (const std::string& diff_id : image.diff_ids) {
    if (!layers_.Has(diff_id)) return std::nullopt;
    image.layers.push_back(layers_.Path(diff_id));
  }
  for (const std::string* used :
       {&image.index_digest, &image.manifest_digest, &image.config_digest}) {
    if (!used->empty()) MarkUsed(content_.Path(*used));
  }
  return image;
}

}  // namespace host::images
