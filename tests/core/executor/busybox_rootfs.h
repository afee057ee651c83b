// A small root filesystem for container tests: a statically linked busybox and its applets.
#ifndef HOST_TESTS_EXECUTOR_BUSYBOX_ROOTFS_H_
#define HOST_TESTS_EXECUTOR_BUSYBOX_ROOTFS_H_

#include <filesystem>
#include <string>

namespace host::test {

// A statically linked busybox on PATH (Debian's busybox-static), or empty when there is none.
std::filesystem::path FindStaticBusybox();

// Fills dir with bin/busybox, a symbolic link per applet, /etc/passwd (root and builder, uid
// 1000), /etc/group (builder is also in group "tools", gid 2000) and the usual empty folders.
// Returns an error message, empty on success.
std::string BuildBusyboxRootfs(const std::filesystem::path& busybox,
                               const std::filesystem::path& dir);

}  // namespace host::test

#endif  // HOST_TESTS_EXECUTOR_BUSYBOX_ROOTFS_H_
