#include "core/executor/layer_export.h"

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
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/base/unique_fd.h"
#include "core/base/whiteout.h"

namespace host {
namespace fs = std::filesystem;

namespace {

constexpr const char* kOverlayPrefix = "trusted.overlay.";

std::string ErrnoText(const std::string& what) { return what + ": " + strerror(errno); }

std::string ArchiveError(archive* a) {
  const char* text = archive_error_string(a);
  return text ? text : "unknown libarchive error";
}

// Extended attributes of path by name, sorted.
Result<std::vector<std::pair<std::string, std::string>>> ReadXattrs(const fs::path& path) {
  std::vector<std::pair<std::string, std::string>> xattrs;
  ssize_t size = llistxattr(path.c_str(), nullptr, 0);
  if (size < 0) {
    if (errno == ENOTSUP) return xattrs;
    return Status::Failed(ErrnoText("cannot list the attributes of " + path.string()));
  }
  std::string names(static_cast<size_t>(size), '\0');
  size = llistxattr(path.c_str(), names.data(), names.size());
  if (size < 0) return Status::Failed(ErrnoText("cannot list the attributes of " + path.string()));
  names.resize(static_cast<size_t>(size));
  for (size_t begin = 0; begin < names.size();) {
    std::string name = names.c_str() + begin;
    begin += name.size() + 1;
    if (name.empty()) continue;
    ssize_t length = lgetxattr(path.c_str(), name.c_str(), nullptr, 0);
    if (length < 0) continue;
    std::string value(static_cast<size_t>(length), '\0');
    length = lgetxattr(path.c_str(), name.c_str(), value.data(), value.size());
    if (length < 0) continue;
    value.resize(static_cast<size_t>(length));
    xattrs.emplace_back(std::move(name), std::move(value));
  }
  std::sort(xattrs.begin(), xattrs.end());
  return xattrs;
}

// Writes one upper folder's tree into an archive.
class LayerWriter {
 public:
  LayerWriter(archive* out, const LayerExportOptions& options) : out_(out), options_(options) {}

  // Writes everything below folder (path in the archive: prefix), sorted by the names the entries
  // get in the archive; an opaque folder's marker is one of them.
  Status WriteFolder(const fs::path& folder, const std::string& prefix, bool opaque,
                     const struct stat& folder_st) {
    DIR* dir = opendir(folder.c_str());
    if (dir == nullptr) return Status::Failed(ErrnoText("cannot read " + folder.string()));
    std::vector<Child> children;
    while (dirent* entry = readdir(dir)) {
      std::string name = entry->d_name;
      if (name == "." || name == "..") continue;
      Child child{name, folder / name, {}};
      if (lstat(child.path.c_str(), &child.st) != 0) {
        closedir(dir);
        return Status::Failed(ErrnoText("cannot stat " + child.path.string()));
      }
      if (S_ISSOCK(child.st.st_mode)) continue;
      if (IsWhiteoutName(name)) {
        closedir(dir);
        return Status::Failed("cannot export " + child.path.string() +
                              ": its name is reserved for whiteouts in OCI layers");
      }
      if (IsOverlayWhiteout(child.st)) child.name_in_tar = WhiteoutName(name);
      children.push_back(std::move(child));
    }
    closedir(dir);
    if (opaque) children.push_back(Child{kOpaqueMarker, {}, folder_st});
    std::sort(children.begin(), children.end(),
              [](const Child& a, const Child& b) { return a.name_in_tar < b.name_in_tar; });
    for (const auto& child : children) {
      Status written = child.path.empty() || IsOverlayWhiteout(child.st)
                           ? WriteMarker(prefix + child.name_in_tar, child.st)
                           : WriteEntry(child.path, prefix + child.name_in_tar, child.st);
      if (!written.ok()) return written;
    }
    return {};
  }

 private:
  // A folder entry: its name in the archive, its path (empty for an opaque marker), its stat.
  struct Child {
    std::string name_in_tar;
    fs::path path;
    struct stat st;
  };

  Status WriteEntry(const fs::path& path, const std::string& name_in_tar, const struct stat& st) {
    Result<std::vector<std::pair<std::string, std::string>>> xattrs = ReadXattrs(path);
    if (!xattrs.ok()) return xattrs.status();
    bool opaque = false;
    archive_entry* entry = archive_entry_new();
    for (const auto& [key, value] : *xattrs) {
      if (key.rfind(kOverlayPrefix, 0) != 0) {
        archive_entry_xattr_add_entry(entry, key.c_str(), value.data(), value.size());
        continue;
      }
      std::string what = key.substr(strlen(kOverlayPrefix));
      if (what == "opaque" && value == "y") opaque = true;
      if (what == "redirect" || what == "metacopy") {
        archive_entry_free(entry);
        return Status::Failed("cannot export " + path.string() + ": it has an overlay " + what +
                              ", which OCI layers cannot express");
      }
    }
    archive_entry_set_pathname(entry, name_in_tar.c_str());
    FillCommon(entry, st);
    UniqueFd fd;
    if (S_ISDIR(st.st_mode)) {
      archive_entry_set_filetype(entry, AE_IFDIR);
    } else if (S_ISLNK(st.st_mode)) {
      std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
      ssize_t n = readlink(path.c_str(), target.data(), target.size());
      if (n < 0) {
        archive_entry_free(entry);
        return Status::Failed(ErrnoText("cannot read the link " + path.string()));
      }
      target.resize(static_cast<size_t>(n));
      archive_entry_set_filetype(entry, AE_IFLNK);
      archive_entry_set_symlink(entry, target.c_str());
    } else if (S_ISREG(st.st_mode)) {
      archive_entry_set_filetype(entry, AE_IFREG);
      auto key = std::make_pair(st.st_dev, st.st_ino);
      auto seen = st.st_nlink > 1 ? links_.find(key) : links_.end();
      if (seen != links_.end()) {
        archive_entry_set_hardlink(entry, seen->second.c_str());
        archive_entry_set_size(entry, 0);
      } else {
        if (st.st_nlink > 1) links_.emplace(key, name_in_tar);
        archive_entry_set_size(entry, st.st_size);
        fd.reset(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        if (!fd.ok()) {
          archive_entry_free(entry);
          return Status::Failed(ErrnoText("cannot open " + path.string()));
        }
      }
    } else {
      archive_entry_set_filetype(entry, S_ISCHR(st.st_mode)   ? AE_IFCHR
                                        : S_ISBLK(st.st_mode) ? AE_IFBLK
                                                              : AE_IFIFO);
      archive_entry_set_rdev(entry, st.st_rdev);
    }
    Status written = WriteHeader(entry);
    archive_entry_free(entry);
    if (written.ok() && fd.ok()) {
      written = CopyData(fd.get(), path, static_cast<size_t>(st.st_size));
    }
    fd.reset();
    if (!written.ok()) return written;
    if (!S_ISDIR(st.st_mode)) return {};
    return WriteFolder(path, name_in_tar + "/", opaque, st);
  }

  void FillCommon(archive_entry* entry, const struct stat& st) {
    archive_entry_set_perm(entry, st.st_mode & 07777);
    archive_entry_set_uid(entry, st.st_uid);
    archive_entry_set_gid(entry, st.st_gid);
    archive_entry_set_mtime(entry, options_.zero_mtime ? 0 : st.st_mtim.tv_sec, 0);
  }

  // An empty regular file that marks a deletion or an opaque folder.
  Status WriteMarker(const std::string& name_in_tar, const struct stat& like) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, name_in_tar.c_str());
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0);
    archive_entry_set_uid(entry, 0);
    archive_entry_set_gid(entry, 0);
    archive_entry_set_mtime(entry, options_.zero_mtime ? 0 : like.st_mtim.tv_sec, 0);
    archive_entry_set_size(entry, 0);
    Status written = WriteHeader(entry);
    archive_entry_free(entry);
    return written;
  }

  Status WriteHeader(archive_entry* entry) {
    if (archive_write_header(out_, entry) != ARCHIVE_OK) {
      return Status::Failed(std::string("cannot write the layer tar: ") + ArchiveError(out_));
    }
    return {};
  }

  Status CopyData(int fd, const fs::path& path, size_t size) {
    std::vector<char> buffer(1 << 16);
    size_t left = size;
    while (left > 0) {
      ssize_t n = read(fd, buffer.data(), std::min(buffer.size(), left));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status::Failed(ErrnoText("cannot read " + path.string()));
      if (n == 0) return Status::Failed(path.string() + " shrank while it was exported");
      if (archive_write_data(out_, buffer.data(), static_cast<size_t>(n)) < 0) {
        return Status::Failed(std::string("cannot write the layer tar: ") + ArchiveError(out_));
      }
      left -= static_cast<size_t>(n);
    }
    return {};
  }

  archive* out_;
  LayerExportOptions options_;
  std::map<std::pair<dev_t, ino_t>, std::string> links_;
};

// Writes the layer tar of upper_dir into an archive that open() points at its output.
Status WriteLayer(const fs::path& upper_dir, const LayerExportOptions& options,
                  const std::function<int(archive*)>& open, const Status* sink_error) {
  struct stat st;
  if (stat(upper_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::Usage("layer folder " + upper_dir.string() + " does not exist");
  }
  archive* out = archive_write_new();
  if (out == nullptr) return Status::Failed("cannot create a tar writer");
  Status status;
  if (archive_write_set_format_pax_restricted(out) != ARCHIVE_OK || open(out) != ARCHIVE_OK) {
    status = Status::Failed(std::string("cannot start the layer tar: ") + ArchiveError(out));
  } else {
    status = LayerWriter(out, options).WriteFolder(upper_dir, "", false, st);
    if (archive_write_close(out) != ARCHIVE_OK && status.ok()) {
      status = Status::Failed(std::string("cannot finish the layer tar: ") + ArchiveError(out));
    }
  }
  archive_write_free(out);
  // The sink's own error says more than libarchive's report of it.
  if (!status.ok() && sink_error != nullptr && !sink_error->ok()) return *sink_error;
  return status;
}

// Hands what libarchive writes to a LayerSink, keeping the sink's first error.
struct SinkClient {
  const LayerSink* sink;
  Status error;
};

la_ssize_t WriteToSink(archive* out, void* client, const void* data, size_t size) {
  auto* sink = static_cast<SinkClient*>(client);
  if (sink->error.ok()) sink->error = (*sink->sink)(data, size);
  if (!sink->error.ok()) {
    archive_set_error(out, EIO, "%s", sink->error.message().c_str());
    return -1;
  }
  return static_cast<la_ssize_t>(size);
}

}  // namespace

Status ExportLayer(const fs::path& upper_dir, int out_fd, const LayerExportOptions& options) {
  return WriteLayer(
      upper_dir, options, [out_fd](archive* out) { return archive_write_open_fd(out, out_fd); },
      nullptr);
}

Status ExportLayerToSink(const fs::path& upper_dir, const LayerSink& sink,
                         const LayerExportOptions& options) {
  SinkClient client{&sink, {}};
  return WriteLayer(
      upper_dir, options,
      [&client](archive* out) {
        return archive_write_open(out, &client, nullptr, &WriteToSink, nullptr);
      },
      &client.error);
}

Status ExportLayerToFile(const fs::path& upper_dir, const fs::path& tar_path,
                         const LayerExportOptions& options) {
  UniqueFd fd(open(tar_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.ok()) return Status::Failed(ErrnoText("cannot create " + tar_path.string()));
  Status status = ExportLayer(upper_dir, fd.get(), options);
  if (fd.Close() != 0 && status.ok())
    status = Status::Failed(ErrnoText("cannot write " + tar_path.string()));
  return status;
}

}  // namespace host
