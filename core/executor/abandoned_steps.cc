#include "core/executor/abandoned_steps.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "core/base/unique_fd.h"

namespace host {
namespace fs = std::filesystem;

namespace {

// How old a step folder without its lock file must be to count as abandoned: its owner names the
// lock a few system calls after creating the folder.
constexpr auto kUnlockedFolderAge = std::chrono::minutes(10);

// The entries of a folder; empty when it cannot be read. Listing first, with the non-throwing
// increment, keeps a folder that changes or fails under us from throwing out of the loop.
std::vector<fs::path> Entries(const fs::path& dir) {
  std::vector<fs::path> entries;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    entries.push_back(it->path());
  }
  return entries;
}

// The cgroups of the container of a step folder named step-SUFFIX (its ID is host-PID-SUFFIX),
// in every v1 hierarchy. Their processes are the container's, whatever became of its runtime.
std::vector<fs::path> ContainerCgroups(const std::string& suffix, const fs::path& cgroup_root) {
  std::vector<fs::path> found;
  const std::string tail = "-" + suffix;
  for (const fs::path& hierarchy : Entries(cgroup_root)) {
    std::error_code inner;
    for (const fs::path& group : Entries(hierarchy)) {
      const std::string name = group.filename().string();
      if (name.rfind("host-", 0) == 0 && name.size() > tail.size() &&
          name.compare(name.size() - tail.size(), tail.size(), tail) == 0 &&
          fs::is_directory(group, inner)) {
        found.push_back(group);
      }
    }
  }
  return found;
}

// Kills the processes that find lists until it lists none (waits up to a second).
void KillUntilGone(const std::function<std::vector<pid_t>()>& find) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    const std::vector<pid_t> found = find();
    if (found.empty()) return;
    for (pid_t pid : found) kill(pid, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// The processes of the cgroups.
std::vector<pid_t> ProcessesOf(const std::vector<fs::path>& groups) {
  std::vector<pid_t> found;
  for (const auto& group : groups) {
    std::ifstream procs(group / "cgroup.procs");
    for (pid_t pid; procs >> pid;) found.push_back(pid);
  }
  return found;
}

// The processes whose command line names something in folder: the dead owner's runtime,
// cleaning up after its container, which would write there again once the folder is removed.
std::vector<pid_t> ProcessesWorkingIn(const fs::path& folder) {
  const std::string needle = folder.string() + "/";
  std::vector<pid_t> found;
  for (const fs::path& proc : Entries("/proc")) {
    const std::string name = proc.filename().string();
    if (name.empty() || name.size() > 9 ||
        name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    std::ifstream cmdline(proc / "cmdline");
    const std::string text((std::istreambuf_iterator<char>(cmdline)), {});
    if (text.find(needle) != std::string::npos) found.push_back(std::stoi(name));
  }
  return found;
}

}  // namespace

int CleanAbandonedSteps(const fs::path& tmp_dir, const OciRuntime& runtime) {
  int removed = 0;
  std::error_code ec;
  for (const fs::path& folder : Entries(tmp_dir)) {
    if (folder.filename().string().rfind("step-", 0) != 0) continue;
    UniqueFd lock(open((folder / "owner.lock").c_str(), O_RDWR | O_CLOEXEC));
    if (!lock.ok()) {
      // Being created right now, or its owner died before it named its lock: such a folder holds
      // nothing that runs, and is removed once it is old enough not to be the first.
      std::error_code age_error;
      const auto written = fs::last_write_time(folder, age_error);
      if (!age_error && fs::file_time_type::clock::now() - written > kUnlockedFolderAge) {
        fs::remove_all(folder, ec);
        if (!ec) ++removed;
      }
      continue;
    }
    if (flock(lock.get(), LOCK_EX | LOCK_NB) != 0) continue;
    // We hold the lock now: nobody else will touch the folder while we clean it.
    const fs::path state = folder / "bundle" / "state";
    for (const fs::path& container : Entries(state)) {
      Status deleted = RunRuntimeCommand(
          runtime, {"--root", state.string(), "delete", "--force", container.filename().string()});
      (void)deleted;  // the container may be gone already
    }
    // The runtime of a killed owner may have dropped the container's state while its processes
    // run on: they are found, and ended, by their cgroups.
    const std::vector<fs::path> groups =
        ContainerCgroups(folder.filename().string().substr(5), "/sys/fs/cgroup");
    KillUntilGone([&] { return ProcessesOf(groups); });
    for (const auto& group : groups) rmdir(group.c_str());  // removable once empty
    KillUntilGone([&] { return ProcessesWorkingIn(folder); });
    for (const fs::path& overlay : Entries(folder / "mounts")) {
      umount2((overlay / "merged").c_str(), MNT_DETACH | UMOUNT_NOFOLLOW);
    }
    umount2((folder / "rootfs").c_str(), MNT_DETACH);
    umount2((folder / "bundle").c_str(), MNT_DETACH);
    fs::remove_all(folder, ec);
    lock.reset();
    if (!ec) ++removed;
  }
  return removed;
}

}  // namespace host
