// The merged view of a container's layers (bottom first), as overlayfs shows it: the topmost copy
// of a path wins, whiteouts delete and opaque folders hide what lower layers hold.
#ifndef HOST_TYPES_LAYER_VIEW_H_
#define HOST_TYPES_LAYER_VIEW_H_

#include <filesystem>
#include <vector>

#include "core/base/status.h"
#include "core/base/tree_path.h"

namespace host {

// The topmost copy of a path in a stack of layers (bottom first), honouring whiteouts and opaque
// folders; empty when it does not exist. No component is followed if it is a symlink: resolve
// the path first (ResolveInTree with LayerLookup) to follow links inside the stack.
std::filesystem::path FindInLayers(const std::vector<std::filesystem::path>& layers,
                                   const std::filesystem::path& relative);

// Copies the merged view of a folder of a layer stack into out. relative must have been resolved
// in the stack (ResolveInTree), so it names a real folder of the merged view; nothing is written
// through a symlink.
Status MergeLayers(const std::vector<std::filesystem::path>& layers,
                   const std::filesystem::path& relative, const std::filesystem::path& out);

// A lookup in the merged view of a layer stack, for ResolveInTree; layers must outlive it.
TreeLookup LayerLookup(const std::vector<std::filesystem::path>& layers);

}  // namespace host

#endif  // HOST_TYPES_LAYER_VIEW_H_
