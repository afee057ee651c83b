#include "core/executor/mounts.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include "core/base/unique_fd.h"

namespace host {
namespace fs = std::filesystem;

namespace {

constexpr const char* kOverlayFlags = "redirect_dir=off,metacopy=off,index=off,volatile";
// mount(2) takes at most a page of options, the terminating NUL included.
constexpr size_t kMaxMountData = 4095;

std::atomic<bool> tmpfs_noswap_works{true};

std::string Errno(const std::string& what) { return what + ": " + strerror(errno); }

// The new mount API takes each lower folder apart ("lowerdir+", Linux 6.8), so there is no length
// limit and no escaping.
Status MountOverlayWithFsconfig(const std::vector<fs::path>& lowers, const fs::path& upper,
                                const fs::path& work, const fs::path& target, unsigned long flags) {
  UniqueFd overlay(fsopen("overlay", FSOPEN_CLOEXEC));
  if (!overlay.ok()) return Status::Failed(Errno("fsopen overlay"));
  const int fs_fd = overlay.get();
  auto fail = [&](const std::string& what) {
    std::string message = Errno(what);
    char log[512];
    ssize_t n = read(fs_fd, log, sizeof log - 1);
    if (n > 0) message += " (" + std::string(log, static_cast<size_t>(n)) + ")";
    return Status::Failed(message);
  };
  for (size_t i = 0; i < lowers.size(); ++i) {
    if (fsconfig(fs_fd, FSCONFIG_SET_STRING, "lowerdir+", lowers[i].c_str(), 0) != 0) {
      // The kernel's own reason follows (such as its limit of 500 lower layers); only a first
      // layer refused can mean a kernel without "lowerdir+".
      return fail("overlay lower layer " + std::to_string(i + 1) + " of " +
                  std::to_string(lowers.size()) + ", " + lowers[i].string() +
                  (i == 0 ? " (lowerdir+ needs Linux 6.8 or later)" : ""));
    }
  }
  if (fsconfig(fs_fd, FSCONFIG_SET_STRING, "upperdir", upper.c_str(), 0) != 0) {
    return fail("overlay upperdir");
  }
  if (fsconfig(fs_fd, FSCONFIG_SET_STRING, "workdir", work.c_str(), 0) != 0) {
    return fail("overlay workdir");
  }
  for (const char* flag : {"redirect_dir=off", "metacopy=off", "index=off"}) {
    std::string key(flag, strchr(flag, '='));
    if (fsconfig(fs_fd, FSCONFIG_SET_STRING, key.c_str(), "off", 0) != 0) {
      return fail("overlay " + key);
    }
  }
  if (fsconfig(fs_fd, FSCONFIG_SET_FLAG, "volatile", nullptr, 0) != 0) {
    return fail("overlay volatile");
  }
  if (fsconfig(fs_fd, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) {
    return fail("overlay create");
  }
  unsigned int attributes = ((flags & MS_NOSUID) ? MOUNT_ATTR_NOSUID : 0) |
                            ((flags & MS_NODEV) ? MOUNT_ATTR_NODEV : 0) |
                            ((flags & MS_NOEXEC) ? MOUNT_ATTR_NOEXEC : 0);
  UniqueFd mount_fd(fsmount(fs_fd, FSMOUNT_CLOEXEC, attributes));
  if (!mount_fd.ok()) return fail("fsmount overlay");
  overlay.reset();
  int rc = move_mount(mount_fd.get(), "", AT_FDCWD, target.c_str(), MOVE_MOUNT_F_EMPTY_PATH);
  if (rc != 0) return Status::Failed(Errno("move_mount overlay to " + target.string()));
  return {};
}

}  // namespace

Status MountOverlay(const std::vector<fs::path>& lowers_top_first, const fs::path& upper,
                    const fs::path& work, const fs::path& target, unsigned long flags) {
  if ((flags & ~static_cast<unsigned long>(MS_NOSUID | MS_NODEV | MS_NOEXEC)) != 0) {
    return Status::Failed("overlay mount flags other than nosuid, nodev and noexec are not taken");
  }
  std::string data = "lowerdir=";
  for (size_t i = 0; i < lowers_top_first.size(); ++i) {
    if (i > 0) data += ':';
    data += lowers_top_first[i].string();
  }
  data += ",upperdir=" + upper.string() + ",workdir=" + work.string() + "," + kOverlayFlags;
  if (data.size() > kMaxMountData) {
    return MountOverlayWithFsconfig(lowers_top_first, upper, work, target, flags);
  }
  if (mount("overlay", target.c_str(), "overlay", flags, data.c_str()) != 0) {
    return Status::Failed(Errno("cannot mount the overlay root filesystem at " + target.string()));
  }
  return {};
}

bool OverlayTakesLowersOneByOne() {
  static const bool supported = [] {
    UniqueFd overlay(fsopen("overlay", FSOPEN_CLOEXEC));
    return overlay.ok() && fsconfig(overlay.get(), FSCONFIG_SET_STRING, "lowerdir+", "/", 0) == 0;
  }();
  return supported;
}

size_t LowersFittingOnePage(const std::vector<fs::path>& lowers_top_first, size_t bottom_length,
                            const fs::path& upper, const fs::path& work) {
  size_t used = std::strlen("lowerdir=") + std::strlen(",upperdir=") + upper.string().size() +
                std::strlen(",workdir=") + work.string().size() + 1 + std::strlen(kOverlayFlags);
  size_t all = used;
  for (const auto& lower : lowers_top_first) all += lower.string().size() + 1;
  if (all <= kMaxMountData + 1) return lowers_top_first.size();
  size_t count = 0;
  used += bottom_length;
  while (count < lowers_top_first.size() &&
         used + lowers_top_first[count].string().size() + 1 <= kMaxMountData) {
    used += lowers_top_first[count].string().size() + 1;
    ++count;
  }
  return std::max<size_t>(count + 1, 2);
}

Status MountPrivateTmpfs(const fs::path& target) {
  unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  if (tmpfs_noswap_works.load()) {
    if (mount("tmpfs", target.c_str(), "tmpfs", flags, "mode=0700,noswap") == 0) return {};
    if (errno != EINVAL) return Status::Failed(Errno("cannot mount a tmpfs at " + target.string()));
    tmpfs_noswap_works.store(false);
  }
  if (mount("tmpfs", target.c_str(), "tmpfs", flags, "mode=0700") != 0) {
    return Status::Failed(Errno("cannot mount a tmpfs at " + target.string()));
  }
  return {};
}

Status Unmount(const fs::path& target) {
  if (umount2(target.c_str(), UMOUNT_NOFOLLOW) == 0) return {};
  if (errno == EBUSY && umount2(target.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) == 0) return {};
  return Status::Failed(Errno("cannot unmount " + target.string()));
}

}  // namespace host
