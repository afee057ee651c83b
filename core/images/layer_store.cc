// The reading side of the layer store (where layers are, whether they are here): it needs no
// libarchive, which only LayerStore::Unpack (layer.cc) does.
#include <system_error>

#include "core/images/digest.h"
#include "core/images/layer.h"

namespace host::images {
namespace fs = std::filesystem;

LayerStore::LayerStore(fs::path state_dir)
    : state_dir_(std::move(state_dir)), layers_dir_(state_dir_ / "layers") {}

fs::path LayerStore::Path(std::string_view diff_id) const {
  return layers_dir_ / DigestHex(diff_id);
}

bool LayerStore::Has(std::string_view diff_id) const {
  if (!IsSha256Digest(diff_id)) return false;
  std::error_code ec;
  return fs::is_directory(Path(diff_id), ec);
}

}  // namespace host::images
