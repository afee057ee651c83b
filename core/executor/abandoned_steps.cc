#include "core/executor/abandoned_steps.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <unistd.h>

namespace host {
namespace fs = std::filesystem;

int CleanAbandonedSteps(const fs::path& tmp_dir, const OciRuntime& runtime) {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(tmp_dir, ec)) {
    const fs::path& folder = entry.path();
    if (folder.filename().string().rfind("step-", 0) != 0) continue;
    int fd = open((folder / "owner.lock").c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) continue;  // being created right now, or not ours
    bool abandoned = flock(fd, LOCK_EX | LOCK_NB) == 0;
    if (!abandoned) {
      close(fd);
      continue;
    }
    // We hold the lock now: nobody else will touch the folder while we clean it.
    const fs::path state = folder / "bundle" / "state";
    for (const auto& container : fs::directory_iterator(state, ec)) {
      Status deleted = RunRuntimeCommand(runtime, {"--root", state.string(), "delete", "--force",
                                                   container.path().filename().string()});
      (void)deleted;  // the container may be gone already
    }
    umount2((folder / "rootfs").c_str(), MNT_DETACH);
    umount2((folder / "bundle").c_str(), MNT_DETACH);
    fs::remove_all(folder, ec);
    close(fd);
    if (!ec) ++removed;
  }
  return removed;
}

}  // namespace host
