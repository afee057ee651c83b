#include "core/executor/process_watch.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/executor/oci_runtime.h"

namespace host {
namespace {

using Clock = std::chrono::steady_clock;

// How long streams may stay open after the process exited (a grandchild may still hold them).
constexpr std::chrono::seconds kDrainGrace{2};
constexpr size_t kChunk = 64 * 1024;

void SetNonBlocking(int fd) {
  if (fd >= 0) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// Writes without letting SIGPIPE end the process when the reader is gone (EPIPE is returned).
ssize_t WriteWithoutSigpipe(int fd, const char* data, size_t size) {
  sigset_t pipe_set;
  sigset_t old_mask;
  sigset_t pending;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
  sigpending(&pending);
  bool was_pending = sigismember(&pending, SIGPIPE);
  ssize_t n = write(fd, data, size);
  int error = errno;
  if (n < 0 && error == EPIPE && !was_pending) {
    struct timespec zero = {};
    sigtimedwait(&pipe_set, nullptr, &zero);
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  errno = error;
  return n;
}

int MillisecondsUntil(Clock::time_point when) {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(when - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 60 * 60 * 1000));
}

}  // namespace

ProcessWatcher::ProcessWatcher(pid_t pid, int stdin_fd, std::string input, int stdout_fd,
                               int stderr_fd)
    : pid_(pid),
      stdin_fd_(stdin_fd),
      input_(std::move(input)),
      stdout_fd_(stdout_fd),
      stderr_fd_(stderr_fd) {}

ProcessWatcher::~ProcessWatcher() {
  if (!exited_) {
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    WaitForExit(pid_);
  }
  CloseFd(stdin_fd_);
  CloseFd(stdout_fd_);
  CloseFd(stderr_fd_);
  CloseFd(pidfd_);
}

void ProcessWatcher::CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

Status ProcessWatcher::Open() {
  opened_ = true;
  // Not through <sys/pidfd.h>: glibc 2.36 declares it without C linkage for C++.
  pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd_ < 0) return Status::Failed(std::string("pidfd_open: ") + strerror(errno));
  SetNonBlocking(stdin_fd_);
  SetNonBlocking(stdout_fd_);
  SetNonBlocking(stderr_fd_);
  if (input_.empty()) CloseFd(stdin_fd_);
  return {};
}

bool ProcessWatcher::ReadInto(int& fd, std::string& sink) {
  char buffer[kChunk];
  ssize_t n = read(fd, buffer, sizeof buffer);
  if (n > 0) {
    sink.append(buffer, static_cast<size_t>(n));
    return true;
  }
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
  CloseFd(fd);
  return false;
}

void ProcessWatcher::WriteInput() {
  while (input_written_ < input_.size()) {
    size_t size = std::min(kChunk, input_.size() - input_written_);
    ssize_t n = WriteWithoutSigpipe(stdin_fd_, input_.data() + input_written_, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) break;  // the reader went away: the rest of the input is not wanted
    input_written_ += static_cast<size_t>(n);
  }
  CloseFd(stdin_fd_);
}

Result<WatchEnd> ProcessWatcher::Watch(std::optional<Clock::time_point> deadline,
                                       int interrupt_fd) {
  if (!opened_) {
    Status opened = Open();
    if (!opened.ok()) return opened;
  }
  for (;;) {
    if (exited_ && stdout_fd_ < 0 && stderr_fd_ < 0) return WatchEnd::kExited;
    if (exited_ && Clock::now() >= *drain_deadline_) {
      CloseFd(stdin_fd_);
      CloseFd(stdout_fd_);
      CloseFd(stderr_fd_);
      return WatchEnd::kExited;
    }
    if (!exited_ && deadline && Clock::now() >= *deadline) return WatchEnd::kDeadline;

    pollfd fds[5];
    nfds_t count = 0;
    auto add = [&](int fd, short events) -> int {
      if (fd < 0) return -1;
      fds[count] = pollfd{fd, events, 0};
      return static_cast<int>(count++);
    };
    int out_index = add(stdout_fd_, POLLIN);
    int err_index = add(stderr_fd_, POLLIN);
    int in_index = add(stdin_fd_, POLLOUT);
    int pid_index = exited_ ? -1 : add(pidfd_, POLLIN);
    int interrupt_index = exited_ ? -1 : add(interrupt_fd, POLLIN);

    int timeout = -1;
    if (exited_) {
      timeout = MillisecondsUntil(*drain_deadline_);
    } else if (deadline) {
      timeout = MillisecondsUntil(*deadline);
    }
    int ready = poll(fds, count, timeout);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return Status::Failed(std::string("poll: ") + strerror(errno));
    }
    if (interrupt_index >= 0 && fds[interrupt_index].revents != 0) return WatchEnd::kInterrupted;
    if (out_index >= 0 && fds[out_index].revents != 0) ReadInto(stdout_fd_, stdout_);
    if (err_index >= 0 && fds[err_index].revents != 0) ReadInto(stderr_fd_, stderr_);
    if (in_index >= 0 && fds[in_index].revents != 0) WriteInput();
    if (pid_index >= 0 && fds[pid_index].revents != 0) {
      int status = 0;
      pid_t reaped;
      do {
        reaped = waitpid(pid_, &status, WNOHANG);
      } while (reaped < 0 && errno == EINTR);
      if (reaped == pid_ || (reaped < 0 && errno == ECHILD)) {
        exited_ = true;
        exit_code_ = reaped != pid_      ? 128 + SIGKILL
                     : WIFEXITED(status) ? WEXITSTATUS(status)
                                         : 128 + WTERMSIG(status);
        drain_deadline_ = Clock::now() + kDrainGrace;
        CloseFd(stdin_fd_);
      }
    }
  }
}

}  // namespace host
