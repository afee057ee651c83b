// Merging the lowest layers of a tall stack into one, so that any number of layers fits overlayfs
// (at most 500 lower layers, and mount(2) takes a page of options).
#ifndef HOST_EXECUTOR_LAYER_FLATTENER_H_
#define HOST_EXECUTOR_LAYER_FLATTENER_H_

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "core/base/status.h"

namespace host {

// A step's overlay gets at most this many lower layers; past it the lowest ones are flattened.
constexpr size_t kMaxLowerLayers = 128;

// Where the merge of layers with this key (a sha256 hex) is kept in state_dir.
std::filesystem::path FlattenedLayerPath(const std::filesystem::path& state_dir,
                                         const std::string& key_hex);

// Returns layers (overlay form, bottom first) unchanged when there are at most max_layers;
// otherwise the lowest ones are replaced by a single folder holding what they show together
// (whiteouts and opaque folders applied, files hardlinked, else copied), so that max_layers
// remain. The folder is state_dir/flattened/<sha256 of the merged folders' paths>: layer folders
// are content-addressed, so it is built once and reused by every later step on the same layers.
// A missing layer folder fails; nothing half-built is ever left under its final name.
Result<std::vector<std::filesystem::path>> FlattenLowestLayers(
    const std::vector<std::filesystem::path>& layers, const std::filesystem::path& state_dir,
    size_t max_layers = kMaxLowerLayers);

}  // namespace host

#endif  // HOST_EXECUTOR_LAYER_FLATTENER_H_
