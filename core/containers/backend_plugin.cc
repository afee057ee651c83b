// The container engine plugin: image store and step runner behind ContainerBackend.
#include <map>
#include <mutex>
#include <optional>

#include "core/containers/oci_archive.h"
#include "core/executor/step_runner.h"
#include "core/images/config.h"
#include "core/images/image_store.h"
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
      : state_dir_(std::move(state_dir)),
        runtime_(config.runtime),
        cache_size_(config.cache_size),
        images_(state_dir_, std::move(config)) {}

  Result<PulledImage> Pull(const std::string& reference) override {
    Result<images::Image> image = images_.Pull(reference);
    if (!image.ok()) return image.status();
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
        Result<StepRunner> made = StepRunner::Create({state_dir_, runtime_});
        if (!made.ok()) return made.status();
        runner_.emplace(std::move(*made));
      }
      runner = &*runner_;
    }
    return runner->Run(spec);
  }

  uint64_t cache_size() const override { return cache_size_; }

  Result<std::string> Export(const ImageExport& spec) override {
    return WriteOciArchive(spec, state_dir_ / "tmp",
                           [this](const std::filesystem::path& layer) { return Original(layer); });
  }

 private:
  // A layer of a pulled image: its diff_id and its blob in the manifest.
  struct PulledLayer {
    std::string diff_id;
    images::Descriptor blob;
  };

  // The gzip blob a layer folder was unpacked from, if this session pulled it and it is stored.
  std::optional<LayerBlob> Original(const std::filesystem::path& layer) {
    std::lock_guard lock(mutex_);
    auto found = pulled_layers_.find(layer);
    if (found == pulled_layers_.end() || !IsGzipLayer(found->second.blob.media_type) ||
        !images_.content().Has(found->second.blob.digest)) {
      return std::nullopt;
    }
    LayerBlob blob;
    blob.path = images_.content().Path(found->second.blob.digest);
    blob.digest = found->second.blob.digest;
    blob.diff_id = found->second.diff_id;
    std::error_code ec;
    blob.size = std::filesystem::file_size(blob.path, ec);
    if (ec) return std::nullopt;
    return blob;
  }

  std::filesystem::path state_dir_;
  std::string runtime_;
  uint64_t cache_size_;
  images::ImageStore images_;
  std::mutex mutex_;
  std::optional<StepRunner> runner_;
  std::map<std::filesystem::path, PulledLayer> pulled_layers_;
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

// Version 2 of the entry point: the backend has Export.
extern "C" __attribute__((visibility("default"))) host::ContainerBackend*
host_create_container_backend_v2(const char* state_dir, std::string* error) {
  return host::CreateBackend(state_dir, error);
}

// Version 1, for hosts that predate Export: the same backend, whose vtable starts like theirs.
extern "C" __attribute__((visibility("default"))) host::ContainerBackend*
host_create_container_backend_v1(const char* state_dir, std::string* error) {
  return host::CreateBackend(state_dir, error);
}
