#include "core/base/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/base/unique_fd.h"

namespace host {

namespace {

// Opens (creating it and its folder) a lock file and locks it; *busy when wait is false and
// someone else holds it.
Result<int> Lock(const std::filesystem::path& file, bool wait, bool* busy) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  // A link planted where a lock file goes (in a module's build folder, say) is never followed.
  UniqueFd fd(open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd.ok()) {
    const int error = errno;
    return Status::Failed("cannot open lock file " + file.string() + ": " +
                          (error == ELOOP ? std::string("it is a symbolic link; remove it")
                                          : std::string(std::strerror(error))));
  }
  while (flock(fd.get(), LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
    if (errno == EINTR) continue;
    int error = errno;
    fd.reset();
    if (error == EWOULDBLOCK && !wait) {
      *busy = true;
      return -1;
    }
    return Status::Failed("cannot lock " + file.string() + ": " + std::strerror(error));
  }
  return fd.release();
}

}  // namespace

Result<FileLock> FileLock::Acquire(const std::filesystem::path& file) {
  bool busy = false;
  Result<int> fd = Lock(file, true, &busy);
  if (!fd.ok()) return fd.status();
  return FileLock(*fd);
}

Result<std::optional<FileLock>> FileLock::TryAcquire(const std::filesystem::path& file) {
  bool busy = false;
  Result<int> fd = Lock(file, false, &busy);
  if (!fd.ok()) return fd.status();
  if (busy) return std::optional<FileLock>();
  return std::optional<FileLock>(FileLock(*fd));
}

}  // namespace host
