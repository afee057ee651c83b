// The one owner of a file descriptor in core/: closes it when dropped, moves but never copies.
#ifndef HOST_BASE_UNIQUE_FD_H_
#define HOST_BASE_UNIQUE_FD_H_

#include <unistd.h>

#include <utility>

namespace host {

// Owns a file descriptor (or none, -1) and closes it on destruction or reset. Closing there is
// best effort; a file whose last write must be known to reach the disk calls Close() and checks it.
class UniqueFd {
 public:
  UniqueFd() = default;
  // Takes ownership of fd; a negative fd (a failed open) means none.
  explicit UniqueFd(int fd) : fd_(fd < 0 ? -1 : fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  // The descriptor, still owned; -1 when there is none.
  int get() const { return fd_; }
  // True when a descriptor is owned.
  bool ok() const { return fd_ >= 0; }
  // Gives up ownership without closing and returns the descriptor.
  int release() { return std::exchange(fd_, -1); }
  // Closes the owned descriptor, ignoring errors, and owns fd instead.
  void reset(int fd = -1) {
    const int old = std::exchange(fd_, fd < 0 ? -1 : fd);
    if (old >= 0) ::close(old);
  }
  // Closes the owned descriptor and returns close()'s result (0, or -1 with errno set); 0 when
  // none is owned. For writes whose failure must be seen (NFS, quota and disk full report there).
  int Close() {
    const int old = std::exchange(fd_, -1);
    return old < 0 ? 0 : ::close(old);
  }

 private:
  int fd_ = -1;
};

}  // namespace host

#endif  // HOST_BASE_UNIQUE_FD_H_
