#include "core/types/host_paths.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/base/file_write.h"
#include "core/base/unique_fd.h"
#include "core/types/snapshot_store.h"

namespace host {

Result<std::filesystem::path> AbsoluteHostPath(const std::string& path,
                                               const std::string& missing) {
  if (path.empty()) return Status::Usage(missing);
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(path, ec).lexically_normal();
  if (ec) return Status::Usage("cannot use the host path " + path + ": " + ec.message());
  return absolute;
}

Status ExportFile(const std::filesystem::path& file, const std::filesystem::path& to) {
  std::error_code ec;
  struct stat there {};
  if (lstat(to.c_str(), &there) == 0 && S_ISDIR(there.st_mode)) {
    return Status::Usage("cannot export to " + to.string() +
                         ": it is a folder; give the path of the file to write");
  }
  if (to.has_parent_path()) std::filesystem::create_directories(to.parent_path(), ec);
  std::string tmp = (to.parent_path() / ("." + to.filename().string() + ".tmp-XXXXXX")).string();
  UniqueFd out(mkstemp(tmp.data()));
  if (!out.ok()) {
    return Status::Failed("cannot write " + to.string() + ": " + std::strerror(errno));
  }
  Status copied = CopyBytes(file, out.get());
  struct stat st {};
  if (copied.ok() &&
      (lstat(file.c_str(), &st) != 0 || fchmod(out.get(), st.st_mode & 01777) != 0)) {
    copied = Status::Failed("cannot write " + to.string() + ": " + std::strerror(errno));
  }
  if (out.Close() != 0 && copied.ok()) {
    copied = Status::Failed("cannot write " + to.string() + ": " + std::strerror(errno));
  }
  if (copied.ok() && rename(tmp.c_str(), to.c_str()) != 0) {
    copied = Status::Failed("cannot write " + to.string() + ": " + std::strerror(errno));
  }
  if (!copied.ok()) unlink(tmp.c_str());
  return copied;
}

Status WriteNewFile(const std::filesystem::path& file, const std::string& contents, mode_t mode,
                    const std::string& shown) {
  return CreateWholeFile(file, contents, mode & 07777, Durability::kPageCache, "the file " + shown);
}

}  // namespace host
