// One way to start a program in core/: fork and exec with a close-on-exec error pipe, so that a
// program that cannot run is an error naming it, and with only the descriptors asked for.
#ifndef HOST_BASE_SUBPROCESS_H_
#define HOST_BASE_SUBPROCESS_H_

#include <sys/types.h>

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/status.h"
#include "core/base/unique_fd.h"

namespace host {

// What one of a child's standard streams is: the parent's own, /dev/null, a pipe to the parent,
// or a descriptor of the caller's (which stays the caller's).
class ChildStream {
 public:
  // The parent's stream, as it is.
  static ChildStream Inherit() { return ChildStream(kInherit, -1); }
  // /dev/null.
  static ChildStream Null() { return ChildStream(kNull, -1); }
  // A pipe whose other end the parent gets (Subprocess::stdin_pipe() and so on).
  static ChildStream Pipe() { return ChildStream(kPipe, -1); }
  // The caller's descriptor fd; -1 stands for /dev/null.
  static ChildStream Fd(int fd) { return fd < 0 ? Null() : ChildStream(kFd, fd); }

  enum Kind { kInherit, kNull, kPipe, kFd };
  Kind kind() const { return kind_; }
  int fd() const { return fd_; }

 private:
  ChildStream(Kind kind, int fd) : kind_(kind), fd_(fd) {}
  Kind kind_;
  int fd_;
};

// Runs in the child after fork, before exec; must use async-signal-safe calls only. Returns
// nullptr, or the step that failed ("creating a mount namespace") with errno set.
using BeforeExec = const char* (*)(void* arg);

// What to run and how.
struct SubprocessSpec {
  std::vector<std::string> argv;  // argv[0] names the program in errors
  // The file to execute; empty: argv[0]. Without a '/' it is searched for on PATH.
  std::string program;
  // The environment ("NAME=value"); nullopt: the parent's.
  std::optional<std::vector<std::string>> env;
  std::filesystem::path dir;  // the working folder; empty: the parent's
  std::array<ChildStream, 3> stdio = {ChildStream::Inherit(), ChildStream::Inherit(),
                                      ChildStream::Inherit()};
  // More descriptors the child gets: {number in the child, caller's descriptor}. Every other
  // descriptor above 2 is closed on exec, whether or not it was opened with O_CLOEXEC.
  std::vector<std::pair<int, int>> pass_fds;
  bool own_process_group = false;  // setpgid(0, 0): a terminal's Ctrl-C does not reach it
  // The signal the child gets when the thread that started it ends (PR_SET_PDEATHSIG); 0: none.
  int parent_death_signal = 0;
  bool default_signals = false;  // every signal handled by default and none blocked
  BeforeExec before_exec = nullptr;
  void* before_exec_arg = nullptr;
};

// How a process ended.
struct ExitStatus {
  int code = -1;   // its exit code; -1 when a signal ended it
  int signal = 0;  // the signal that ended it; 0 when it exited

  bool success() const { return code == 0; }
  // The exit code, or 128+N when signal N ended it (what a shell reports).
  int ShellCode() const { return signal != 0 ? 128 + signal : code; }
  // "exited with code N" or "was killed by signal N (NAME)".
  std::string Text() const;
};

// Reaps pid (retrying on EINTR) and says how it ended; a pid that cannot be waited for counts as
// killed by SIGKILL.
ExitStatus WaitForProcess(pid_t pid);

// A started child process. It must be waited for (Wait) or handed over (release_pid).
class Subprocess {
 public:
  // Forks and executes spec. Fails, naming the program, when the pipe or fork fails or the child
  // cannot run it: "cannot run 'prog': No such file or directory". *child_failed (when given)
  // tells the two apart: true when the child could not run the program.
  static Result<Subprocess> Start(const SubprocessSpec& spec, bool* child_failed = nullptr);

  Subprocess(Subprocess&& other) noexcept = default;
  Subprocess& operator=(Subprocess&& other) noexcept = default;

  pid_t pid() const { return pid_; }
  // The parent's ends of the pipes asked for with ChildStream::Pipe() (not ok() otherwise).
  UniqueFd& stdin_pipe() { return pipes_[0]; }
  UniqueFd& stdout_pipe() { return pipes_[1]; }
  UniqueFd& stderr_pipe() { return pipes_[2]; }
  // Reaps the process.
  ExitStatus Wait();
  // Gives up the duty to reap the process and returns its pid.
  pid_t release_pid() { return std::exchange(pid_, -1); }

 private:
  Subprocess() = default;
  pid_t pid_ = -1;
  std::array<UniqueFd, 3> pipes_;
};

// What RunSubprocess saw.
struct SubprocessOutput {
  ExitStatus exit;
  std::string out;  // stdout, when it was a pipe
  std::string err;  // stderr, when it was a pipe
};

// Starts spec, writes stdin_bytes to its stdin when that is a pipe (then closes it), reads its
// stdout and stderr when they are pipes, and waits for it to end.
Result<SubprocessOutput> RunSubprocess(const SubprocessSpec& spec,
                                       std::string_view stdin_bytes = {});

}  // namespace host

#endif  // HOST_BASE_SUBPROCESS_H_
