#include "core/containers/oci_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>
#include <vector>

#include "core/base/best_effort.h"
#include "core/base/unique_fd.h"
#include "core/images/digest.h"
#include "core/images/oci_manifest.h"

namespace host {
namespace fs = std::filesystem;
using nlohmann::json;
namespace {

constexpr char kConfigType[] = "application/vnd.oci.image.config.v1+json";
constexpr char kRefNameAnnotation[] = "org.opencontainers.image.ref.name";

std::string Errno() { return std::strerror(errno); }

// Removes the temporary layer blobs of an export when it is over.
struct TemporaryBlobs {
  std::vector<LayerBlob> blobs;
  ~TemporaryBlobs() {
    for (const auto& blob : blobs) {
      if (blob.temporary) RemoveBestEffort(blob.path);
    }
  }
};

// Checks that path can be the archive: a file name in an existing folder.
Status CheckTarget(const fs::path& path) {
  if (path.empty() || !path.has_filename()) {
    return Status::Usage("export needs the path of a file to write, got '" + path.string() + "'");
  }
  fs::path folder = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    return Status::Usage("cannot export to " + path.string() + ": the folder " + folder.string() +
                         " does not exist");
  }
  if (fs::is_directory(path, ec)) {
    return Status::Usage("cannot export to " + path.string() +
                         ": it is a folder; give the path of the tar file to write");
  }
  return {};
}

json DescriptorJson(const char* media_type, const std::string& digest, uint64_t size) {
  return {{"mediaType", media_type}, {"digest", digest}, {"size", size}};
}

// The image config: how to run the image, and the diff_ids of its layers.
std::string ConfigJson(const ImageExport& spec, const std::vector<LayerBlob>& layers) {
  json run = json::object();
  if (!spec.env.empty()) run["Env"] = spec.env;
  if (!spec.entrypoint.empty()) run["Entrypoint"] = spec.entrypoint;
  if (!spec.cmd.empty()) run["Cmd"] = spec.cmd;
  if (!spec.working_dir.empty()) run["WorkingDir"] = spec.working_dir;
  if (!spec.user.empty()) run["User"] = spec.user;
  json diff_ids = json::array();
  for (const auto& layer : layers) diff_ids.push_back(layer.diff_id);
  images::Platform platform;  // the platform the image store pulls
  json config = {{"architecture", platform.architecture},
                 {"os", platform.os},
                 {"config", run},
                 {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}};
  if (!platform.variant.empty()) config["variant"] = platform.variant;
  return config.dump();
}

// A file written beside its final path and renamed into place by Commit; removed when destroyed
// uncommitted.
class AtomicFile {
 public:
  static Result<AtomicFile> Create(const fs::path& target) {
    fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::string temp = (folder / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
    int fd = mkostemp(temp.data(), O_CLOEXEC);
    if (fd < 0)
      return Status::Failed("cannot create a file in " + folder.string() + ": " + Errno());
    fchmod(fd, 0644);
    return AtomicFile(fd, temp, target);
  }
  AtomicFile(AtomicFile&& other) noexcept
      : fd_(std::move(other.fd_)),
        temp_(std::move(other.temp_)),
        target_(std::move(other.target_)) {
    other.temp_.clear();
  }
  AtomicFile& operator=(AtomicFile&&) = delete;
  ~AtomicFile() {
    fd_.reset();
    if (!temp_.empty()) unlink(temp_.c_str());
  }

  int fd() const { return fd_.get(); }

  // Syncs the file and renames it to the target.
  Status Commit() {
    if (fsync(fd_.get()) != 0 || fd_.Close() != 0) {
      return Status::Failed("cannot write " + temp_.string() + ": " + Errno());
    }
    if (rename(temp_.c_str(), target_.c_str()) != 0) {
      return Status::Failed("cannot rename " + temp_.string() + " to " + target_.string() + ": " +
                            Errno());
    }
    temp_.clear();
    return {};
  }

 private:
  AtomicFile(int fd, fs::path temp, fs::path target)
      : fd_(fd), temp_(std::move(temp)), target_(std::move(target)) {}
  UniqueFd fd_;
  fs::path temp_;
  fs::path target_;
};

// Writes the entries of the layout tar: folders and files owned by root, dated 1970, so that the
// same image gives the same bytes.
class LayoutTar {
 public:
  LayoutTar() : archive_(archive_write_new()) {}
  LayoutTar(const LayoutTar&) = delete;
  LayoutTar& operator=(const LayoutTar&) = delete;
  ~LayoutTar() {
    if (archive_ != nullptr) archive_write_free(archive_);
  }

  Status Open(int fd) {
    if (archive_ == nullptr || archive_write_set_format_pax_restricted(archive_) != ARCHIVE_OK ||
        archive_write_open_fd(archive_, fd) != ARCHIVE_OK) {
      return Error("cannot start the tar");
    }
    return {};
  }

  Status Folder(const std::string& name) { return Header(name, AE_IFDIR, 0755, 0); }

  Status Bytes(const std::string& name, const std::string& bytes) {
    if (Status s = Header(name, AE_IFREG, 0644, bytes.size()); !s.ok()) return s;
    if (archive_write_data(archive_, bytes.data(), bytes.size()) < 0) return Error("cannot write");
    return {};
  }

  Status File(const std::string& name, const fs::path& path, uint64_t size) {
    UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.ok()) return Status::Failed("cannot read " + path.string() + ": " + Errno());
    Status status = Header(name, AE_IFREG, 0644, size);
    std::vector<char> buffer(size_t{1} << 16);
    for (uint64_t left = size; status.ok() && left > 0;) {
      ssize_t n = read(fd.get(), buffer.data(), std::min<uint64_t>(buffer.size(), left));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        status = Status::Failed("cannot read " + path.string() + ": " +
                                (n < 0 ? Errno() : std::string("it is shorter than expected")));
      } else if (archive_write_data(archive_, buffer.data(), static_cast<size_t>(n)) < 0) {
        status = Error("cannot write");
      } else {
        left -= static_cast<uint64_t>(n);
      }
    }
    return status;
  }

  Status Close() {
    if (archive_write_close(archive_) != ARCHIVE_OK) return Error("cannot finish the tar");
    return {};
  }

 private:
  Status Header(const std::string& name, unsigned type, unsigned mode, uint64_t size) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, name.c_str());
    archive_entry_set_filetype(entry, type);
    archive_entry_set_perm(entry, mode);
    archive_entry_set_size(entry, static_cast<la_int64_t>(size));
    archive_entry_set_mtime(entry, 0, 0);
    int result = archive_write_header(archive_, entry);
    archive_entry_free(entry);
    return result == ARCHIVE_OK ? Status() : Error("cannot write " + name + " into");
  }

  Status Error(const std::string& what) const {
    const char* text = archive_ != nullptr ? archive_error_string(archive_) : nullptr;
    return Status::Failed(what + " the image tar: " + (text ? text : "out of memory"));
  }

  archive* archive_;
};

}  // namespace

Result<std::string> WriteOciArchive(const ImageExport& spec, const fs::path& temp_dir,
                                    const OriginalLayerBlob& original) {
  if (Status s = CheckTarget(spec.path); !s.ok()) return s;
  TemporaryBlobs layers;
  for (const auto& folder : spec.layers) {
    std::optional<LayerBlob> blob = original ? original(folder) : std::nullopt;
    if (!blob) {
      Result<LayerBlob> compressed = CompressLayerFolder(folder, temp_dir);
      if (!compressed.ok()) return compressed.status();
      blob = std::move(*compressed);
    }
    layers.blobs.push_back(std::move(*blob));
  }
  const std::string config = ConfigJson(spec, layers.blobs);
  const std::string config_digest = images::DigestOf(config);
  json layer_list = json::array();
  for (const auto& layer : layers.blobs) {
    layer_list.push_back(DescriptorJson(kOciGzipLayerType, layer.digest, layer.size));
  }
  const std::string manifest = json{
      {"schemaVersion", 2},
      {"mediaType", images::kOciManifestType},
      {"config", DescriptorJson(kConfigType, config_digest, config.size())},
      {"layers", layer_list}}.dump();
  const std::string manifest_digest = images::DigestOf(manifest);
  json entry = DescriptorJson(images::kOciManifestType, manifest_digest, manifest.size());
  entry["annotations"] = {{kRefNameAnnotation, spec.ref_name}};
  const std::string index = json{
      {"schemaVersion", 2},
      {"mediaType", images::kOciIndexType},
      {"manifests",
       json::array({entry})}}.dump();

  Result<AtomicFile> file = AtomicFile::Create(spec.path);
  if (!file.ok()) return file.status();
  LayoutTar tar;
  Status status = tar.Open(file->fd());
  for (const auto& [name, bytes] :
       {std::pair<std::string, std::string>{"oci-layout", R"({"imageLayoutVersion":"1.0.0"})"},
        {"index.json", index}}) {
    if (status.ok()) status = tar.Bytes(name, bytes);
  }
  if (status.ok()) status = tar.Folder("blobs");
  if (status.ok()) status = tar.Folder("blobs/sha256");
  auto blob_name = [](const std::string& digest) {
    return "blobs/sha256/" + images::DigestHex(digest);
  };
  if (status.ok()) status = tar.Bytes(blob_name(manifest_digest), manifest);
  if (status.ok()) status = tar.Bytes(blob_name(config_digest), config);
  std::set<std::string> written;  // equal layers (empty ones, say) are stored once
  for (const auto& layer : layers.blobs) {
    if (!status.ok()) break;
    if (written.insert(layer.digest).second) {
      status = tar.File(blob_name(layer.digest), layer.path, layer.size);
    }
  }
  if (status.ok()) status = tar.Close();
  if (status.ok()) status = file->Commit();
  if (!status.ok()) return status;
  return manifest_digest;
}

}  // namespace host
