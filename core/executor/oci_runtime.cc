#include "core/executor/oci_runtime.h"

#include <linux/magic.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/base/subprocess.h"

namespace host {
namespace fs = std::filesystem;

namespace {

constexpr const char* kCgroupRoot = "/sys/fs/cgroup";
constexpr const char* kUnifiedCgroup = "/sys/fs/cgroup/unified";
// Searched after PATH: runc lives in sbin, which a non-login PATH may lack.
constexpr const char* kSystemPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

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

// Runs in the child before exec (async-signal-safe calls only): a private mount namespace
// without the cgroup2 mount, which crun refuses on hybrid hosts. Returns the step that failed.
const char* DetachCgroup2(void*) {
  if (unshare(CLONE_NEWNS) != 0) return "creating a private mount namespace";
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return "making the mount tree private";
  }
  if (umount2(kUnifiedCgroup, MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
    return "detaching the cgroup2 mount";
  }
  return nullptr;
}

// How the runtime is started: in a process group of its own with default signal handling.
SubprocessSpec RuntimeSpec(const OciRuntime& runtime, const std::vector<std::string>& args) {
  SubprocessSpec spec;
  spec.program = runtime.binary.string();
  spec.argv.push_back(runtime.name);
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.own_process_group = true;
  spec.default_signals = true;
  if (runtime.detach_cgroup2) spec.before_exec = &DetachCgroup2;
  return spec;
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
  SubprocessSpec spec = RuntimeSpec(runtime, args);
  spec.stdio = {ChildStream::Fd(stdio.in), ChildStream::Fd(stdio.out), ChildStream::Fd(stdio.err)};
  Result<Subprocess> started = Subprocess::Start(spec);
  if (!started.ok()) return started.status();
  return started->release_pid();
}

Status RunRuntimeCommand(const OciRuntime& runtime, const std::vector<std::string>& args) {
  SubprocessSpec spec = RuntimeSpec(runtime, args);
  spec.stdio = {ChildStream::Null(), ChildStream::Null(), ChildStream::Pipe()};
  Result<SubprocessOutput> ran = RunSubprocess(spec);
  if (!ran.ok()) return ran.status();
  const int code = ran->exit.ShellCode();
  if (code == 0) return {};
  std::string command = runtime.name;
  for (const auto& a : args) command += " " + a;
  std::string& errors = ran->err;
  while (!errors.empty() && (errors.back() == '\n' || errors.back() == ' ')) errors.pop_back();
  return Status::Failed("`" + command + "` exited with " + std::to_string(code) +
                        (errors.empty() ? "" : ": " + errors));
}

int WaitForExit(pid_t pid) { return WaitForProcess(pid).ShellCode(); }

}  // namespace host
