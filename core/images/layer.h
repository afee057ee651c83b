// Layer archives unpacked into directories usable as overlayfs lower dirs.
#ifndef HOST_IMAGES_LAYER_H_
#define HOST_IMAGES_LAYER_H_

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/base/status.h"

namespace host::images {

// Bounds on what unpacking may create, so that a small compressed layer cannot fill the disk.
// Sizes count the logical size of regular files (a sparse file counts with its holes, which are
// never written); every tar entry counts as one entry. Set in the config file (see Config).
struct LayerLimits {
  uint64_t max_layer_size = uint64_t{16} << 30;  // bytes of files in one layer
  uint64_t max_image_size = uint64_t{32} << 30;  // bytes of files in the layers one pull unpacks
  uint64_t max_layer_entries = 1'000'000;        // tar entries in one layer
  std::string config_file;  // where the limits are set, for messages; empty: "the config file"
};

// The bytes the layers of one pull may still unpack; shared by the threads unpacking them.
class UnpackBudget {
 public:
  // A budget of limits.max_image_size bytes.
  explicit UnpackBudget(const LayerLimits& limits) : left_(limits.max_image_size) {}
  // Takes bytes from the budget; false (and nothing taken) when fewer are left.
  bool Take(uint64_t bytes);

 private:
  std::atomic<uint64_t> left_;
};

// Extracts a layer blob (a tar, plain or gzip- or zstd-compressed, detected from its bytes) into
// dir, which must exist. OCI whiteouts become overlay ones: ".wh.NAME" a character device 0:0
// named NAME, ".wh..wh..opq" the xattr trusted.overlay.opaque=y on its folder. Modes, numeric
// ownership (as root), symlinks, hardlinks, devices, times and xattrs are kept. Entries that would
// leave dir ("..", or a path through a symlink) fail the whole layer. Returns the digest of the
// uncompressed tar ("sha256:..."). Beyond limits (or budget, when given) the extraction stops
// with an error naming the limit and its config key; the caller removes dir.
Result<std::string> ExtractLayer(const std::filesystem::path& blob,
                                 const std::filesystem::path& dir, const LayerLimits& limits = {},
                                 UnpackBudget* budget = nullptr);

// Unpacked layers by diff_id under <state>/layers/<hex>. A layer folder appears only by an atomic
// rename of a complete, verified extraction, so a killed process never leaves a half layer there.
class LayerStore {
 public:
  // A store rooted at state_dir (layers live in state_dir/layers).
  explicit LayerStore(std::filesystem::path state_dir);

  // Where the layer with this diff_id is (or would be) unpacked.
  std::filesystem::path Path(std::string_view diff_id) const;
  // True if the layer with this diff_id is unpacked.
  bool Has(std::string_view diff_id) const;
  // Unpacks blob as the layer diff_id unless it is there already; the uncompressed digest must
  // equal diff_id, and it must stay within limits and budget, or nothing is kept. Safe against
  // concurrent unpackers of the same layer. Like ExtractLayer it needs libarchive (layer.cc); the
  // rest of the class does not (layer_store.cc).
  Result<std::filesystem::path> Unpack(const std::filesystem::path& blob, std::string_view diff_id,
                                       const LayerLimits& limits = {},
                                       UnpackBudget* budget = nullptr) const;

 private:
  std::filesystem::path state_dir_;
  std::filesystem::path layers_dir_;
};

}  // namespace host::images

#endif  // HOST_IMAGES_LAYER_H_
