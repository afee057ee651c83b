// Reading a tar archive back in tests, to check what a layer export wrote.
#ifndef HOST_TESTS_EXECUTOR_TAR_LISTING_H_
#define HOST_TESTS_EXECUTOR_TAR_LISTING_H_

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace host::test {

// One archive entry as read by libarchive.
struct TarEntry {
  std::string path;                           // as stored
  mode_t type = 0;                            // S_IFREG, S_IFDIR, ...
  mode_t perm = 0;                            // permission bits
  int64_t uid = 0;                            // numeric owner
  int64_t gid = 0;                            // numeric group
  std::string uname;                          // owner name, if stored
  int64_t mtime = 0;                          // seconds
  std::string link;                           // symbolic or hard link target
  bool hardlink = false;                      // link is a hard link
  std::string data;                           // contents of regular files
  std::map<std::string, std::string> xattrs;  // extended attributes
};

// The entries of the tar file at path, in order; an empty list if it cannot be read.
std::vector<TarEntry> ReadTar(const std::filesystem::path& path);

}  // namespace host::test

#endif  // HOST_TESTS_EXECUTOR_TAR_LISTING_H_
