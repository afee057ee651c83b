// Watching a child process: feeding its stdin and collecting its stdout and stderr concurrently
// (no deadlock on large outputs) until it exits, a deadline passes or an interrupt arrives.
#ifndef HOST_EXECUTOR_PROCESS_WATCH_H_
#define HOST_EXECUTOR_PROCESS_WATCH_H_

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

#include "core/base/status.h"

namespace host {

// Why a call to ProcessWatcher::Watch returned.
enum class WatchEnd {
  kExited,       // the process exited and was reaped; its streams are drained
  kDeadline,     // the deadline passed first
  kInterrupted,  // the interrupt descriptor became readable first
};

// One child process and its pipes. The watcher owns the pipe ends; if the process still runs when
// the watcher goes, its process group is killed and it is reaped.
class ProcessWatcher {
 public:
  // Watches pid. stdin_fd (or -1) receives input; stdout_fd and stderr_fd are read.
  ProcessWatcher(pid_t pid, int stdin_fd, std::string input, int stdout_fd, int stderr_fd);
  ~ProcessWatcher();
  ProcessWatcher(const ProcessWatcher&) = delete;
  ProcessWatcher& operator=(const ProcessWatcher&) = delete;

  // Moves data until the process exits and its streams close, the deadline passes or interrupt_fd
  // (or -1) polls readable. May be called again after kDeadline or kInterrupted.
  Result<WatchEnd> Watch(std::optional<std::chrono::steady_clock::time_point> deadline,
                         int interrupt_fd);

  // Whether the process has been reaped.
  bool exited() const { return exited_; }
  // The exit code once exited: the code, or 128+N when signal N ended it.
  int exit_code() const { return exit_code_; }
  // What the process wrote to stdout so far.
  std::string& stdout_bytes() { return stdout_; }
  // What the process wrote to stderr so far.
  std::string& stderr_bytes() { return stderr_; }

 private:
  Status Open();
  bool ReadInto(int& fd, std::string& sink);
  void WriteInput();
  void CloseFd(int& fd);

  pid_t pid_;
  int pidfd_ = -1;
  int stdin_fd_;
  std::string input_;
  size_t input_written_ = 0;
  int stdout_fd_;
  int stderr_fd_;
  bool opened_ = false;
  bool exited_ = false;
  int exit_code_ = -1;
  std::optional<std::chrono::steady_clock::time_point> drain_deadline_;
  std::string stdout_;
  std::string stderr_;
};

}  // namespace host

#endif  // HOST_EXECUTOR_PROCESS_WATCH_H_
