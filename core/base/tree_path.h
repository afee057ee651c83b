// Paths inside a tree (an image's layers, a directory snapshot, a folder being filled) resolved as
// the kernel resolves them inside a chroot: a symlink, absolute or relative, and ".." never lead
// out of the tree's root, so no path from an image, a step or a module reaches a host file.
#ifndef HOST_BASE_TREE_PATH_H_
#define HOST_BASE_TREE_PATH_H_

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "core/base/status.h"

namespace host {

// What one name of a tree is, looked at without following it.
struct TreeEntry {
  enum class Kind { kMissing, kDirectory, kSymlink, kOther };
  Kind kind = Kind::kMissing;
  std::string link_target;  // for kSymlink
};

// Looks up a path relative to a tree's root. The resolver only asks for paths whose every
// component but the last is a real directory of the tree (never a symlink), so a lookup that
// lstat()s root/relative never follows a link on the host.
using TreeLookup = std::function<TreeEntry(const std::string& relative)>;

// Whether the last component of a path is followed when it is a symlink (as open() does), or
// named itself (as unlink() and rename() do).
enum class LastLink { kFollow, kKeep };

// The path relative to the tree's root ("" for the root itself, '/'-separated) that `path` names
// inside the tree, with every symlink on the way resolved inside the tree (and the last one too
// with LastLink::kFollow). Components that do not exist yet are kept as given, so the result can
// also name something to create. Errors: a component that is not a directory, a symlink loop
// (more than 40 links), a NUL byte, a ".." after a missing folder. `what` names the path in errors.
Result<std::string> ResolveInTree(std::string_view path, const TreeLookup& lookup, LastLink last,
                                  std::string_view what = "path");

// The entry at a host path, without following it.
TreeEntry DescribeHostEntry(const std::filesystem::path& path);

// A lookup in one folder of the host: root/relative.
TreeLookup FolderLookup(std::filesystem::path root);

// Resolves path inside the folder root (see ResolveInTree) and returns the host path it names.
Result<std::filesystem::path> ResolveInFolder(const std::filesystem::path& root,
                                              std::string_view path, LastLink last,
                                              std::string_view what = "path");

}  // namespace host

#endif  // HOST_BASE_TREE_PATH_H_
