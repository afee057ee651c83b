// Directory: an immutable tree of files, stored as a snapshot in the state folder.
#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>

#include "core/base/file_write.h"
#include "core/base/tree_path.h"
#include "core/types/core_function.h"
#include "core/types/core_module.h"
#include "core/types/directory_diff.h"
#include "core/types/host_paths.h"

namespace host {
namespace fs = std::filesystem;

using namespace decl;

namespace {

// What an edit does to the copy of the parent at its resolved path (`top`: the copy's root).
using Edit = std::function<Status(const fs::path& top, const fs::path& target)>;

// A new snapshot: a copy of parent with one edit at --path. The path resolves in the copy as a
// chroot would: symlinks on the way stay inside it, and a symlink at the path itself is what gets
// replaced or removed, unless `last` says to follow it.
Result<Snapshot> EditCopy(CoreCall& c, const Snapshot& parent, LastLink last, bool of_the_top,
                          const Edit& edit) {
  Result<fs::path> inside = InsidePath(c.String("path"), "path");
  if (!inside.ok()) return inside.status();
  return c.services().snapshots().Make([&](const fs::path& to) -> Status {
    if (Status s = CopyTree(parent.path, to, {}, true); !s.ok()) return s;
    Result<fs::path> resolved = ResolveInFolder(to, inside->string(), last);
    if (!resolved.ok()) return resolved.status();
    if (*resolved == to && !of_the_top) {
      return Status::Usage(c.Name().substr(c.Name().find('.') + 1) + " --path '" +
                           c.String("path") +
                           "' names the directory itself; give the path of a file in it");
    }
    return edit(to, *resolved);
  });
}

// Makes the folders above target and removes what is at target, so a new file replaces it (never
// writing through a hard link into the parent snapshot).
Status ClearForFile(const fs::path& target) {
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (!ec) fs::remove_all(target, ec);
  if (ec)
    return Status::Failed("cannot write " + target.string() + ": " + WriteErrorText(ec.value()));
  return {};
}

Result<Snapshot> WithNewFile(CoreCall& c, const Snapshot& parent) {
  return EditCopy(c, parent, LastLink::kKeep, false, [&](const fs::path&, const fs::path& target) {
    if (Status s = ClearForFile(target); !s.ok()) return s;
    return WriteNewFile(target, c.String("contents"), static_cast<mode_t>(c.Int("permissions")),
                        c.String("path"));
  });
}

Result<Snapshot> WithFile(CoreCall& c, const Snapshot& parent) {
  Result<FileState> file = c.Object<FileState>("source");
  if (!file.ok()) return file.status();
  return EditCopy(c, parent, LastLink::kKeep, false, [&](const fs::path&, const fs::path& target) {
    if (Status s = ClearForFile(target); !s.ok()) return s;
    std::error_code ec;
    fs::copy_file(file->path, target, ec);
    return ec ? Status::Failed("cannot write " + target.string() + ": " + ec.message()) : Status();
  });
}

Result<Snapshot> WithDirectory(CoreCall& c, const Snapshot& parent) {
  Result<Snapshot> dir = c.Object<Snapshot>("directory");
  if (!dir.ok()) return dir.status();
  return EditCopy(c, parent, LastLink::kFollow, true, [&](const fs::path&, const fs::path& target) {
    return CopyTree(dir->path, target, {}, true);
  });
}

Result<Snapshot> Without(CoreCall& c, const Snapshot& parent) {
  return EditCopy(
      c, parent, LastLink::kKeep, true, [](const fs::path& top, const fs::path& target) -> Status {
        std::error_code ec;
        if (target != top) fs::remove_all(target, ec);
        return ec ? Status::Failed("cannot remove " + target.string() + ": " + ec.message())
                  : Status();
      });
}

Result<Snapshot> Subdirectory(CoreCall& c, const Snapshot& parent) {
  Result<fs::path> inside = InsidePath(c.String("path"), "path");
  if (!inside.ok()) return inside.status();
  Result<fs::path> from = ResolveInFolder(parent.path, inside->string(), LastLink::kFollow);
  if (!from.ok()) return from.status();
  if (DescribeHostEntry(*from).kind != TreeEntry::Kind::kDirectory) {
    return Status::Usage("the directory has no subdirectory " + c.String("path"));
  }
  return c.services().snapshots().Make(
      [&](const fs::path& to) { return CopyTree(*from, to, {}, true); });
}

Result<FileState> FileOf(CoreCall& c, const Snapshot& dir) {
  const std::string& path = c.String("path");
  Result<fs::path> inside = InsidePath(path, "path");
  if (!inside.ok()) return inside.status();
  // Symlinks, the last one too, resolve inside the directory, never on the host.
  Result<fs::path> resolved = ResolveInFolder(dir.path, inside->string(), LastLink::kFollow);
  if (!resolved.ok()) return resolved.status();
  struct stat st {};
  if (lstat(resolved->c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::Usage("there is no file " + path + " in the directory");
  }
  return FileState{*resolved, resolved->filename().string()};
}

Result<std::vector<std::string>> Entries(CoreCall& c, const Snapshot& dir) {
  Result<fs::path> inside = InsidePath(c.String("path"), "path");
  if (!inside.ok()) return inside.status();
  Result<fs::path> folder = ResolveInFolder(dir.path, inside->string(), LastLink::kFollow);
  if (!folder.ok()) return folder.status();
  if (DescribeHostEntry(*folder).kind != TreeEntry::Kind::kDirectory) {
    return Status::Usage("the directory has no folder " + c.String("path"));
  }
  std::error_code ec;
  std::vector<std::string> names;
  for (auto it = fs::directory_iterator(*folder, ec); it != fs::directory_iterator();
       it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  if (ec) return Status::Failed("cannot read the folder " + c.String("path") + ": " + ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

// Whether a relative path matches a glob pattern ("**/" also matches no folder at all).
bool GlobMatches(const std::string& pattern, const std::string& path) {
  if (fnmatch(pattern.c_str(), path.c_str(), 0) == 0) return true;
  return pattern.rfind("**/", 0) == 0 && fnmatch(pattern.substr(3).c_str(), path.c_str(), 0) == 0;
}

Result<std::vector<std::string>> Glob(CoreCall& c, const Snapshot& dir) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir.path, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::string rel = it->path().lexically_relative(dir.path).generic_string();
    if (GlobMatches(c.String("pattern"), rel)) paths.push_back(rel);
  }
  if (ec) return Status::Failed("cannot read the directory: " + ec.message());
  std::sort(paths.begin(), paths.end());
  return paths;
}

Result<Snapshot> Diff(CoreCall& c, const Snapshot& parent) {
  Result<Snapshot> other = c.Object<Snapshot>("other");
  if (!other.ok()) return other.status();
  SnapshotStore& store = c.services().snapshots();
  if (other->digest == parent.digest) return store.Empty();
  return store.Make(
      [&](const fs::path& to) { return CopyDifference(parent.path, other->path, to); });
}

Result<std::string> Export(CoreCall& c, const Snapshot& dir) {
  Result<fs::path> to =
      AbsoluteHostPath(c.String("path"), "export needs --path, the folder to write");
  if (!to.ok()) return to.status();
  struct stat there {};
  if (lstat(to->c_str(), &there) == 0 && S_ISLNK(there.st_mode)) {
    return Status::Usage("cannot export to " + to->string() +
                         ": it is a symlink; give the path of a real folder");
  }
  if (Status s = CopyTree(dir.path, *to, {}, false, CopyTarget::kHost); !s.ok()) return s;
  return to->string();
}

}  // namespace

void DeclareDirectory(CoreCatalog& catalog) {
  catalog.Object<Snapshot>("An immutable tree of files.")
      .Fn("with-new-file", "Adds a file with the given contents.",
          {Arg("path", String(), "Where, inside the directory."),
           Arg("contents", String(), "The file's contents."),
           Default("permissions", Int(), "The file's permission bits.", Number(0644))},
          WithNewFile)
      .Fn("with-file", "Adds a copy of a file.",
          {Arg("path", String(), "Where, inside the directory."),
           Arg("source", Object<FileState>(), "The file.")},
          WithFile)
      .Fn("with-directory", "Adds a copy of another directory.",
          {Arg("path", String(), "Where, inside the directory."),
           Arg("directory", Object<Snapshot>(), "The directory to copy in.")},
          WithDirectory)
      .Fn("without-file", "Removes a file.", {Arg("path", String(), "The file.")}, Without)
      .Fn("without-directory", "Removes a subdirectory.",
          {Arg("path", String(), "The subdirectory.")}, Without)
      .Fn("directory", "A subdirectory.", {Arg("path", String(), "The subdirectory.")},
          Subdirectory)
      .Fn("file", "A file of the directory.", {Arg("path", String(), "The file.")}, FileOf)
      .Fn("entries", "The names in a folder of the directory, sorted.",
          {Default("path", String(), "The folder (default: the top).", Text(""))}, Entries)
      .Fn("glob", "The paths that match a glob pattern, sorted.",
          {Arg("pattern", String(), "For example **/*.go or src/*.")}, Glob)
      .Fn("diff",
          "The files and folders of another directory that are new or differ from this one.",
          {Arg("other", Object<Snapshot>(), "The changed directory; this one is its base.")}, Diff)
      .Fn("digest", "The digest of the whole tree.", {},
          [](CoreCall&, const Snapshot& dir) -> Result<std::string> { return dir.digest; })
      .Fn("export", "Writes the directory to a host folder; returns its path.",
          {Arg("path", String(), "The host folder (created if missing).")}, Export,
          v1::CACHE_POLICY_NEVER);
}

}  // namespace host
