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
// upper folder is a scratch area until its owner keeps it). flags are mount(2) flags for the
// mount itself (MS_NOSUID, MS_NODEV, MS_NOEXEC; others are refused).
Status MountOverlay(const std::vector<std::filesystem::path>& lowers_top_first,
                    const std::filesystem::path& upper, const std::filesystem::path& work,
                    const std::filesystem::path& target, unsigned long flags = 0);

// True if the kernel takes overlay lower folders one at a time ("lowerdir+", Linux 6.8), so that
// their paths need not fit in mount(2)'s page of options. Probed once per process.
bool OverlayTakesLowersOneByOne();

// How many lower folders (topmost first, the last of them one more folder whose path is
// bottom_length long) fit in mount(2)'s page of options with upper and work: at least 2, and
// lowers_top_first.size() when they all fit.
size_t LowersFittingOnePage(const std::vector<std::filesystem::path>& lowers_top_first,
                            size_t bottom_length, const std::filesystem::path& upper,
                            const std::filesystem::path& work);

// Mounts a tmpfs only root can enter (mode 0700) on target; its pages are not swapped out when
// the kernel supports that.
Status MountPrivateTmpfs(const std::filesystem::path& target);

// Unmounts target; if it is busy it is detached and goes away when its last user does.
Status Unmount(const std::filesystem::path& target);

}  // namespace host

#endif  // HOST_EXECUTOR_MOUNTS_H_
