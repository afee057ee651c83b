#include "core/base/subprocess.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

extern char** environ;

namespace host {
namespace {

// Where in the child a start failed, sent to the parent through the close-on-exec error pipe. The
// stage points to a string literal, which sits at the same address in the forked child.
struct ChildFailure {
  const char* stage;  // nullptr: executing the program
  int error;          // errno
};

// Everything the child needs, made before fork: after it only async-signal-safe calls are made.
struct ChildPlan {
  const char* program;
  bool search_path;
  char* const* argv;
  char* const* envp;
  const char* dir;
  int stdio[3];                           // source for 0, 1, 2; -1: inherit
  std::vector<std::pair<int, int>> pass;  // {target, source}
  int highest_target = 2;
  bool own_process_group;
  int parent_death_signal;
  pid_t parent;
  bool default_signals;
  BeforeExec before_exec;
  void* before_exec_arg;
  int report_fd;
};

[[noreturn]] void ChildFail(int report_fd, const char* stage) {
  ChildFailure failure{stage, errno};
  ssize_t ignored = write(report_fd, &failure, sizeof failure);
  (void)ignored;
  _exit(127);
}

// Marks every descriptor from first on close-on-exec, except those in keep (sorted).
bool CloseOnExecFrom(int first, const std::vector<int>& keep) {
  unsigned int from = static_cast<unsigned int>(first);
  auto mark = [](unsigned int low, unsigned int high) {
    if (low > high) return true;
    if (syscall(SYS_close_range, low, high, CLOSE_RANGE_CLOEXEC) == 0) return true;
    // Kernels before 5.11: one descriptor at a time, up to the limit.
    const long limit = sysconf(_SC_OPEN_MAX);
    const unsigned int last = std::min<unsigned int>(
        high, static_cast<unsigned int>(limit > 0 ? std::min<long>(limit, 1 << 20) : 1024) - 1);
    for (unsigned int fd = low; fd <= last; ++fd) {
      const int flags = fcntl(static_cast<int>(fd), F_GETFD);
      if (flags >= 0) fcntl(static_cast<int>(fd), F_SETFD, flags | FD_CLOEXEC);
    }
    return true;
  };
  for (int fd : keep) {
    if (fd < first) continue;
    mark(from, static_cast<unsigned int>(fd) - 1);
    from = static_cast<unsigned int>(fd) + 1;
  }
  return mark(from, UINT_MAX);
}

[[noreturn]] void RunChild(const ChildPlan& plan, const std::vector<int>& keep) {
  if (plan.default_signals) {
    for (int sig = 1; sig < NSIG; ++sig) {
      if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
  }
  if (plan.parent_death_signal != 0) {
    if (prctl(PR_SET_PDEATHSIG, plan.parent_death_signal) != 0) {
      ChildFail(plan.report_fd, "asking for a signal when its parent ends");
    }
    // The parent may have ended before the request was made.
    if (getppid() != plan.parent) raise(plan.parent_death_signal);
  }
  if (plan.own_process_group && setpgid(0, 0) != 0) {
    ChildFail(plan.report_fd, "making a process group");
  }
  // Sources move above every target first, so that no dup2 clobbers a source still needed.
  const int above = plan.highest_target + 1;
  int moved[3] = {-1, -1, -1};
  for (int i = 0; i < 3; ++i) {
    if (plan.stdio[i] < 0) continue;
    moved[i] = fcntl(plan.stdio[i], F_DUPFD_CLOEXEC, above);
    if (moved[i] < 0) ChildFail(plan.report_fd, "redirecting its standard streams");
  }
  // At most a few extra descriptors are passed: a fixed array keeps the child free of malloc.
  int moved_pass[16];
  for (size_t i = 0; i < plan.pass.size(); ++i) {
    moved_pass[i] = fcntl(plan.pass[i].second, F_DUPFD_CLOEXEC, above);
    if (moved_pass[i] < 0) ChildFail(plan.report_fd, "passing descriptors");
  }
  for (int i = 0; i < 3; ++i) {
    if (moved[i] >= 0 && dup2(moved[i], i) < 0) {
      ChildFail(plan.report_fd, "redirecting its standard streams");
    }
  }
  for (size_t i = 0; i < plan.pass.size(); ++i) {
    if (dup2(moved_pass[i], plan.pass[i].first) < 0) {
      ChildFail(plan.report_fd, "passing descriptors");
    }
  }
  CloseOnExecFrom(3, keep);
  if (plan.dir != nullptr && chdir(plan.dir) != 0) {
    ChildFail(plan.report_fd, "changing to its working folder");
  }
  if (plan.before_exec != nullptr) {
    if (const char* stage = plan.before_exec(plan.before_exec_arg)) {
      ChildFail(plan.report_fd, stage);
    }
  }
  if (plan.search_path) {
    execvpe(plan.program, plan.argv, plan.envp);
  } else {
    execve(plan.program, plan.argv, plan.envp);
  }
  ChildFail(plan.report_fd, nullptr);
}

// Pointers into strings for exec; the strings must outlive the result.
std::vector<char*> Pointers(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (const std::string& s : strings) pointers.push_back(const_cast<char*>(s.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

std::string Errno(int error) { return std::strerror(error); }

}  // namespace

std::string ExitStatus::Text() const {
  if (signal == 0) return "exited with code " + std::to_string(code);
  return "was killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
}

ExitStatus WaitForProcess(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return ExitStatus{-1, SIGKILL};
  }
  if (WIFEXITED(status)) return ExitStatus{WEXITSTATUS(status), 0};
  if (WIFSIGNALED(status)) return ExitStatus{-1, WTERMSIG(status)};
  return ExitStatus{-1, SIGKILL};
}

Result<Subprocess> Subprocess::Start(const SubprocessSpec& spec, bool* child_failed) {
  if (child_failed != nullptr) *child_failed = false;
  if (spec.argv.empty()) return Status::Failed("cannot run a program: no command was given");
  const std::string& program = spec.program.empty() ? spec.argv[0] : spec.program;
  const std::string name = "cannot run '" + spec.argv[0] + "'" +
                           (spec.dir.empty() ? "" : " in " + spec.dir.string()) + ": ";
  if (spec.pass_fds.size() > 16) return Status::Failed(name + "more than 16 descriptors to pass");

  std::vector<char*> argv = Pointers(spec.argv);
  std::vector<char*> envp = spec.env ? Pointers(*spec.env) : std::vector<char*>();
  const std::string dir = spec.dir.string();

  Subprocess child;
  std::array<UniqueFd, 3> child_ends;  // the child's ends of pipes, and /dev/null
  UniqueFd null_fd;
  ChildPlan plan{};
  plan.program = program.c_str();
  plan.search_path = program.find('/') == std::string::npos;
  plan.argv = argv.data();
  plan.envp = spec.env ? envp.data() : environ;
  plan.dir = spec.dir.empty() ? nullptr : dir.c_str();
  for (int i = 0; i < 3; ++i) {
    const ChildStream& stream = spec.stdio[static_cast<size_t>(i)];
    plan.stdio[i] = -1;
    switch (stream.kind()) {
      case ChildStream::kInherit:
        break;
      case ChildStream::kFd:
        plan.stdio[i] = stream.fd();
        break;
      case ChildStream::kNull:
        if (!null_fd.ok()) {
          null_fd.reset(open("/dev/null", O_RDWR | O_CLOEXEC));
          if (!null_fd.ok()) return Status::Failed(name + "cannot open /dev/null: " + Errno(errno));
        }
        plan.stdio[i] = null_fd.get();
        break;
      case ChildStream::kPipe: {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) return Status::Failed(name + "pipe: " + Errno(errno));
        const int parent_end = i == 0 ? fds[1] : fds[0];
        const int child_end = i == 0 ? fds[0] : fds[1];
        child.pipes_[static_cast<size_t>(i)].reset(parent_end);
        child_ends[static_cast<size_t>(i)].reset(child_end);
        plan.stdio[i] = child_end;
        break;
      }
    }
  }
  std::vector<int> keep;
  for (const auto& [target, source] : spec.pass_fds) {
    if (target < 3 || source < 0) return Status::Failed(name + "a passed descriptor is invalid");
    plan.pass.emplace_back(target, source);
    plan.highest_target = std::max(plan.highest_target, target);
    keep.push_back(target);
  }
  std::sort(keep.begin(), keep.end());
  plan.own_process_group = spec.own_process_group;
  plan.parent_death_signal = spec.parent_death_signal;
  plan.parent = getpid();
  plan.default_signals = spec.default_signals;
  plan.before_exec = spec.before_exec;
  plan.before_exec_arg = spec.before_exec_arg;

  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) return Status::Failed(name + "pipe: " + Errno(errno));
  UniqueFd report_read(report[0]);
  UniqueFd report_write(report[1]);
  plan.report_fd = report[1];

  const pid_t pid = fork();
  if (pid == 0) RunChild(plan, keep);
  const int fork_error = errno;
  report_write.reset();
  for (UniqueFd& end : child_ends) end.reset();
  null_fd.reset();
  if (pid < 0) return Status::Failed(name + "fork: " + Errno(fork_error));

  ChildFailure failure{};
  ssize_t n;
  do {
    n = read(report_read.get(), &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof failure)) {
    WaitForProcess(pid);
    if (child_failed != nullptr) *child_failed = true;
    return Status::Failed(name +
                          (failure.stage != nullptr ? std::string(failure.stage) + ": " : "") +
                          Errno(failure.error));
  }
  child.pid_ = pid;
  return child;
}

ExitStatus Subprocess::Wait() {
  for (UniqueFd& pipe : pipes_) pipe.reset();
  if (pid_ < 0) return ExitStatus{-1, SIGKILL};
  return WaitForProcess(std::exchange(pid_, -1));
}

Result<SubprocessOutput> RunSubprocess(const SubprocessSpec& spec, std::string_view stdin_bytes) {
  Result<Subprocess> started = Subprocess::Start(spec);
  if (!started.ok()) return started.status();
  Subprocess& child = *started;
  SubprocessOutput output;
  // The input is written as the output is read: a child that fills its stdout pipe before reading
  // all of its stdin would otherwise never end.
  size_t written = 0;
  UniqueFd* in = &child.stdin_pipe();
  // A child that exits without reading its input must not end this process with SIGPIPE: the
  // signal is blocked on this thread while writing and a pending one is discarded afterwards.
  sigset_t pipe_signal;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  sigset_t old_mask;
  const bool block_pipe_signal = in->ok() &&
                                 pthread_sigmask(SIG_BLOCK, &pipe_signal, &old_mask) == 0 &&
                                 !sigismember(&old_mask, SIGPIPE);
  if (in->ok()) {
    const int flags = fcntl(in->get(), F_GETFL);
    fcntl(in->get(), F_SETFL, flags | O_NONBLOCK);
    if (stdin_bytes.empty()) in->reset();
  }
  UniqueFd* reads[2] = {&child.stdout_pipe(), &child.stderr_pipe()};
  std::string* sinks[2] = {&output.out, &output.err};
  while (in->ok() || reads[0]->ok() || reads[1]->ok()) {
    pollfd fds[3] = {
        {in->get(), POLLOUT, 0}, {reads[0]->get(), POLLIN, 0}, {reads[1]->get(), POLLIN, 0}};
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents != 0) {
      const ssize_t n =
          write(in->get(), stdin_bytes.data() + written, stdin_bytes.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == stdin_bytes.size()) {
        in->reset();  // done, or the child stopped reading (EPIPE)
      }
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i + 1].revents == 0) continue;
      char buffer[65536];
      const ssize_t n = read(reads[i]->get(), buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        reads[i]->reset();
      }
    }
  }
  if (block_pipe_signal) {
    sigset_t pending;
    if (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE)) {
      const timespec now{0, 0};
      sigtimedwait(&pipe_signal, nullptr, &now);
    }
    pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  }
  output.exit = child.Wait();
  return output;
}

}  // namespace host
