#include "core/base/file_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace host {

std::string WriteErrorText(int error) {
  std::string text = std::strerror(error);
  if (error == ENOSPC || error == EDQUOT) {
    text +=
        " (free space in the state folder, or set cache_size in host's config.json so that "
        "its stores stay smaller; nothing was stored)";
  }
  return text;
}

Status CreateWholeFile(const std::filesystem::path& path, std::string_view bytes, mode_t mode,
                       Durability durability, std::string_view shown) {
  const std::string name = shown.empty() ? path.string() : std::string(shown);
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int error = errno;
    return Status::Failed("cannot create " + name + ": " + WriteErrorText(error) +
                          (error == ENAMETOOLONG ? " (a name has at most 255 bytes)" : ""));
  }
  int error = 0;
  for (size_t done = 0; done < bytes.size() && error == 0;) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) error = errno;
    if (n == 0) error = ENOSPC;  // a regular file takes no bytes only when there is no room
    if (n > 0) done += static_cast<size_t>(n);
  }
  if (error == 0 && fchmod(fd, mode & 07777) != 0) error = errno;
  if (error == 0 && durability == Durability::kSynced && fsync(fd) != 0) error = errno;
  // close() can report a failed write-back (NFS, quotas): then the bytes are not all there.
  if (close(fd) != 0 && error == 0 && errno != EINTR) error = errno;
  if (error != 0) {
    unlink(path.c_str());  // the file this call made: nothing is stored under its name
    return Status::Failed("cannot write " + name + ": " + WriteErrorText(error));
  }
  return {};
}

Status WriteWholeFile(const std::filesystem::path& path, std::string_view bytes, mode_t mode,
                      Durability durability) {
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    // Only a regular file is replaced: never a symlink (or what it leads to), device or fifo.
    if (!S_ISREG(st.st_mode)) {
      return Status::Failed("cannot write " + path.string() + ": it is not a regular file");
    }
    // Removed, not truncated: a file hard-linked into a store is never written through.
    if (unlink(path.c_str()) != 0 && errno != ENOENT) {
      return Status::Failed("cannot replace " + path.string() + ": " + WriteErrorText(errno));
    }
  }
  return CreateWholeFile(path, bytes, mode, durability);
}

}  // namespace host
