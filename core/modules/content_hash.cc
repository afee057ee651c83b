#include "core/modules/content_hash.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "core/base/sha256.h"
#include "core/base/unique_fd.h"

namespace host::modules {
namespace fs = std::filesystem;
namespace {

// Deeper trees than this are refused: a module's files are hostile input.
constexpr int kMaxDepth = 64;

Status Failed(const fs::path& where, const std::string& what) {
  return Status::Failed("cannot hash the module files at " + where.string() + ": " + what);
}

// Adds the entries of the folder open as dir_fd (shown as relative) to sha, in byte order.
Status HashFolder(int dir_fd, const fs::path& root, const std::string& relative, int depth,
                  Sha256& sha) {
  if (depth > kMaxDepth) return Failed(root, relative + " is nested deeper than 64 folders");
  std::vector<std::string> names;
  {
    UniqueFd copy(dup(dir_fd));
    DIR* dir = copy.ok() ? fdopendir(copy.get()) : nullptr;
    if (dir == nullptr) return Failed(root, "cannot list " + relative + ": " + strerror(errno));
    copy.release();
    rewinddir(dir);
    while (dirent* entry = readdir(dir)) {
      const std::string name = entry->d_name;
      if (name == "." || name == ".." || name == ".git") continue;
      if (relative.empty() && name == "build") continue;
      names.push_back(name);
    }
    closedir(dir);
  }
  std::sort(names.begin(), names.end());
  std::vector<char> buffer(64 * 1024);
  for (const auto& name : names) {
    const std::string path = relative.empty() ? name : relative + "/" + name;
    struct stat st {};
    if (fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      return Failed(root, "cannot read " + path + ": " + strerror(errno));
    }
    sha.UpdateField(path);
    if (S_ISDIR(st.st_mode)) {
      sha.UpdateField("dir");
      UniqueFd child(openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!child.ok()) return Failed(root, "cannot open " + path + ": " + strerror(errno));
      if (Status s = HashFolder(child.get(), root, path, depth + 1, sha); !s.ok()) return s;
    } else if (S_ISLNK(st.st_mode)) {
      std::string target(4096, '\0');
      ssize_t n = readlinkat(dir_fd, name.c_str(), target.data(), target.size());
      if (n < 0 || static_cast<size_t>(n) >= target.size()) {
        return Failed(root, "cannot read the link " + path);
      }
      target.resize(static_cast<size_t>(n));
      sha.UpdateField("link");
      sha.UpdateField(target);
    } else if (S_ISREG(st.st_mode)) {
      sha.UpdateField((st.st_mode & 0111) != 0 ? "exec" : "file");
      UniqueFd in(openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
      if (!in.ok()) return Failed(root, "cannot open " + path + ": " + strerror(errno));
      Sha256 file;
      for (;;) {
        ssize_t n = read(in.get(), buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Failed(root, "cannot read " + path + ": " + strerror(errno));
        if (n == 0) break;
        file.Update(buffer.data(), static_cast<size_t>(n));
      }
      sha.UpdateField(file.HexDigest());
    } else {
      return Failed(root, path + " is neither a file, a folder nor a link");
    }
  }
  return {};
}

}  // namespace

Result<std::string> ContentHash(const fs::path& dir) {
  UniqueFd fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.ok()) return Failed(dir, strerror(errno));
  Sha256 sha;
  sha.UpdateField("host-module-content-1");
  if (Status s = HashFolder(fd.get(), dir, "", 0, sha); !s.ok()) return s;
  return sha.Digest();
}

}  // namespace host::modules
