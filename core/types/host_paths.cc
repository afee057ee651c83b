#include "core/types/host_paths.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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
  int out = mkstemp(tmp.data());
  if (out < 0) return Status::Failed("cannot write " + to.string() + ": " + std::strerror(errno));
  Status copied = CopyBytes(file, out);
  struct stat st {};
  if (copied.ok() && (lstat(file.c_str(), &st) != 0 || fchmod(out, st.st_mode & 01777) != 0)) {
    copied = Status::Failed("cannot write " + to.string() + ": " + std::strerror(errno));
  }
  if (close(out) != 0 && copied.ok()) {
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
  int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  bool written = fd >= 0;
  int error = written ? 0 : errno;
  size_t done = 0;
  while (written && done < contents.size()) {
    ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    written = n > 0;
    if (written) done += static_cast<size_t>(n);
    if (n < 0) error = errno;
    if (n == 0) error = ENOSPC;
  }
  if (written && fchmod(fd, mode & 07777) != 0) {
    written = false;
    error = errno;
  }
  if (fd >= 0 && close(fd) != 0 && written) {
    written = false;
    error = errno;
  }
  if (!written) {
    if (fd >= 0) unlink(file.c_str());  // nothing half-written is left to be stored
    return Status::Failed("cannot write the file " + shown + ": " + std::strerror(error) +
                          (error == ENAMETOOLONG ? " (a name has at most 255 bytes)" : "") +
                          (error == ENOSPC ? "; free space in the state folder" : ""));
  }
  return {};
}

}  // namespace host
