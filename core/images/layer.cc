#include "core/images/layer.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "core/base/best_effort.h"
#include "core/base/file_lock.h"
#include "core/base/file_write.h"
#include "core/base/size.h"
#include "core/base/store_size_index.h"
#include "core/base/unique_fd.h"
#include "core/base/whiteout.h"
#include "core/images/digest.h"
#include "core/images/sha256_stream.h"

namespace host::images {
namespace fs = std::filesystem;

namespace {

// Reads and decompression work in chunks this large.
constexpr size_t kBufferSize = size_t{1} << 20;

// The reason of a failed call; a full disk says what to do.
std::string Errno(int error = errno) { return WriteErrorText(error); }

// Room for tar headers, pax records and padding on top of max_layer_size in the uncompressed
// stream, per entry allowed and in all.
constexpr uint64_t kHeaderRoomPerEntry = 1024;
constexpr uint64_t kHeaderRoom = uint64_t{64} << 20;

// "the limit KEY in FILE; raise it there if you trust the image": the end of a limit error.
std::string LimitHint(const LayerLimits& limits, const char* key) {
  const std::string file = limits.config_file.empty() ? "the config file" : limits.config_file;
  return std::string("the limit \"") + key + "\" in " + file +
         "; raise it there if you trust the image";
}

uint64_t SaturatingAdd(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

// The uncompressed bytes of a layer blob, hashed as they are read. libarchive's raw format with
// every filter decompresses whatever the blob is (gzip, zstd, or nothing).
class UncompressedStream {
 public:
  // A stream that fails once it has given more than limit bytes; what the limit is, for messages.
  UncompressedStream(uint64_t limit, std::string limit_text)
      : buffer_(kBufferSize), limit_(limit), limit_text_(std::move(limit_text)) {}
  UncompressedStream(const UncompressedStream&) = delete;
  UncompressedStream& operator=(const UncompressedStream&) = delete;
  ~UncompressedStream() {
    if (archive_ != nullptr) archive_read_free(archive_);
  }

  Status Open(const fs::path& blob) {
    archive_ = archive_read_new();
    if (archive_ == nullptr) return Status::Failed("out of memory");
    archive_read_support_filter_all(archive_);
    archive_read_support_format_raw(archive_);
    if (archive_read_open_filename(archive_, blob.c_str(), kBufferSize) != ARCHIVE_OK) {
      return Status::Failed("cannot read layer blob " + blob.string() + ": " + ArchiveError());
    }
    archive_entry* entry = nullptr;
    int r = archive_read_next_header(archive_, &entry);
    if (r == ARCHIVE_EOF) return Status::Failed("layer blob " + blob.string() + " is empty");
    if (r < ARCHIVE_WARN) {
      return Status::Failed("cannot read layer blob " + blob.string() + ": " + ArchiveError());
    }
    return {};
  }

  // Gives the next chunk; 0 at the end, -1 on an error (see error()).
  la_ssize_t Next(const void** data) {
    la_ssize_t n = archive_read_data(archive_, buffer_.data(), buffer_.size());
    if (n < 0) {
      error_ = "cannot decompress the layer: " + ArchiveError();
      return -1;
    }
    total_ += static_cast<uint64_t>(n);
    if (total_ > limit_) {
      error_ = "the uncompressed layer is larger than " + FormatSize(limit_) + ", " + limit_text_;
      return -1;
    }
    sha_.Update(buffer_.data(), static_cast<size_t>(n));
    *data = buffer_.data();
    return n;
  }

  // Reads what the tar reader left (end-of-archive padding) so that the digest covers it all.
  Status Drain() {
    const void* data = nullptr;
    for (;;) {
      la_ssize_t n = Next(&data);
      if (n < 0) return Status::Failed(error_);
      if (n == 0) return {};
    }
  }

  std::string Digest() { return sha_.Digest(); }
  const std::string& error() const { return error_; }

 private:
  std::string ArchiveError() const {
    const char* text = archive_error_string(archive_);
    return text != nullptr ? text : "unknown error";
  }

  archive* archive_ = nullptr;
  std::vector<char> buffer_;
  uint64_t limit_;
  std::string limit_text_;
  uint64_t total_ = 0;
  Sha256Stream sha_;
  std::string error_;
};

la_ssize_t ReadUncompressed(archive*, void* stream, const void** data) {
  return static_cast<UncompressedStream*>(stream)->Next(data);
}

// The components of an entry path; "." and empty ones dropped, a leading "/" ignored. ".." is
// refused: no layer needs it, and it is how an archive escapes its folder.
Result<std::vector<std::string>> SplitEntryPath(std::string_view path) {
  std::vector<std::string> parts;
  std::string_view rest = path;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    if (part == "..") {
      return Status::Failed("layer entry \"" + std::string(path) +
                            "\" escapes the layer folder through \"..\"; refusing the layer");
    }
    if (!part.empty() && part != ".") parts.emplace_back(part);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return parts;
}

std::string Join(const std::vector<std::string>& parts, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out += (i == 0 ? "" : "/") + parts[i];
  return out;
}

// Removes name in dirfd, recursively for a folder; symlinks are removed, never followed.
int RemoveTreeAt(int dirfd, const char* name) {
  if (unlinkat(dirfd, name, 0) == 0) return 0;
  if (errno != EISDIR && errno != EPERM) return -1;
  UniqueFd folder(openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!folder.ok()) return -1;
  DIR* dir = fdopendir(folder.get());
  if (dir == nullptr) return -1;
  const int fd = folder.release();  // the DIR owns it now
  while (dirent* child = readdir(dir)) {
    if (std::strcmp(child->d_name, ".") == 0 || std::strcmp(child->d_name, "..") == 0) continue;
    if (RemoveTreeAt(fd, child->d_name) != 0) {
      closedir(dir);
      return -1;
    }
  }
  closedir(dir);
  return unlinkat(dirfd, name, AT_REMOVEDIR);
}

// Makes room for a new entry called name: whatever is there goes.
Status ClearSlot(int dirfd, const std::string& name, const std::string& shown) {
  struct stat st;
  if (fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return {};
    return Status::Failed("cannot inspect " + shown + ": " + Errno());
  }
  if (RemoveTreeAt(dirfd, name.c_str()) != 0) {
    return Status::Failed("cannot replace " + shown + ": " + Errno());
  }
  return {};
}

timespec MtimeOf(archive_entry* entry) {
  timespec time{};
  if (archive_entry_mtime_is_set(entry)) {
    time.tv_sec = archive_entry_mtime(entry);
    time.tv_nsec = archive_entry_mtime_nsec(entry);
  }
  return time;
}

// A folder whose mode and times are set at the end, after its children are in place.
struct PendingFolder {
  std::vector<std::string> parts;
  mode_t mode;
  timespec mtime;
};

// Writes the entries of one tar into a folder, through descriptors only, never following a
// symlink of the archive.
class Extractor {
 public:
  Extractor(int root_fd, archive* tar, const LayerLimits& limits, UnpackBudget* budget)
      : root_fd_(root_fd), tar_(tar), chown_(geteuid() == 0), limits_(limits), budget_(budget) {}

  Status Apply(archive_entry* entry) {
    const char* raw = archive_entry_pathname(entry);
    if (raw == nullptr) raw = archive_entry_pathname_utf8(entry);
    if (raw == nullptr) return Status::Failed("a layer entry has no readable path");
    path_ = raw;
    if (++entries_ > limits_.max_layer_entries) {
      return Status::Failed("the layer holds more than " +
                            std::to_string(limits_.max_layer_entries) + " entries, " +
                            LimitHint(limits_, "max_layer_entries"));
    }
    Result<std::vector<std::string>> parts = SplitEntryPath(path_);
    if (!parts.ok()) return parts.status();
    if (parts->empty()) {
      if (archive_entry_filetype(entry) != AE_IFDIR) {
        return Status::Failed("layer entry \"" + path_ + "\" names the layer root, not a folder");
      }
      return Folder(root_fd_, *parts, entry);
    }
    Result<int> parent = ParentOf(*parts, parts->size() - 1);
    if (!parent.ok()) return parent.status();
    const std::string& name = parts->back();
    if (IsWhiteoutName(name)) return Whiteout(*parent, name);
    if (const char* target = archive_entry_hardlink(entry)) {
      return HardLink(*parent, *parts, target);
    }
    switch (archive_entry_filetype(entry)) {
      case AE_IFDIR: {
        struct stat st;
        bool is_folder =
            fstatat(*parent, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
        if (!is_folder) {
          if (Status s = ClearSlot(*parent, name, Shown()); !s.ok()) return s;
          if (mkdirat(*parent, name.c_str(), 0700) != 0) return Failure("cannot create folder");
        }
        UniqueFd folder(
            openat(*parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (folder.get() < 0) return Failure("cannot open folder");
        return Folder(folder.get(), *parts, entry);
      }
      case AE_IFREG:
        return File(*parent, name, entry);
      case AE_IFLNK:
        return Symlink(*parent, name, entry);
      case AE_IFCHR:
      case AE_IFBLK:
      case AE_IFIFO:
        return Node(*parent, name, entry);
      case AE_IFSOCK:
        return {};  // sockets are never meaningful in an image
      default:
        return Status::Failed("layer entry \"" + path_ + "\" has an unknown file type");
    }
  }

  // Sets the modes and times of folders, now that nothing more is created in them.
  Status Finish() {
    for (const auto& folder : folders_) {
      Result<int> opened = OpenPath(folder.parts, folder.parts.size(), false);
      if (!opened.ok()) continue;  // replaced by a later entry
      int fd = *opened;
      if (fchmod(fd, folder.mode) != 0) {
        return Status::Failed("cannot set the mode of " + Join(folder.parts, folder.parts.size()) +
                              ": " + Errno());
      }
      timespec times[2] = {folder.mtime, folder.mtime};
      futimens(fd, times);
    }
    return {};
  }

 private:
  std::string Shown() const { return "\"" + path_ + "\""; }
  Status Failure(const std::string& what) const {
    return Status::Failed(what + " for layer entry " + Shown() + ": " + Errno());
  }

  // Opens parts[index] inside base, creating it when missing and create is set. A symlink there
  // is refused rather than followed.
  Result<UniqueFd> OpenChild(int base, const std::vector<std::string>& parts, size_t index,
                             bool create) {
    const char* name = parts[index].c_str();
    int next = openat(base, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0 && errno == ENOENT && create) {
      if (mkdirat(base, name, 0755) != 0 && errno != EEXIST) {
        return Failure("cannot create folder \"" + Join(parts, index + 1) + "\"");
      }
      next = openat(base, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (next < 0) {
      int error = errno;
      struct stat st;
      if (fstatat(base, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
        return Status::Failed("layer entry " + Shown() + " goes through the symlink \"" +
                              Join(parts, index + 1) + "\"; refusing the layer");
      }
      return Status::Failed("cannot open folder \"" + Join(parts, index + 1) +
                            "\" for layer entry " + Shown() + ": " + Errno(error));
    }
    return UniqueFd(next);
  }

  // Opens the folder made of the first count parts (count > 0) from the root.
  Result<UniqueFd> OpenFolder(const std::vector<std::string>& parts, size_t count, bool create) {
    UniqueFd current;
    for (size_t i = 0; i < count; ++i) {
      Result<UniqueFd> next = OpenChild(i == 0 ? root_fd_ : current.get(), parts, i, create);
      if (!next.ok()) return next.status();
      current = std::move(*next);
    }
    return current;
  }

  // The parent folder of an entry, created if missing.
  Result<int> ParentOf(const std::vector<std::string>& parts, size_t count) {
    return OpenPath(parts, count, true);
  }

  // The folder made of the first count parts. The folders of the last path opened stay open, so a
  // sorted archive opens each folder about once.
  Result<int> OpenPath(const std::vector<std::string>& parts, size_t count, bool create) {
    size_t common = 0;
    while (common < count && common < open_names_.size() && open_names_[common] == parts[common]) {
      ++common;
    }
    open_names_.resize(common);
    open_folders_.resize(common);
    for (size_t i = common; i < count; ++i) {
      Result<UniqueFd> next =
          OpenChild(i == 0 ? root_fd_ : open_folders_.back().get(), parts, i, create);
      if (!next.ok()) return next.status();
      open_names_.push_back(parts[i]);
      open_folders_.push_back(std::move(*next));
    }
    return count == 0 ? root_fd_ : open_folders_[count - 1].get();
  }

  // Owner, mode, xattrs and times of an open file; chown first, since it clears setuid bits.
  Status Attributes(int fd, archive_entry* entry, bool with_mode) {
    if (chown_ && fchown(fd, archive_entry_uid(entry), archive_entry_gid(entry)) != 0) {
      return Failure("cannot set the owner");
    }
    if (with_mode && fchmod(fd, archive_entry_perm(entry) & 07777) != 0) {
      return Failure("cannot set the mode");
    }
    archive_entry_xattr_reset(entry);
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    while (archive_entry_xattr_next(entry, &name, &value, &size) == ARCHIVE_OK) {
      // Overlay's own attributes (redirect, metacopy, opaque) are never taken from an archive.
      if (std::strncmp(name, "trusted.overlay.", 16) == 0) continue;
      fsetxattr(fd, name, value, size, 0);  // best effort: not every file system has every one
    }
    return {};
  }

  // Runs create (a *at call returning 0 or -1); if the name exists, replaces what is there.
  template <class Create>
  Status CreateOrReplace(int parent, const std::string& name, Create create) {
    if (create() == 0) return {};
    if (errno != EEXIST) return Status::Failed("layer entry " + Shown() + ": " + Errno());
    if (Status s = ClearSlot(parent, name, Shown()); !s.ok()) return s;
    if (create() == 0) return {};
    return Status::Failed("layer entry " + Shown() + ": " + Errno());
  }

  Status Folder(int fd, const std::vector<std::string>& parts, archive_entry* entry) {
    if (Status s = Attributes(fd, entry, false); !s.ok()) return s;
    folders_.push_back(
        {parts, static_cast<mode_t>(archive_entry_perm(entry) & 07777), MtimeOf(entry)});
    return {};
  }

  // Counts bytes more of file content against the layer's limit and the image's budget, before
  // they are written.
  Status Charge(uint64_t bytes) {
    if (bytes > limits_.max_layer_size - std::min(size_, limits_.max_layer_size)) {
      return Status::Failed("the files of the layer add up to more than " +
                            FormatSize(limits_.max_layer_size) + " (at " + Shown() + "), " +
                            LimitHint(limits_, "max_layer_size"));
    }
    if (budget_ != nullptr && !budget_->Take(bytes)) {
      return Status::Failed("the layers of the image add up to more than " +
                            FormatSize(limits_.max_image_size) + " (at " + Shown() + "), " +
                            LimitHint(limits_, "max_image_size"));
    }
    size_ += bytes;
    return {};
  }

  Status File(int parent, const std::string& name, archive_entry* entry) {
    // The logical size counts, holes included: a sparse file is kept sparse on disk, but whatever
    // reads or copies it later sees its whole size.
    uint64_t charged = 0;
    if (archive_entry_size_is_set(entry) && archive_entry_size(entry) > 0) {
      charged = static_cast<uint64_t>(archive_entry_size(entry));
      if (Status s = Charge(charged); !s.ok()) return s;
    }
    auto create = [&] {
      return openat(parent, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    0600);
    };
    UniqueFd fd(create());
    if (fd.get() < 0 && errno == EEXIST) {
      if (Status s = ClearSlot(parent, name, Shown()); !s.ok()) return s;
      fd = UniqueFd(create());
    }
    if (fd.get() < 0) return Failure("cannot create file");
    int64_t end = 0;
    for (;;) {
      const void* block = nullptr;
      size_t size = 0;
      la_int64_t offset = 0;
      int r = archive_read_data_block(tar_, &block, &size, &offset);
      if (r == ARCHIVE_EOF) break;
      if (r < ARCHIVE_WARN) return ReadFailure();
      if (offset < 0)
        return Status::Failed("layer entry " + Shown() + " has data at a negative offset");
      if (uint64_t block_end = SaturatingAdd(static_cast<uint64_t>(offset), size);
          block_end > charged) {
        if (Status s = Charge(block_end - charged); !s.ok()) return s;
        charged = block_end;
      }
      const char* p = static_cast<const char*>(block);
      while (size > 0) {
        ssize_t n = pwrite(fd.get(), p, size, offset);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Failure("cannot write file");
        p += n;
        size -= static_cast<size_t>(n);
        offset += n;
      }
      end = std::max<int64_t>(end, offset);
    }
    if (archive_entry_size_is_set(entry) && archive_entry_size(entry) > end &&
        ftruncate(fd.get(), archive_entry_size(entry)) != 0) {
      return Failure("cannot size file");
    }
    if (Status s = Attributes(fd.get(), entry, true); !s.ok()) return s;
    timespec times[2] = {MtimeOf(entry), MtimeOf(entry)};
    futimens(fd.get(), times);
    return {};
  }

  Status Symlink(int parent, const std::string& name, archive_entry* entry) {
    const char* target = archive_entry_symlink(entry);
    if (target == nullptr) target = archive_entry_symlink_utf8(entry);
    if (target == nullptr) return Status::Failed("symlink " + Shown() + " has no target");
    if (Status s =
            CreateOrReplace(parent, name, [&] { return symlinkat(target, parent, name.c_str()); });
        !s.ok()) {
      return s.Prefixed("cannot create symlink: ");
    }
    return LinkAttributes(parent, name, entry, false);
  }

  Status Node(int parent, const std::string& name, archive_entry* entry) {
    mode_t type = archive_entry_filetype(entry);
    mode_t mode = archive_entry_perm(entry) & 07777;
    dev_t device = archive_entry_rdev(entry);
    if (Status s = CreateOrReplace(
            parent, name, [&] { return mknodat(parent, name.c_str(), type | mode, device); });
        !s.ok()) {
      return s.Prefixed("cannot create device or fifo: ");
    }
    return LinkAttributes(parent, name, entry, true);
  }

  // Owner, mode and times of something that cannot be opened for writing (symlink, node).
  Status LinkAttributes(int parent, const std::string& name, archive_entry* entry, bool mode) {
    if (chown_ && fchownat(parent, name.c_str(), archive_entry_uid(entry), archive_entry_gid(entry),
                           AT_SYMLINK_NOFOLLOW) != 0) {
      return Failure("cannot set the owner");
    }
    if (mode && fchmodat(parent, name.c_str(), archive_entry_perm(entry) & 07777, 0) != 0) {
      return Failure("cannot set the mode");
    }
    timespec times[2] = {MtimeOf(entry), MtimeOf(entry)};
    utimensat(parent, name.c_str(), times, AT_SYMLINK_NOFOLLOW);
    return {};
  }

  Status HardLink(int parent, const std::vector<std::string>& parts, const char* target) {
    Result<std::vector<std::string>> target_parts = SplitEntryPath(target);
    if (!target_parts.ok()) return target_parts.status();
    if (target_parts->empty()) {
      return Status::Failed("hardlink " + Shown() + " points at the layer root");
    }
    if (*target_parts == parts) return {};
    Result<UniqueFd> target_parent = OpenFolder(*target_parts, target_parts->size() - 1, false);
    if (!target_parent.ok()) return target_parent.status();
    int target_dir = target_parts->size() == 1 ? root_fd_ : target_parent->get();
    if (Status s = CreateOrReplace(parent, parts.back(),
                                   [&] {
                                     return linkat(target_dir, target_parts->back().c_str(), parent,
                                                   parts.back().c_str(), 0);
                                   });
        !s.ok()) {
      return s.Prefixed("cannot create hardlink to \"" + std::string(target) + "\": ");
    }
    return {};
  }

  Status Whiteout(int parent, const std::string& name) {
    if (IsOpaqueMarker(name)) {
      if (fsetxattr(parent, kOverlayOpaqueXattr, "y", 1, 0) != 0) {
        return Failure("cannot mark the folder opaque (xattr trusted.overlay.opaque)");
      }
      return {};
    }
    if (IsAufsMetadata(name)) return {};  // other AUFS metadata means nothing here
    std::string hidden(WhiteoutTarget(name));
    if (hidden.empty() || hidden == "." || hidden == "..") {
      return Status::Failed("whiteout " + Shown() + " names nothing; refusing the layer");
    }
    if (Status s = CreateOrReplace(
            parent, hidden,
            [&] { return mknodat(parent, hidden.c_str(), S_IFCHR, makedev(0, 0)); });
        !s.ok()) {
      return s.Prefixed("cannot create the overlay whiteout (character device 0:0): ");
    }
    return {};
  }

  Status ReadFailure() const {
    const char* text = archive_error_string(tar_);
    return Status::Failed("cannot read layer entry " + Shown() + ": " +
                          (text != nullptr ? text : "unknown error"));
  }

  int root_fd_;
  archive* tar_;
  bool chown_;
  const LayerLimits& limits_;
  UnpackBudget* budget_;
  uint64_t entries_ = 0;  // entries applied so far
  uint64_t size_ = 0;     // bytes of file content charged so far
  std::string path_;      // the entry being applied, for messages
  // The open folders of the current entry's parent path: open_folders_[i] is the folder
  // open_names_[0..i]. Only folders on that path are kept, so replacing a child of the parent
  // never leaves a stale descriptor here.
  std::vector<std::string> open_names_;
  std::vector<UniqueFd> open_folders_;
  std::vector<PendingFolder> folders_;
};

// Makes a rename in dir durable.
void SyncDir(const fs::path& dir) {
  UniqueFd fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) fsync(fd.get());
}

}  // namespace

bool UnpackBudget::Take(uint64_t bytes) {
  uint64_t left = left_.load();
  do {
    if (bytes > left) return false;
  } while (!left_.compare_exchange_weak(left, left - bytes));
  return true;
}

Result<std::string> ExtractLayer(const fs::path& blob, const fs::path& dir,
                                 const LayerLimits& limits, UnpackBudget* budget) {
  UniqueFd root(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (root.get() < 0) return Status::Failed("cannot open folder " + dir.string() + ": " + Errno());
  // File content is bounded by the extractor; this bounds the rest (headers, padding, bytes after
  // the end of the archive) and the work of decompressing.
  const uint64_t stream_limit =
      SaturatingAdd(SaturatingAdd(limits.max_layer_size, kHeaderRoom),
                    limits.max_layer_entries > UINT64_MAX / kHeaderRoomPerEntry
                        ? UINT64_MAX
                        : limits.max_layer_entries * kHeaderRoomPerEntry);
  UncompressedStream stream(stream_limit, LimitHint(limits, "max_layer_size"));
  if (Status s = stream.Open(blob); !s.ok()) return s;
  archive* tar = archive_read_new();
  if (tar == nullptr) return Status::Failed("out of memory");
  archive_read_support_format_tar(tar);
  if (archive_read_open(tar, &stream, nullptr, ReadUncompressed, nullptr) != ARCHIVE_OK) {
    std::string error = stream.error().empty() ? archive_error_string(tar) : stream.error();
    archive_read_free(tar);
    return Status::Failed("layer blob " + blob.string() + " is not a tar archive: " + error);
  }
  Extractor extractor(root.get(), tar, limits, budget);
  Status status;
  for (;;) {
    archive_entry* entry = nullptr;
    int r = archive_read_next_header(tar, &entry);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) {
      const char* text = archive_error_string(tar);
      status = Status::Failed("layer blob " + blob.string() + " is not a valid tar archive: " +
                              (!stream.error().empty() ? stream.error()
                               : text != nullptr       ? std::string(text)
                                                       : std::string("unknown error")));
      break;
    }
    status = extractor.Apply(entry);
    if (!status.ok()) break;
  }
  archive_read_free(tar);
  // A limit of the stream (or a decompression error) shows to the extractor as a read error.
  if (!status.ok() && !stream.error().empty()) return Status::Failed(stream.error());
  if (!status.ok()) return status;
  if (Status s = extractor.Finish(); !s.ok()) return s;
  if (Status s = stream.Drain(); !s.ok()) return s;
  return stream.Digest();
}

Result<fs::path> LayerStore::Unpack(const fs::path& blob, std::string_view diff_id,
                                    const LayerLimits& limits, UnpackBudget* budget) const {
  if (Status s = CheckDigest(diff_id); !s.ok()) return s;
  const fs::path target = Path(diff_id);
  if (Has(diff_id)) return target;
  Result<FileLock> lock =
      FileLock::Acquire(state_dir_ / "locks" / ("layer-" + DigestHex(diff_id) + ".lock"));
  if (!lock.ok()) return lock.status();
  if (Has(diff_id)) return target;  // another thread or process finished it while we waited
  std::error_code ec;
  const fs::path temp_parent = state_dir_ / "tmp";
  const std::string prefix = "layer-" + DigestHex(diff_id) + "-";
  // What killed unpackers of this layer left: nobody else holds the lock, so none is in use.
  for (fs::directory_iterator it(temp_parent, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().rfind(prefix, 0) == 0) RemoveTreeBestEffort(it->path());
  }
  ec.clear();
  fs::create_directories(layers_dir_, ec);
  fs::create_directories(temp_parent, ec);
  std::string pattern = (temp_parent / (prefix + "XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Status::Failed("cannot create a folder in " + temp_parent.string() + ": " + Errno());
  }
  const fs::path temp = pattern;
  auto discard = [&] { RemoveTreeBestEffort(temp); };
  if (chmod(temp.c_str(), 0755) != 0) {  // the layer's root folder, as every layer has it
    const int error = errno;
    discard();
    return Status::Failed("cannot set the mode of " + temp.string() + ": " + Errno(error));
  }
  Result<std::string> digest = ExtractLayer(blob, temp, limits, budget);
  if (!digest.ok()) {
    discard();
    return digest.status().Prefixed("cannot unpack layer " + std::string(diff_id) +
                                    " (nothing was kept): ");
  }
  if (*digest != diff_id) {
    discard();
    return Status::Failed("layer blob " + blob.string() + " unpacks to " + *digest +
                          " but the image config says its diff_id is " + std::string(diff_id) +
                          "; refusing it (nothing was kept)");
  }
  if (rename(temp.c_str(), target.c_str()) != 0) {
    int error = errno;
    discard();
    if (Has(diff_id)) return target;  // a writer that ignores locks got there first
    return Status::Failed("cannot move the unpacked layer to " + target.string() + ": " +
                          Errno(error));
  }
  SyncDir(layers_dir_);
  RecordStoreEntry(state_dir_, "layers", TreeDiskBytes(target));
  return target;
}

}  // namespace host::images
