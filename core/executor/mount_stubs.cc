#include "core/executor/mount_stubs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>

#include "core/base/whiteout.h"

namespace host {
namespace fs = std::filesystem;

namespace {

size_t Depth(const std::string& path) { return std::count(path.begin(), path.end(), '/'); }

void SortDeepestFirst(std::vector<std::string>& paths) {
  std::sort(paths.begin(), paths.end(), [](const std::string& a, const std::string& b) {
    return Depth(a) != Depth(b) ? Depth(a) > Depth(b) : a < b;
  });
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
}

bool IsEmptyFolder(const fs::path& path) {
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return false;
  bool empty = true;
  while (dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") {
      empty = false;
      break;
    }
  }
  closedir(dir);
  return empty;
}

}  // namespace

void MountStubs::Record(int rootfs_fd, const std::vector<std::string>& destinations) {
  for (const auto& destination : destinations) {
    std::vector<std::string> parts;
    for (const auto& part : fs::path(destination).lexically_normal().relative_path()) {
      if (!part.empty() && part != "." && part != "..") parts.push_back(part.string());
    }
    std::string prefix;
    std::vector<Folder> above;
    std::vector<std::string> missing;
    bool tracked = true;
    for (size_t i = 0; i < parts.size() && tracked; ++i) {
      prefix += (prefix.empty() ? "" : "/") + parts[i];
      if (!missing.empty()) {
        missing.push_back(prefix);
        continue;
      }
      struct stat st;
      if (fstatat(rootfs_fd, prefix.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) {
          missing.push_back(prefix);
        } else {
          tracked = false;
        }
      } else if (S_ISDIR(st.st_mode)) {
        above.push_back(Folder{prefix, st.st_mode & 07777, st.st_uid, st.st_gid});
      } else {
        tracked = i + 1 == parts.size() && !S_ISLNK(st.st_mode);
      }
    }
    if (!tracked || missing.empty()) continue;
    created_.insert(created_.end(), missing.begin(), missing.end());
    for (auto& folder : above) {
      bool known = std::any_of(parents_.begin(), parents_.end(),
                               [&](const Folder& f) { return f.path == folder.path; });
      if (!known) parents_.push_back(std::move(folder));
    }
  }
  SortDeepestFirst(created_);
  std::sort(parents_.begin(), parents_.end(), [](const Folder& a, const Folder& b) {
    return Depth(a.path) != Depth(b.path) ? Depth(a.path) > Depth(b.path) : a.path < b.path;
  });
}

void MountStubs::RemoveCreated(int rootfs_fd) const {
  for (const auto& path : created_) {
    struct stat st;
    if (fstatat(rootfs_fd, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISREG(st.st_mode) && st.st_size == 0) {
      unlinkat(rootfs_fd, path.c_str(), 0);
    } else if (S_ISDIR(st.st_mode)) {
      unlinkat(rootfs_fd, path.c_str(), AT_REMOVEDIR);  // fails, as it should, unless empty
    }
  }
}

void MountStubs::TrimCopiedUp(const fs::path& upper) const {
  for (const auto& folder : parents_) {
    fs::path path = upper / folder.path;
    struct stat st;
    if (lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    if ((st.st_mode & 07777) != folder.mode || st.st_uid != folder.uid || st.st_gid != folder.gid) {
      continue;
    }
    char opaque[2];
    if (lgetxattr(path.c_str(), kOverlayOpaqueXattr, opaque, sizeof opaque) >= 0) continue;
    if (IsEmptyFolder(path)) rmdir(path.c_str());
  }
}

}  // namespace host
