// The kernel mounts a step needs on the host: its overlay root filesystem and a private tmpfs for
// its bundle and secrets.
#ifndef HOST_EXECUTOR_MOUNTS_H_
#define HOST_EXECUTOR_MOUNTS_H_

#include <filesystem>
#include <vector>

#include "core/base/status.h"

namespace host {

// Mounts an overlay on target from lower folders (topmost first), an upper folder receiving the
// changes and an empty work folder on the upper's filesystem. Redirects, metacopy and the inode
// index are off so that the upper folder alone holds every change; writes are not synced (the
// upper folder is a scratch area until its owner keeps it).
Status MountOverlay(const std::vector<std::filesystem::path>& lowers_top_first,
                    const std::filesystem::path& upper, const std::filesystem::path& work,
                    const std::filesystem::path& target);

// Mounts a tmpfs only root can enter (mode 0700) on target; its pages are not swapped out when
// the kernel supports that.
Status MountPrivateTmpfs(const std::filesystem::path& target);

// Unmounts target; if it is busy it is detached and goes away when its last user does.
Status Unmount(const std::filesystem::path& target);

}  // namespace host

#endif  // HOST_EXECUTOR_MOUNTS_H_
