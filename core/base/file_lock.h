// An exclusive advisory lock on a file, held for a scope; serializes threads and processes alike.
#ifndef HOST_BASE_FILE_LOCK_H_
#define HOST_BASE_FILE_LOCK_H_

#include <filesystem>
#include <optional>

#include "core/base/status.h"
#include "core/base/unique_fd.h"

namespace host {

// Holds flock(LOCK_EX) on a lock file until destroyed. Each FileLock opens the file itself, so two
// threads of one process exclude each other too.
class FileLock {
 public:
  // Creates the lock file (and its folder) if needed and waits for the lock.
  static Result<FileLock> Acquire(const std::filesystem::path& file);
  // Like Acquire, but does not wait: nullopt when someone else holds the lock.
  static Result<std::optional<FileLock>> TryAcquire(const std::filesystem::path& file);
  FileLock(FileLock&& other) noexcept = default;
  FileLock& operator=(FileLock&& other) noexcept = default;

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  UniqueFd fd_;  // closing it releases the lock
};

}  // namespace host

#endif  // HOST_BASE_FILE_LOCK_H_
