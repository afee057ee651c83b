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

Status WriteWholeFile(const std::filesystem::path& path, std::string_view bytes, mode_t mode,
                      Durability durability) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::Failed("cannot create " + path.string() + ": " + WriteErrorText(errno));
  }
  // Only a regular file is written (and removed on failure): never a device or a fifo.
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return Status::Failed("cannot write " + path.string() + ": it is not a regular file");
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
    unlink(path.c_str());  // best effort: the caller stores nothing under this name
    return Status::Failed("cannot write " + path.string() + ": " + WriteErrorText(error));
  }
  return {};
}

}  // namespace host
