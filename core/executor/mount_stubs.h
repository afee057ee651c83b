// Mount points that the OCI runtime has to create in a step's root filesystem (for /etc/hosts, a
// secret file, a cache folder...). They are not the step's work, so they are taken out of its
// changes afterwards, as BuildKit does.
#ifndef HOST_EXECUTOR_MOUNT_STUBS_H_
#define HOST_EXECUTOR_MOUNT_STUBS_H_

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace host {

// What was missing under mount destinations before a step ran, and the folders around it.
class MountStubs {
 public:
  // Notes, for each absolute destination, the part of its path missing from the root filesystem
  // open at rootfs_fd. Paths that go through a symbolic link are not tracked.
  void Record(int rootfs_fd, const std::vector<std::string>& destinations);

  // Removes what was missing and is now an empty file or folder, through the still mounted root
  // filesystem (so nothing is left in the upper folder).
  void RemoveCreated(int rootfs_fd) const;

  // In the unmounted upper folder, removes the folders that overlayfs copied up only to hold a
  // mount point: still empty, not opaque, with the owner and mode they had before.
  void TrimCopiedUp(const std::filesystem::path& upper) const;

 private:
  // A folder that existed, as it was before the step.
  struct Folder {
    std::string path;  // relative to the root
    mode_t mode;
    uid_t uid;
    gid_t gid;
  };

  std::vector<std::string> created_;  // relative paths that were missing
  std::vector<Folder> parents_;       // existing folders above them
};

}  // namespace host

#endif  // HOST_EXECUTOR_MOUNT_STUBS_H_
