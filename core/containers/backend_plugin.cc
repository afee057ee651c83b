// The container engine plugin: image store and step runner behind ContainerBackend.
#include <mutex>
#include <optional>

#include "core/executor/step_runner.h"
#include "core/images/config.h"
#include "core/images/image_store.h"
#include "core/types/container_backend.h"

namespace host {
namespace {

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

 private:
  std::filesystem::path state_dir_;
  std::string runtime_;
  uint64_t cache_size_;
  images::ImageStore images_;
  std::mutex mutex_;
  std::optional<StepRunner> runner_;
};

}  // namespace
}  // namespace host

extern "C" __attribute__((visibility("default"))) host::ContainerBackend*
host_create_container_backend_v1(const char* state_dir, std::string* error) {
  host::Result<host::images::Config> config = host::images::LoadConfig();
  if (!config.ok()) {
    *error = config.status().message();
    return nullptr;
  }
  return new host::Backend(state_dir, std::move(*config));
}
