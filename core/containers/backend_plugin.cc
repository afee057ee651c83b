// The container engine plugin (libhost-containers.so): finds pulled images and runs steps behind
// ContainerBackend. Whatever needs the network or an archive library (pulling, exporting) goes to
// the transfer plugin, loaded on first need, so a step on an image that is already here (by
// digest, or by a tag resolved less than tag_ttl ago) loads neither libcurl, OpenSSL nor
// libarchive.
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "core/containers/image_transfer.h"
#include "core/executor/step_runner.h"
#include "core/images/config.h"
#include "core/images/stored_images.h"
#include "core/types/container_backend.h"

namespace host {
namespace {

// Whether a layer blob of a pulled image is gzip-compressed, so an export can reuse it as it is.
bool IsGzipLayer(const std::string& media_type) {
  return media_type == kOciGzipLayerType ||
         media_type == "application/vnd.docker.image.rootfs.diff.tar.gzip";
}

class Backend final : public ContainerBackend {
 public:
  Backend(std::filesystem::path state_dir, images::Config config)
      : state_dir_(std::move(state_dir)), config_(std::move(config)), stored_(state_dir_) {}

  Result<PulledImage> Pull(const std::string& reference) override {
    Result<images::ImageReference> parsed = images::ParseImageReference(reference);
    if (!parsed.ok()) return parsed.status();
    std::optional<images::Image> image = stored_.Find(*parsed, config_.tag_ttl);
    if (!image) {
      Result<ImageTransfer*> transfer = Transfer();
      if (!transfer.ok()) return transfer.status().Prefixed("cannot pull " + reference + ": ");
      Result<images::Image> pulled = (*transfer)->Pull(*parsed);
      if (!pulled.ok()) return pulled.status();
      image = std::move(*pulled);
    }
    {
      std::lock_guard lock(mutex_);
      for (size_t i = 0; i < image->layers.size() && i < image->layer_blobs.size(); ++i) {
        pulled_layers_[image->layers[i]] = {image->diff_ids[i], image->layer_blobs[i]};
      }
    }
    return PulledImage{image->manifest_digest, image->env,  image->entrypoint, image->cmd,
                       image->working_dir,     image->user, image->layers};
  }

  Result<StepResult> Run(const StepSpec& spec) override {
    const StepRunner* runner = nullptr;
    {
      std::lock_guard lock(mutex_);
      if (!runner_) {
        Result<StepRunner> made = StepRunner::Create({state_dir_, config_.runtime});
        if (!made.ok()) return made.status();
        runner_.emplace(std::move(*made));
      }
      runner = &*runner_;
    }
    return runner->Run(spec);
  }

  uint64_t cache_size() const override { return config_.cache_size; }

  Result<std::string> Export(const ImageExport& spec) override {
    Result<ImageTransfer*> transfer = Transfer();
    if (!transfer.ok()) return transfer.status().Prefixed("cannot export: ");
    return (*transfer)->Export(
        spec, [this](const std::filesystem::path& layer) { return Original(layer); });
  }

 private:
  // A layer of a pulled image: its diff_id and its blob in the manifest.
  struct PulledLayer {
    std::string diff_id;
    images::Descriptor blob;
  };

  // The transfer plugin, loaded on first use.
  Result<ImageTransfer*> Transfer() {
    std::lock_guard lock(transfer_mutex_);
    if (!transfer_) {
      Result<std::unique_ptr<ImageTransfer>> loaded = LoadImageTransfer(state_dir_, config_);
      if (!loaded.ok()) return loaded.status();
      transfer_ = std::move(*loaded);
    }
    return transfer_.get();
  }

  // The gzip blob a layer folder was unpacked from, if this session pulled it and it is stored.
  std::optional<LayerBlob> Original(const std::filesystem::path& layer) {
    std::lock_guard lock(mutex_);
    auto found = pulled_layers_.find(layer);
    if (found == pulled_layers_.end() || !IsGzipLayer(found->second.blob.media_type) ||
        !stored_.content().Has(found->second.blob.digest)) {
      return std::nullopt;
    }
    LayerBlob blob;
    blob.path = stored_.content().Path(found->second.blob.digest);
    blob.digest = found->second.blob.digest;
    blob.diff_id = found->second.diff_id;
    std::error_code ec;
    blob.size = std::filesystem::file_size(blob.path, ec);
    if (ec) return std::nullopt;
    return blob;
  }

  std::filesystem::path state_dir_;
  images::Config config_;
  images::StoredImages stored_;
  std::mutex mutex_;  // guards runner_ and pulled_layers_
  std::optional<StepRunner> runner_;
  std::map<std::filesystem::path, PulledLayer> pulled_layers_;
  std::mutex transfer_mutex_;  // guards transfer_; held while it loads
  std::unique_ptr<ImageTransfer> transfer_;
};

// Makes a backend for a state folder, reading the config file.
ContainerBackend* CreateBackend(const char* state_dir, std::string* error) {
  Result<images::Config> config = images::LoadConfig();
  if (!config.ok()) {
    *error = config.status().message();
    return nullptr;
  }
  return new Backend(state_dir, std::move(*config));
}

}  // namespace
}  // namespace host

// The entry point (kContainerBackendSymbol), called once the build IDs matched.
extern "C" __attribute__((visibility("default"))) host::ContainerBackend*
host_create_container_backend(const char* state_dir, std::string* error) {
  return host::CreateBackend(state_dir, error);
}
