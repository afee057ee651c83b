#include "core/executor/oci_runtime.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace host {
namespace fs = std::filesystem;

namespace {

constexpr const char* kCgroupRoot = "/sys/fs/cgroup";
constexpr const char* kUnifiedCgroup = "/sys/fs/cgroup/unified";
// Searched after PATH: runc lives in sbin, which a non-login PATH may lack.
constexpr const char* kSystemPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Where in the child a start failed, reported to the parent through a pipe.
struct ChildFailure {
  int stage;  // index into kStageNames
  int error;  // errno
};

constexpr const char* kStageNames[] = {
    "redirecting its standard streams", "creating a private mount namespace",
    "making the mount tree private", "detaching the cgroup2 mount", "executing it"};

bool IsExecutable(const fs::path& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

fs::path SearchPath(const std::string& name) {
  const char* env_path = std::getenv("PATH");
  std::string dirs = std::string(env_path ? env_path : "") + ":" + kSystemPath;
  size_t begin = 0;
  while (begin <= dirs.size()) {
    size_t end = dirs.find(':', begin);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(begin, end - begin);
    if (!dir.empty() && dir[0] == '/') {
      fs::path candidate = fs::path(dir) / name;
      if (IsExecutable(candidate)) return candidate;
    }
    begin = end + 1;
  }
  return {};
}

// Only async-signal-safe calls from here on: the child of a fork in a threaded process.
[[noreturn]] void ChildFail(int report_fd, int stage) {
  ChildFailure failure{stage, errno};
  ssize_t ignored = write(report_fd, &failure, sizeof failure);
  (void)ignored;
  _exit(127);
}

[[noreturn]] void ExecChild(const char* binary, char* const* argv, const int* stdio, bool detach,
                            int report_fd) {
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  setpgid(0, 0);
  // Move the sources above 2 first so that dup2 cannot clobber one with another.
  int moved[3];
  for (int i = 0; i < 3; ++i) {
    moved[i] = fcntl(stdio[i], F_DUPFD_CLOEXEC, 3);
    if (moved[i] < 0) ChildFail(report_fd, 0);
  }
  for (int i = 0; i < 3; ++i) {
    if (dup2(moved[i], i) < 0) ChildFail(report_fd, 0);
  }
  if (detach) {
    if (unshare(CLONE_NEWNS) != 0) ChildFail(report_fd, 1);
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) ChildFail(report_fd, 2);
    if (umount2(kUnifiedCgroup, MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
      ChildFail(report_fd, 3);
    }
  }
  execve(binary, argv, environ);
  ChildFail(report_fd, 4);
}

}  // namespace

bool HasHybridCgroups() {
  struct statfs root;
  struct statfs unified;
  if (statfs(kCgroupRoot, &root) != 0 || root.f_type != TMPFS_MAGIC) return false;
  return statfs(kUnifiedCgroup, &unified) == 0 && unified.f_type == CGROUP2_SUPER_MAGIC;
}

Result<OciRuntime> FindOciRuntime(const std::string& preferred) {
  if (!preferred.empty() && preferred != "crun" && preferred != "runc") {
    return Status::Usage("unknown OCI runtime '" + preferred + "': use crun or runc");
  }
  std::vector<std::string> names;
  if (preferred.empty()) {
    names = {"crun", "runc"};
  } else {
    names = {preferred};
  }
  for (const auto& name : names) {
    fs::path binary = SearchPath(name);
    if (binary.empty()) continue;
    OciRuntime runtime{name, binary, name == "crun" && HasHybridCgroups()};
    return runtime;
  }
  if (!preferred.empty()) {
    return Status::Failed("the OCI runtime " + preferred + " is not on PATH: install it (apt-get " +
                          "install " + preferred + ")");
  }
  return Status::Failed(
      "no OCI runtime on PATH: install crun or runc (apt-get install crun, or apt-get install "
      "runc)");
}

Result<pid_t> StartRuntime(const OciRuntime& runtime, const std::vector<std::string>& args,
                           const RuntimeStdio& stdio) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(runtime.name.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  int null_fd = -1;
  if (stdio.in < 0 || stdio.out < 0 || stdio.err < 0) {
    null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0)
      return Status::Failed(std::string("cannot open /dev/null: ") + strerror(errno));
  }
  int fds[3] = {stdio.in < 0 ? null_fd : stdio.in, stdio.out < 0 ? null_fd : stdio.out,
                stdio.err < 0 ? null_fd : stdio.err};
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    int error = errno;
    if (null_fd >= 0) close(null_fd);
    return Status::Failed(std::string("cannot create a pipe: ") + strerror(error));
  }
  pid_t pid = fork();
  if (pid == 0) {
    close(report[0]);
    ExecChild(runtime.binary.c_str(), argv.data(), fds, runtime.detach_cgroup2, report[1]);
  }
  int fork_error = errno;
  close(report[1]);
  if (null_fd >= 0) close(null_fd);
  if (pid < 0) {
    close(report[0]);
    return Status::Failed("cannot start " + runtime.name + ": fork: " + strerror(fork_error));
  }
  ChildFailure failure{};
  ssize_t n;
  do {
    n = read(report[0], &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  close(report[0]);
  if (n == static_cast<ssize_t>(sizeof failure)) {
    WaitForExit(pid);
    return Status::Failed("cannot start " + runtime.binary.string() + ": " +
                          kStageNames[failure.stage] + ": " + strerror(failure.error));
  }
  return pid;
}

Status RunRuntimeCommand(const OciRuntime& runtime, const std::vector<std::string>& args) {
  int err_pipe[2];
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    return Status::Failed(std::string("cannot create a pipe: ") + strerror(errno));
  }
  Result<pid_t> pid = StartRuntime(runtime, args, RuntimeStdio{-1, -1, err_pipe[1]});
  close(err_pipe[1]);
  if (!pid.ok()) {
    close(err_pipe[0]);
    return pid.status();
  }
  std::string errors;
  char buffer[4096];
  for (;;) {
    ssize_t n = read(err_pipe[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    errors.append(buffer, static_cast<size_t>(n));
  }
  close(err_pipe[0]);
  int code = WaitForExit(*pid);
  if (code == 0) return {};
  std::string command = runtime.name;
  for (const auto& a : args) command += " " + a;
  while (!errors.empty() && (errors.back() == '\n' || errors.back() == ' ')) errors.pop_back();
  return Status::Failed("`" + command + "` exited with " + std::to_string(code) +
                        (errors.empty() ? "" : ": " + errors));
}

int WaitForExit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 128 + SIGKILL;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace host
