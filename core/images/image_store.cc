#include "core/images/image_store.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <system_error>
#include <thread>

#include "core/images/digest.h"

namespace host::images {
namespace fs = std::filesystem;

namespace {

// Layers are fetched and unpacked this many at a time.
constexpr size_t kParallelLayers = 3;

// What a killed pull left in the temporary folder is removed once it is this old; a live pull
// keeps touching its files long before that.
constexpr auto kStaleAge = std::chrono::hours(24);

// Removes leftovers of killed pulls (blob-*, layer-*) from a state dir's temporary folder.
void RemoveStaleTemporaries(const fs::path& dir) {
  std::error_code ec;
  const auto cutoff = fs::file_time_type::clock::now() - kStaleAge;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("blob-", 0) != 0 && name.rfind("layer-", 0) != 0) continue;
    std::error_code time_ec;
    if (fs::last_write_time(it->path(), time_ec) < cutoff && !time_ec) {
      fs::remove_all(it->path(), time_ec);
    }
  }
}

// The unpacking limits a config sets.
LayerLimits LimitsOf(const Config& config) {
  LayerLimits limits;
  limits.max_layer_size = config.max_layer_size;
  limits.max_image_size = config.max_image_size;
  limits.max_layer_entries = config.max_layer_entries;
  limits.config_file = (config.source.empty() ? ConfigPath() : config.source).string();
  return limits;
}

}  // namespace

ImageStore::ImageStore(fs::path state_dir, Config config, Platform platform)
    : state_dir_(std::move(state_dir)),
      tag_ttl_(config.tag_ttl),
      limits_(LimitsOf(config)),
      stored_(state_dir_, std::move(platform)),
      content_(stored_.content()),
      layers_(stored_.layers()),
      client_(std::move(config), state_dir_ / "registries") {}

Result<Image> ImageStore::Pull(std::string_view reference) {
  Result<ImageReference> parsed = ParseImageReference(reference);
  if (!parsed.ok()) return parsed.status();
  return Pull(*parsed);
}

Result<std::string> ImageStore::Document(const ImageReference& reference, const std::string& digest,
                                         std::string* media_type) {
  if (content_.Has(digest)) {
    Result<std::string> stored = content_.Read(digest);
    // A corrupt copy was reported and removed by Read: fetch it again below.
    if (stored.ok() || content_.Has(digest)) return stored;
  }
  Result<FetchedManifest> fetched = client_.GetManifest(reference, digest);
  if (!fetched.ok()) return fetched.status();
  if (Status s = content_.Put(fetched->digest, fetched->body); !s.ok()) return s;
  *media_type = fetched->media_type;
  return std::move(fetched->body);
}

Result<Image> ImageStore::Pull(const ImageReference& reference) {
  // Complete here and named by digest, or by a tag resolved recently: no network at all.
  if (std::optional<Image> stored = stored_.Find(reference, tag_ttl_)) return std::move(*stored);
  std::call_once(cleaned_, [this] { RemoveStaleTemporaries(content_.TempDir()); });
  const std::string what = "cannot pull " + reference.String() + ": ";
  Image image;
  image.reference = reference;
  std::string digest;
  std::string body;
  std::string media_type;
  if (!reference.digest.empty()) {
    digest = reference.digest;
    Result<std::string> document = Document(reference, digest, &media_type);
    if (!document.ok()) return document.status().Prefixed(what);
    body = std::move(*document);
  } else {
    Result<FetchedManifest> fetched = client_.GetManifest(reference, reference.tag);
    if (!fetched.ok()) return fetched.status().Prefixed(what);
    if (Status s = content_.Put(fetched->digest, fetched->body); !s.ok()) return s.Prefixed(what);
    digest = fetched->digest;
    body = std::move(fetched->body);
    media_type = std::move(fetched->media_type);
  }
  Result<ManifestDocument> manifest = ParseManifest(body, media_type);
  if (!manifest.ok()) return manifest.status().Prefixed(what + "manifest " + digest + ": ");
  if (manifest->is_index) {
    Result<Descriptor> chosen = SelectPlatform(*manifest, stored_.platform());
    if (!chosen.ok()) return chosen.status().Prefixed(what);
    image.index_digest = digest;
    digest = chosen->digest;
    media_type.clear();
    Result<std::string> document = Document(reference, digest, &media_type);
    if (!document.ok()) return document.status().Prefixed(what);
    manifest = ParseManifest(*document, media_type.empty() ? chosen->media_type : media_type);
    if (!manifest.ok()) return manifest.status().Prefixed(what + "manifest " + digest + ": ");
    if (manifest->is_index) {
      return Status::Failed(what + "index " + image.index_digest + " points at another index");
    }
  }
  image.manifest_digest = digest;
  if (Status s = client_.FetchBlob(reference, manifest->config, content_); !s.ok()) {
    return s.Prefixed(what + "config: ");
  }
  Result<std::string> config_body = content_.Read(manifest->config.digest);
  if (!config_body.ok() && !content_.Has(manifest->config.digest)) {
    // The stored config was corrupt (reported and removed by Read): fetch it once more.
    if (Status s = client_.FetchBlob(reference, manifest->config, content_); !s.ok()) {
      return s.Prefixed(what + "config: ");
    }
    config_body = content_.Read(manifest->config.digest);
  }
  if (!config_body.ok()) return config_body.status().Prefixed(what);
  Result<ImageConfig> config = ParseImageConfig(*config_body);
  if (!config.ok()) {
    return config.status().Prefixed(what + "config " + manifest->config.digest + ": ");
  }
  if (Status s = ApplyImageConfig(*manifest, std::move(*config), &image); !s.ok()) {
    return s.Prefixed(what);
  }
  if (Status s = FetchLayers(reference, *manifest, image.diff_ids, &image.layers); !s.ok()) {
    return s.Prefixed(what);
  }
  // What the registry said the tag names, for later runs; losing it only costs a request.
  if (reference.digest.empty()) (void)stored_.tags().Record(reference, image.TopDigest());
  return image;
}

Status ImageStore::FetchLayers(const ImageReference& reference, const ManifestDocument& manifest,
                               const std::vector<std::string>& diff_ids,
                               std::vector<fs::path>* dirs) {
  const size_t count = manifest.layers.size();
  dirs->assign(count, fs::path());
  std::vector<Status> statuses(count);
  std::atomic<size_t> next{0};
  // Layers already here were within the limits when they were unpacked; this pull's budget counts
  // what it unpacks.
  UnpackBudget budget(limits_);
  auto work = [&] {
    for (size_t i = next++; i < count; i = next++) {
      const Descriptor& layer = manifest.layers[i];
      if (layers_.Has(diff_ids[i])) {
        (*dirs)[i] = layers_.Path(diff_ids[i]);
        continue;
      }
      if (Status s = client_.FetchBlob(reference, layer, content_); !s.ok()) {
        statuses[i] =
            s.Prefixed("layer " + std::to_string(i + 1) + " of " + std::to_string(count) + ": ");
        continue;
      }
      Result<fs::path> dir =
          layers_.Unpack(content_.Path(layer.digest), diff_ids[i], limits_, &budget);
      if (!dir.ok()) {
        statuses[i] = dir.status().Prefixed("layer " + std::to_string(i + 1) + " of " +
                                            std::to_string(count) + ": ");
        continue;
      }
      (*dirs)[i] = std::move(*dir);
    }
  };
  std::vector<std::thread> helpers;
  for (size_t i = 1; i < std::min(count, kParallelLayers); ++i) {
    try {
      helpers.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // no more threads to be had: the ones we have do the work
    }
  }
  work();
  for (auto& helper : helpers) helper.join();
  for (const auto& status : statuses) {
    if (!status.ok()) return status;
  }
  return {};
}

}  // namespace host::images
