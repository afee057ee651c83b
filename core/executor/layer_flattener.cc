#include "core/executor/layer_flattener.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "core/base/best_effort.h"
#include "core/base/file_write.h"
#include "core/base/sha256.h"
#include "core/base/store_size_index.h"
#include "core/base/unique_fd.h"
#include "core/base/whiteout.h"

namespace host {
namespace fs = std::filesystem;

namespace {

constexpr char kOverlayPrefix[] = "trusted.overlay.";
// Deeper trees are refused rather than walked with a descriptor pair per level.
constexpr int kMaxDepth = 256;

// The names in the folder fd, without "." and "..".
Result<std::vector<std::string>> Names(int fd, const std::string& shown) {
  UniqueFd copy(fcntl(fd, F_DUPFD_CLOEXEC, 0));
  DIR* dir = copy.ok() ? fdopendir(copy.get()) : nullptr;
  if (dir == nullptr) return Status::Failed("cannot list " + shown + ": " + strerror(errno));
  copy.release();  // the DIR owns it now
  rewinddir(dir);
  std::vector<std::string> names;
  while (dirent* entry = readdir(dir)) {
    if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0) {
      names.emplace_back(entry->d_name);
    }
  }
  closedir(dir);
  return names;
}

// Removes name in dirfd, a folder with everything in it; symlinks are removed, never followed.
// A name that is not there is fine.
Status RemoveTreeAt(int dirfd, const std::string& name, const std::string& shown) {
  if (unlinkat(dirfd, name.c_str(), 0) == 0 || errno == ENOENT) return {};
  if (errno != EISDIR && errno != EPERM) {
    return Status::Failed("cannot remove " + shown + ": " + strerror(errno));
  }
  UniqueFd fd(openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) return Status::Failed("cannot open " + shown + ": " + strerror(errno));
  Result<std::vector<std::string>> names = Names(fd.get(), shown);
  if (!names.ok()) return names.status();
  for (const auto& child : *names) {
    if (Status s = RemoveTreeAt(fd.get(), child, shown + "/" + child); !s.ok()) return s;
  }
  if (unlinkat(dirfd, name.c_str(), AT_REMOVEDIR) != 0) {
    return Status::Failed("cannot remove " + shown + ": " + strerror(errno));
  }
  return {};
}

// Copies the extended attributes of from to to (both open), overlay's own excepted: in the
// bottom layer a whiteout or an opaque mark hides nothing.
void CopyXattrs(int from, int to) {
  char names[8192];
  ssize_t length = flistxattr(from, names, sizeof names);
  for (ssize_t at = 0; at < length; at += static_cast<ssize_t>(strlen(names + at)) + 1) {
    const char* name = names + at;
    if (strncmp(name, kOverlayPrefix, strlen(kOverlayPrefix)) == 0) continue;
    char value[8192];
    ssize_t size = fgetxattr(from, name, value, sizeof value);
    if (size >= 0) fsetxattr(to, name, value, static_cast<size_t>(size), 0);  // best effort
  }
}

bool IsOpaque(int fd) {
  char value[2];
  return fgetxattr(fd, kOverlayOpaqueXattr, value, sizeof value) == 1 && value[0] == 'y';
}

// Gives the open entry `to` the owner, mode, extended attributes and times of `from` (whose
// metadata is st).
Status CopyMetadata(int from, int to, const struct stat& st, const std::string& shown) {
  if (fchown(to, st.st_uid, st.st_gid) != 0 || fchmod(to, st.st_mode & 07777) != 0) {
    return Status::Failed("cannot set the owner and mode of " + shown + ": " + strerror(errno));
  }
  CopyXattrs(from, to);
  timespec times[2] = {st.st_atim, st.st_mtim};
  futimens(to, times);
  return {};
}

// Copies a regular file's bytes, owner, mode, xattrs and times (when it cannot be hardlinked).
Status CopyFile(int from_dir, int to_dir, const std::string& name, const struct stat& st,
                const std::string& shown) {
  UniqueFd from(openat(from_dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  UniqueFd to(
      openat(to_dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (from.get() < 0 || to.get() < 0) {
    return Status::Failed("cannot copy " + shown + ": " + strerror(errno));
  }
  for (off_t left = st.st_size; left > 0;) {
    ssize_t n = copy_file_range(from.get(), nullptr, to.get(), nullptr,
                                static_cast<size_t>(std::min<off_t>(left, 1 << 30)), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::Failed("cannot copy " + shown + ": " + WriteErrorText(errno));
    if (n == 0) return Status::Failed("cannot copy " + shown + ": it became shorter while copied");
    left -= n;
  }
  return CopyMetadata(from.get(), to.get(), st, shown);
}

// Puts what the entry name of a layer folder holds over the merged folder: a whiteout removes,
// a folder merges (or replaces, when opaque), anything else replaces.
Status MergeFolder(int layer, int merged, const std::string& shown, int depth);

Status MergeEntry(int layer, int merged, const std::string& name, const std::string& shown,
                  int depth) {
  struct stat st;
  if (fstatat(layer, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return Status::Failed("cannot inspect " + shown + ": " + strerror(errno));
  }
  struct stat below;
  const bool exists = fstatat(merged, name.c_str(), &below, AT_SYMLINK_NOFOLLOW) == 0;
  if (IsOverlayWhiteout(st)) return RemoveTreeAt(merged, name, shown);
  if (S_ISDIR(st.st_mode)) {
    UniqueFd from(openat(layer, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (from.get() < 0) return Status::Failed("cannot open " + shown + ": " + strerror(errno));
    if (exists && (!S_ISDIR(below.st_mode) || IsOpaque(from.get()))) {
      if (Status s = RemoveTreeAt(merged, name, shown); !s.ok()) return s;
    }
    if ((!exists || !S_ISDIR(below.st_mode) || IsOpaque(from.get())) &&
        mkdirat(merged, name.c_str(), 0700) != 0) {
      return Status::Failed("cannot create " + shown + ": " + strerror(errno));
    }
    UniqueFd to(openat(merged, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (to.get() < 0) return Status::Failed("cannot open " + shown + ": " + strerror(errno));
    if (Status s = MergeFolder(from.get(), to.get(), shown, depth + 1); !s.ok()) return s;
    return CopyMetadata(from.get(), to.get(), st, shown);
  }
  if (exists) {
    if (Status s = RemoveTreeAt(merged, name, shown); !s.ok()) return s;
  }
  if (S_ISREG(st.st_mode)) {
    // Lower layers are never written, so the merged folder may share their files.
    if (linkat(layer, name.c_str(), merged, name.c_str(), 0) == 0) return {};
    return CopyFile(layer, merged, name, st, shown);
  }
  if (S_ISLNK(st.st_mode)) {
    std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
    ssize_t n = readlinkat(layer, name.c_str(), target.data(), target.size());
    if (n < 0 || static_cast<size_t>(n) >= target.size() ||
        symlinkat(target.substr(0, static_cast<size_t>(n)).c_str(), merged, name.c_str()) != 0) {
      return Status::Failed("cannot copy the symlink " + shown + ": " + strerror(errno));
    }
  } else if (mknodat(merged, name.c_str(), st.st_mode & (S_IFMT | 07777), st.st_rdev) != 0 ||
             fchmodat(merged, name.c_str(), st.st_mode & 07777, 0) != 0) {
    return Status::Failed("cannot copy the device or fifo " + shown + ": " + strerror(errno));
  }
  if (fchownat(merged, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) != 0) {
    return Status::Failed("cannot set the owner of " + shown + ": " + strerror(errno));
  }
  timespec times[2] = {st.st_atim, st.st_mtim};
  utimensat(merged, name.c_str(), times, AT_SYMLINK_NOFOLLOW);
  return {};
}

Status MergeFolder(int layer, int merged, const std::string& shown, int depth) {
  if (depth > kMaxDepth) {
    return Status::Failed("cannot flatten " + shown + ": folders nest deeper than " +
                          std::to_string(kMaxDepth) + " levels");
  }
  Result<std::vector<std::string>> names = Names(layer, shown);
  if (!names.ok()) return names.status();
  for (const auto& name : *names) {
    if (Status s = MergeEntry(layer, merged, name, shown + "/" + name, depth); !s.ok()) return s;
  }
  return {};
}

// Builds the merge of layers (bottom first) in a new folder of tmp_dir; returns its path.
Result<fs::path> BuildMerged(const std::vector<fs::path>& layers, const fs::path& tmp_dir) {
  std::string pattern = (tmp_dir / "layer-flat-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Status::Failed("cannot create a folder in " + tmp_dir.string() + ": " + strerror(errno));
  }
  const fs::path temp = pattern;
  auto fail = [&](Status status) -> Result<fs::path> {
    RemoveTreeBestEffort(temp);  // a leftover is removed by the stale-file sweep
    return status;
  };
  UniqueFd merged(open(temp.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (merged.get() < 0) return fail(Status::Failed("cannot open " + temp.string()));
  for (const auto& layer : layers) {
    UniqueFd from(open(layer.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (from.get() < 0) {
      return fail(
          Status::Failed("cannot open the layer " + layer.string() + ": " + strerror(errno)));
    }
    if (Status s = MergeFolder(from.get(), merged.get(), layer.string(), 0); !s.ok()) {
      return fail(s);
    }
    struct stat st;
    if (fstat(from.get(), &st) == 0) {
      if (fchown(merged.get(), st.st_uid, st.st_gid) != 0 ||
          fchmod(merged.get(), st.st_mode & 07777) != 0) {
        return fail(Status::Failed("cannot set the owner and mode of " + temp.string()));
      }
    }
  }
  return temp;
}

}  // namespace

fs::path FlattenedLayerPath(const fs::path& state_dir, const std::string& key_hex) {
  return fs::absolute(state_dir) / "flattened" / key_hex;
}

namespace {

// Leases path with hold; without hold, whether it is there.
Result<bool> Held(const fs::path& path, const HoldEntries& hold) {
  if (hold) return hold({path});
  std::error_code ec;
  return fs::is_directory(path, ec);
}

// Builds the merge of base (empty: none) and layers in state_dir/tmp and moves it to target,
// unless another process put it there first.
Status BuildAt(const fs::path& base, const std::vector<fs::path>& layers, const fs::path& state_dir,
               const fs::path& target) {
  std::vector<fs::path> stack;
  if (!base.empty()) stack.push_back(base);
  stack.insert(stack.end(), layers.begin(), layers.end());
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  fs::create_directories(state_dir / "tmp", ec);
  Result<fs::path> built = BuildMerged(stack, state_dir / "tmp");
  if (!built.ok()) return built.status();
  if (renameat2(AT_FDCWD, built->c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) != 0) {
    int error = errno;
    RemoveTreeBestEffort(*built);
    // Another step built the same folder meanwhile: that one is used.
    if (error != EEXIST || !fs::is_directory(target, ec)) {
      return Status::Failed("cannot move the flattened layers to " + target.string() + ": " +
                            strerror(error));
    }
    return {};
  }
  RecordStoreEntry(state_dir, "flattened", UnsharedTreeDiskBytes(target));
  return {};
}

}  // namespace

Result<std::vector<fs::path>> FlattenLowestLayers(const std::vector<fs::path>& layers,
                                                  const fs::path& state_dir, size_t max_layers,
                                                  size_t block, const HoldEntries& hold) {
  if (layers.size() <= max_layers || max_layers < 2 || block == 0) return layers;
  block = std::min(block, max_layers - 1);
  // Whole blocks from the bottom, leaving 1 to `block` layers above the merge.
  const size_t blocks = (layers.size() - 1) / block;
  // keys[i]: the merge of the lowest i + 1 blocks, chained from the one below.
  std::vector<fs::path> targets;
  std::string key = "flattened layers, blocks of " + std::to_string(block);
  for (size_t i = 0; i < blocks; ++i) {
    std::string text = key + "\n";
    for (size_t j = i * block; j < (i + 1) * block; ++j) {
      text += fs::absolute(layers[j]).lexically_normal().string() + "\n";
    }
    key = Sha256Hex(text);
    targets.push_back(FlattenedLayerPath(state_dir, key));
  }
  auto failed = [&](const Status& status) {
    return status.Prefixed("cannot flatten the lowest " + std::to_string(blocks * block) + " of " +
                           std::to_string(layers.size()) + " layers: ");
  };
  // A merge found but pruned before it is leased is built again; a prune that keeps removing
  // what was just built is reported.
  for (int attempt = 0; attempt < 3; ++attempt) {
    // The highest merge that is there (and now leased) is the base of those above it.
    size_t have = blocks;  // how many blocks the base holds
    bool lost = false;
    for (; have > 0; --have) {
      std::error_code ec;
      if (!fs::is_directory(targets[have - 1], ec)) continue;
      Result<bool> held = Held(targets[have - 1], hold);
      if (!held.ok()) return failed(held.status());
      if (*held) break;
    }
    for (size_t i = have; i < blocks && !lost; ++i) {
      const std::vector<fs::path> merged(layers.begin() + static_cast<ptrdiff_t>(i * block),
                                         layers.begin() + static_cast<ptrdiff_t>((i + 1) * block));
      Status built = BuildAt(i == 0 ? fs::path() : targets[i - 1], merged, state_dir, targets[i]);
      if (!built.ok()) return failed(built);
      Result<bool> held = Held(targets[i], hold);
      if (!held.ok()) return failed(held.status());
      lost = !*held;
    }
    if (lost) continue;
    std::vector<fs::path> result = {targets.back()};
    result.insert(result.end(), layers.begin() + static_cast<ptrdiff_t>(blocks * block),
                  layers.end());
    return result;
  }
  return failed(
      Status::Failed("a prune removed the merged layers each time they were built; run "
                     "again when no `host cache prune` is running"));
}

}  // namespace host
