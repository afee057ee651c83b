#include "core/types/layer_view.h"

#include <sys/stat.h>
#include <sys/xattr.h>

#include "core/base/whiteout.h"

namespace host {
namespace fs = std::filesystem;
namespace {

// Whether a layer folder hides the same folder of lower layers.
bool IsOpaque(const fs::path& dir) {
  char value[2] = {0};
  return lgetxattr(dir.c_str(), kOverlayOpaqueXattr, value, sizeof value) == 1 && value[0] == 'y';
}

// Whether every component of relative is a real folder in one layer; sets *blocks when the layer
// hides the layers below at that path (a non-folder, a whiteout or an opaque folder on the way).
bool FolderInLayer(const fs::path& layer, const fs::path& relative, bool* blocks) {
  fs::path p = layer;
  *blocks = false;
  for (const auto& part : relative) {
    p /= part;
    struct stat st {};
    if (lstat(p.c_str(), &st) != 0) return false;
    if (!S_ISDIR(st.st_mode)) {
      *blocks = true;
      return false;
    }
    if (IsOpaque(p)) *blocks = true;
  }
  return true;
}

}  // namespace

fs::path FindInLayers(const std::vector<fs::path>& layers, const fs::path& relative) {
  for (auto layer = layers.rbegin(); layer != layers.rend(); ++layer) {
    fs::path p = *layer;
    bool opaque_above = false;
    bool present = true;
    size_t i = 0, n = static_cast<size_t>(std::distance(relative.begin(), relative.end()));
    for (const auto& part : relative) {
      p /= part;
      struct stat st {};
      if (lstat(p.c_str(), &st) != 0) {
        present = false;
        break;
      }
      if (IsOverlayWhiteout(st)) return {};
      if (++i == n) return p;
      if (!S_ISDIR(st.st_mode)) return {};
      if (IsOpaque(p)) opaque_above = true;
    }
    if (n == 0) return *layer;
    if (!present && opaque_above) return {};
  }
  return {};
}

Status MergeLayers(const std::vector<fs::path>& layers, const fs::path& relative,
                   const fs::path& out) {
  // The layers that show through at relative, topmost first: down to the first that hides the
  // rest.
  std::vector<fs::path> showing;
  for (auto layer = layers.rbegin(); layer != layers.rend(); ++layer) {
    bool blocks = false;
    if (FolderInLayer(*layer, relative, &blocks)) showing.push_back(*layer / relative);
    if (blocks) break;
  }
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) return Status::Failed("cannot create " + out.string() + ": " + ec.message());
  for (auto dir = showing.rbegin(); dir != showing.rend(); ++dir) {
    // Pre-order: each target's parent is a real folder of out before the target is written, and
    // whatever out holds at a target (a symlink from a lower layer) is replaced, never followed.
    for (auto it = fs::recursive_directory_iterator(*dir, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      fs::path target = out / it->path().lexically_relative(*dir);
      struct stat st {};
      if (lstat(it->path().c_str(), &st) != 0) continue;
      struct stat there {};
      const bool exists = lstat(target.c_str(), &there) == 0;
      if (S_ISDIR(st.st_mode)) {
        if (exists && (!S_ISDIR(there.st_mode) || IsOpaque(it->path()))) fs::remove_all(target, ec);
        if (!exists || !S_ISDIR(there.st_mode) || IsOpaque(it->path())) {
          fs::create_directory(target, ec);
        }
        chmod(target.c_str(), st.st_mode & 07777);
        continue;
      }
      if (exists) fs::remove_all(target, ec);
      if (IsOverlayWhiteout(st)) continue;
      if (S_ISLNK(st.st_mode)) {
        fs::create_symlink(fs::read_symlink(it->path(), ec), target, ec);
      } else if (S_ISREG(st.st_mode)) {
        fs::copy_file(it->path(), target, ec);
        chmod(target.c_str(), st.st_mode & 07777);
      }
      if (ec) return Status::Failed("cannot read " + it->path().string() + ": " + ec.message());
    }
    if (ec) return Status::Failed("cannot read " + dir->string() + ": " + ec.message());
  }
  return {};
}

TreeLookup LayerLookup(const std::vector<fs::path>& layers) {
  return [&layers](const std::string& relative) {
    fs::path found = FindInLayers(layers, relative);
    return found.empty() ? TreeEntry{} : DescribeHostEntry(found);
  };
}

}  // namespace host
