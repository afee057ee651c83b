// Layers made by host itself (with-file, with-directory, with-new-file on a container), stored
// under the digest of what they hold.
#include <unistd.h>

#include "core/base/best_effort.h"
#include "core/base/file_write.h"
#include "core/base/random_hex.h"
#include "core/base/sha256.h"
#include "core/base/store_size_index.h"
#include "core/types/container_steps.h"
#include "core/types/core_module.h"

namespace host {
namespace fs = std::filesystem;

std::string ChainDigest(const std::string& parent, std::initializer_list<std::string_view> fields) {
  Sha256 sha;
  sha.UpdateField(parent);
  for (std::string_view f : fields) sha.UpdateField(f);
  return sha.Digest();
}

Result<fs::path> DerivedLayer(CoreServices& services, const std::string& digest,
                              const std::string& at,
                              const std::function<Status(const fs::path&)>& fill) {
  fs::path dir = services.state_dir() / "derived";
  fs::path layer = dir / digest.substr(digest.find(':') + 1);
  Result<fs::path> inside = InsidePath(at, "path");
  if (!inside.ok()) return inside.status();
  // Leased once stored; one that a prune removed before the lease is made again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::error_code ec;
    if (!fs::exists(layer, ec)) {
      fs::create_directories(dir, ec);
      if (ec)
        return Status::Failed("cannot create " + dir.string() + ": " + WriteErrorText(ec.value()));
      // Named by PID (so a leftover of a killed process is recognized) and a random part (so two
      // threads making the same layer do not share it).
      fs::path tmp =
          fs::path(layer.string() + ".tmp" + std::to_string(getpid()) + "-" + RandomHex(8));
      fs::create_directories(tmp / inside->parent_path(), ec);
      if (ec) {
        RemoveTreeBestEffort(tmp);
        return Status::Failed("cannot create " + tmp.string() + ": " + WriteErrorText(ec.value()));
      }
      if (Status s = fill(tmp / *inside); !s.ok()) {
        RemoveTreeBestEffort(tmp);
        return s;
      }
      fs::rename(tmp, layer, ec);
      if (ec) {
        const int error = ec.value();
        RemoveTreeBestEffort(tmp);
        // Only another process storing the same layer first is no error.
        if (!fs::exists(layer, ec)) {
          return Status::Failed("cannot store a layer in " + dir.string() + ": " +
                                WriteErrorText(error));
        }
      } else {
        RecordStoreEntry(services.state_dir(), "derived", TreeDiskBytes(layer));
      }
    }
    Result<bool> held = services.leases().Hold({layer});
    if (!held.ok()) return held.status();
    if (*held) return layer;
  }
  return Status::Failed("cannot store a layer in " + dir.string() +
                        ": it was removed again each time (is a prune running in a loop?)");
}

}  // namespace host
