// Resolving the user a step runs as ("uid[:gid]" or "name[:group]") against the image's own
// /etc/passwd and /etc/group.
#ifndef HOST_EXECUTOR_IMAGE_USER_H_
#define HOST_EXECUTOR_IMAGE_USER_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/base/status.h"

namespace host {

// The identity of a step's process.
struct ImageUser {
  uid_t uid = 0;                       // user id
  gid_t gid = 0;                       // primary group id
  std::vector<gid_t> additional_gids;  // groups listing the user as a member in /etc/group
  std::string home = "/";              // home folder from /etc/passwd; "/" when unknown
};

// Resolves user (empty: root) in the root filesystem open at rootfs_fd. Files are read with
// links resolved inside that root, never out of it. A numeric user needs no passwd entry (its
// group is then 0); a name that is not there is a usage error.
Result<ImageUser> ResolveImageUser(int rootfs_fd, const std::string& user);

}  // namespace host

#endif  // HOST_EXECUTOR_IMAGE_USER_H_
