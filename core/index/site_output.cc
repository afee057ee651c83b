#include "core/index/site_output.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "core/base/file_write.h"
#include "core/base/random_hex.h"

namespace host::index {

namespace fs = std::filesystem;

Result<std::string> Gzip(std::string_view bytes) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return Status::Failed("gzip: could not start the compressor (out of memory?)");
  }
  std::string out;
  out.resize(deflateBound(&stream, bytes.size()) + 32);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  const size_t written = stream.total_out;
  deflateEnd(&stream);
  if (result != Z_STREAM_END) return Status::Failed("gzip: compression did not finish");
  out.resize(written);
  return out;
}

namespace {

// Whether relative is a path of plain segments inside the site.
bool SafeRelative(std::string_view relative) {
  if (relative.empty() || relative.front() == '/' || relative.size() > 1024) return false;
  size_t start = 0;
  while (start <= relative.size()) {
    size_t end = relative.find('/', start);
    if (end == std::string_view::npos) end = relative.size();
    std::string_view segment = relative.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    for (char c : segment) {
      if (c == '\0' || c == '\\') return false;
    }
    start = end + 1;
  }
  return true;
}

// Whether folder (not a link) is empty or holds the site marker.
bool ReplaceableSite(const fs::path& folder) {
  std::error_code error;
  if (!fs::is_directory(fs::symlink_status(folder, error))) return false;
  if (fs::is_empty(folder, error) && !error) return true;
  return fs::is_regular_file(fs::symlink_status(folder / kSiteMarker, error));
}

}  // namespace

Result<SiteOutput> SiteOutput::Begin(const fs::path& target_in) {
  std::error_code error;
  fs::path target = fs::absolute(target_in, error).lexically_normal();
  if (error) return Status::Usage("site folder " + target_in.string() + ": " + error.message());
  if (!target.has_filename()) target = target.parent_path();
  if (target == target.root_path()) {
    return Status::Usage("site folder " + target.string() + ": refusing to replace a root folder");
  }
  fs::file_status status = fs::symlink_status(target, error);
  if (fs::exists(status)) {
    if (!fs::is_directory(status)) {
      return Status::Usage("site folder " + target.string() +
                           " exists and is not a folder; remove it or choose another folder");
    }
    const bool empty = fs::is_empty(target, error);
    if (error) return Status::Failed("site folder " + target.string() + ": " + error.message());
    if (!empty && !fs::exists(target / kSiteMarker, error)) {
      return Status::Usage("site folder " + target.string() + " is not empty and holds no " +
                           kSiteMarker +
                           " marker, so it is not a site written by host index; refusing to "
                           "replace it (choose an empty or new folder)");
    }
  }
  fs::create_directories(target.parent_path(), error);
  if (error) {
    return Status::Failed("site folder: could not create " + target.parent_path().string() + ": " +
                          error.message());
  }
  fs::path building =
      target.parent_path() / ("." + target.filename().string() + ".building-" + RandomHex(12));
  if (!fs::create_directory(building, error) || error) {
    return Status::Failed("site folder: could not create " + building.string() + ": " +
                          (error ? error.message() : "it already exists"));
  }
  return SiteOutput(target, building);
}

SiteOutput::SiteOutput(SiteOutput&& other) noexcept
    : target_(std::move(other.target_)),
      building_(std::move(other.building_)),
      files_(other.files_),
      committed_(other.committed_) {
  other.committed_ = true;  // the moved-from output owns no folder
}

SiteOutput::~SiteOutput() {
  if (committed_ || building_.empty()) return;
  std::error_code ignored;
  fs::remove_all(building_, ignored);
}

Status SiteOutput::Write(std::string_view relative, std::string_view content) {
  if (!SafeRelative(relative)) {
    return Status::Failed("site: refusing to write outside the site folder: " +
                          std::string(relative.substr(0, 200)));
  }
  const fs::path path = building_ / fs::path(std::string(relative));
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  if (error)
    return Status::Failed("site: could not create " + path.parent_path().string() + ": " +
                          error.message());
  if (Status s = CreateWholeFile(path, content); !s.ok()) return s;
  ++files_;
  if (content.size() < kGzipFromBytes) return Status();
  Result<std::string> compressed = Gzip(content);
  if (!compressed.ok()) return compressed.status();
  const fs::path gz = path.string() + ".gz";
  if (Status s = CreateWholeFile(gz, *compressed); !s.ok()) return s;
  struct stat original {};
  if (::stat(path.c_str(), &original) != 0) {
    return Status::Failed("site: could not stat " + path.string() + ": " + std::strerror(errno));
  }
  const struct timespec times[2] = {original.st_atim, original.st_mtim};
  if (::utimensat(AT_FDCWD, gz.c_str(), times, 0) != 0) {
    return Status::Failed("site: could not set the time of " + gz.string() + ": " +
                          std::strerror(errno));
  }
  return Status();
}

Status SiteOutput::Commit() {
  if (Status s = CreateWholeFile(building_ / kSiteMarker,
                                 "A site written by host index; the folder is replaced whole on "
                                 "every build.\n");
      !s.ok()) {
    return s;
  }
  if (::renameat2(AT_FDCWD, building_.c_str(), AT_FDCWD, target_.c_str(), RENAME_NOREPLACE) == 0) {
    committed_ = true;
    return Status();
  }
  if (errno != EEXIST) {
    return Status::Failed("site: could not move " + building_.string() + " to " + target_.string() +
                          ": " + std::strerror(errno));
  }
  // The target exists. Begin checked that it was empty or an earlier site, but a build takes a
  // while: check again, so that files put there since are never removed.
  if (!ReplaceableSite(target_)) {
    return Status::Usage("site folder " + target_.string() +
                         " has been filled with files that are not a site since the build began; "
                         "refusing to replace it (choose an empty or new folder)");
  }
  // Swap the two at once, so a server sees either the old site or the new one, then remove the
  // old one (unless it turns out, after all, not to be a site).
  if (::renameat2(AT_FDCWD, building_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) != 0) {
    return Status::Failed("site: could not swap " + building_.string() + " with " +
                          target_.string() + ": " + std::strerror(errno));
  }
  committed_ = true;
  if (!ReplaceableSite(building_)) {
    return Status::Failed(
        "site: the new site is in place, but the folder it replaced was not a "
        "site when swapped out; it was kept at " +
        building_.string());
  }
  std::error_code error;
  fs::remove_all(building_, error);
  if (error) {
    return Status::Failed(
        "site: the new site is in place but the old one could not be removed "
        "from " +
        building_.string() + ": " + error.message());
  }
  return Status();
}

}  // namespace host::index
