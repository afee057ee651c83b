// Merging the lowest layers of a tall stack into one, so that any number of layers fits overlayfs
// (at most 500 lower layers, and mount(2) takes a page of options).
#ifndef HOST_EXECUTOR_LAYER_FLATTENER_H_
#define HOST_EXECUTOR_LAYER_FLATTENER_H_

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/base/status.h"

namespace host {

// A step's overlay gets at most this many lower layers; past it the lowest ones are merged. Each
// lower layer costs a step about 0.6 ms (every lookup that misses walks down the stack), so the
// stack is kept short: a step on 1,000 layers costs what one on 20 does.
constexpr size_t kMaxLowerLayers = 32;
// Layers are merged in blocks of this many, counted from the bottom of the stack: the merge of
// the lowest n blocks is built once, from the merge of the lowest n - 1 and one block, and every
// later step on the same stack reuses it.
constexpr size_t kFlattenBlock = 24;

// Leases entries of the state folder for as long as the process runs (StoreLeases::Hold): false
// when one of them is gone, removed by a prune before it could be leased.
using HoldEntries = std::function<Result<bool>(const std::vector<std::filesystem::path>&)>;

// Where the merge of layers with this key (a sha256 hex) is kept in state_dir; the folder
// state_dir/flattened is a store of the state folder, pruned like the others.
std::filesystem::path FlattenedLayerPath(const std::filesystem::path& state_dir,
                                         const std::string& key_hex);

// Returns layers (overlay form, bottom first) unchanged when there are at most max_layers.
// Otherwise the lowest whole blocks of min(block, max_layers - 1) layers are replaced by one
// folder holding what they show together (whiteouts and opaque folders applied, files
// hardlinked, else copied), so that at most one block remains above it. That folder is
// state_dir/flattened/<key>, the key chaining the paths of the merged blocks (layer folders are
// content-addressed); it is built from the merge of one block fewer, found or built the same way,
// so a chain that grows by a step reuses what the step below used. Each merge used is leased with
// hold (when given); one removed before it could be leased is built again. A missing layer folder
// fails; nothing half-built is ever left under a final name.
Result<std::vector<std::filesystem::path>> FlattenLowestLayers(
    const std::vector<std::filesystem::path>& layers, const std::filesystem::path& state_dir,
    size_t max_layers = kMaxLowerLayers, size_t block = kFlattenBlock,
    const HoldEntries& hold = nullptr);

}  // namespace host

#endif  // HOST_EXECUTOR_LAYER_FLATTENER_H_
