#include "core/images/image.h"

namespace host::images {

Status ApplyImageConfig(const ManifestDocument& manifest, ImageConfig config, Image* image) {
  if (config.diff_ids.size() != manifest.layers.size()) {
    return Status::Failed("the manifest lists " + std::to_string(manifest.layers.size()) +
                          " layers but the config has " + std::to_string(config.diff_ids.size()) +
                          " diff_ids");
  }
  image->config_digest = manifest.config.digest;
  image->env = std::move(config.env);
  image->entrypoint = std::move(config.entrypoint);
  image->cmd = std::move(config.cmd);
  image->working_dir = std::move(config.working_dir);
  image->user = std::move(config.user);
  image->diff_ids = std::move(config.diff_ids);
  image->layer_blobs = manifest.layers;
  return {};
}

}  // namespace host::images
