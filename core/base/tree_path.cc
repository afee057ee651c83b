#include "core/base/tree_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <deque>
#include <vector>

namespace host {
namespace {

constexpr int kMaxLinks = 40;         // as the kernel's MAXSYMLINKS
constexpr int kMaxComponents = 4096;  // looked up for one path, links' targets included

// The components of a path, in order, without empty ones and ".".
std::deque<std::string> Components(std::string_view path) {
  std::deque<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(start, slash - start);
    if (!part.empty() && part != ".") parts.emplace_back(part);
    start = slash + 1;
  }
  return parts;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

}  // namespace

Result<std::string> ResolveInTree(std::string_view path, const TreeLookup& lookup, LastLink last,
                                  std::string_view what) {
  const std::string shown(what);
  if (path.find('\0') != std::string_view::npos) {
    return Status::Usage(shown + " holds a NUL byte; give a path without one");
  }
  std::deque<std::string> pending = Components(path);
  std::vector<std::string> resolved;
  bool missing = false;  // a component of resolved does not exist in the tree
  int links = 0;
  int components = 0;
  while (!pending.empty()) {
    if (++components > kMaxComponents) {
      return Status::Usage(shown + " '" + std::string(path) + "': more than " +
                           std::to_string(kMaxComponents) +
                           " names to look up, links included; give a shorter path");
    }
    std::string part = std::move(pending.front());
    pending.pop_front();
    if (part == "..") {
      if (missing) {
        return Status::Usage(shown + " '" + std::string(path) +
                             "' goes up out of a folder that does not exist");
      }
      if (!resolved.empty()) resolved.pop_back();  // ".." of the root is the root
      continue;
    }
    resolved.push_back(part);
    if (missing) continue;
    TreeEntry entry = lookup(Join(resolved));
    switch (entry.kind) {
      case TreeEntry::Kind::kMissing:
        missing = true;
        break;
      case TreeEntry::Kind::kDirectory:
        break;
      case TreeEntry::Kind::kOther:
        if (!pending.empty()) {
          return Status::Usage(shown + " '" + std::string(path) + "': /" + Join(resolved) +
                               " is not a directory");
        }
        break;
      case TreeEntry::Kind::kSymlink: {
        if (pending.empty() && last == LastLink::kKeep) break;
        if (++links > kMaxLinks) {
          return Status::Usage(shown + " '" + std::string(path) +
                               "': too many levels of symbolic links");
        }
        resolved.pop_back();
        if (!entry.link_target.empty() && entry.link_target[0] == '/') resolved.clear();
        std::deque<std::string> target = Components(entry.link_target);
        pending.insert(pending.begin(), target.begin(), target.end());
        break;
      }
    }
  }
  return Join(resolved);
}

TreeEntry DescribeHostEntry(const std::filesystem::path& path) {
  struct stat st {};
  TreeEntry entry;
  if (lstat(path.c_str(), &st) != 0) return entry;
  if (S_ISDIR(st.st_mode)) {
    entry.kind = TreeEntry::Kind::kDirectory;
  } else if (S_ISLNK(st.st_mode)) {
    entry.kind = TreeEntry::Kind::kSymlink;
    std::string target(static_cast<size_t>(st.st_size > 0 ? st.st_size : 4096) + 1, '\0');
    ssize_t n = readlink(path.c_str(), target.data(), target.size());
    target.resize(n > 0 ? static_cast<size_t>(n) : 0);
    entry.link_target = std::move(target);
  } else {
    entry.kind = TreeEntry::Kind::kOther;
  }
  return entry;
}

TreeLookup FolderLookup(std::filesystem::path root) {
  return [root = std::move(root)](const std::string& relative) {
    return DescribeHostEntry(root / relative);
  };
}

Result<std::filesystem::path> ResolveInFolder(const std::filesystem::path& root,
                                              std::string_view path, LastLink last,
                                              std::string_view what) {
  Result<std::string> relative = ResolveInTree(path, FolderLookup(root), last, what);
  if (!relative.ok()) return relative.status();
  return relative->empty() ? root : root / *relative;
}

}  // namespace host
