#include "core/types/snapshot_store.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>

#include "core/base/best_effort.h"
#include "core/base/file_write.h"
#include "core/base/sha256.h"
#include "core/base/store_size_index.h"
#include "core/base/unique_fd.h"

namespace host {
namespace fs = std::filesystem;
namespace {

bool Matches(const std::string& pattern, const std::string& relative) {
  std::string p = pattern;
  while (!p.empty() && p.back() == '/') p.pop_back();
  if (p.rfind("./", 0) == 0) p = p.substr(2);
  if (p.rfind("/", 0) == 0) p = p.substr(1);
  if (fnmatch(p.c_str(), relative.c_str(), 0) == 0) return true;
  // A pattern naming a folder takes everything under it; a pattern without a slash matches a
  // name at any depth, as .gitignore and .dockerignore do.
  if (relative.rfind(p + "/", 0) == 0) return true;
  if (p.find('/') == std::string::npos) {
    size_t slash = relative.rfind('/');
    std::string name = slash == std::string::npos ? relative : relative.substr(slash + 1);
    return fnmatch(p.c_str(), name.c_str(), 0) == 0;
  }
  return false;
}

// An error about path; a full disk says what to do.
Status Fail(const std::string& what, const fs::path& path, const std::error_code& ec) {
  return Status::Failed(what + " " + path.string() + ": " + WriteErrorText(ec.value()));
}

}  // namespace

bool PathFilter::Takes(const std::string& relative, bool is_dir) const {
  for (const auto& pattern : exclude) {
    if (Matches(pattern, relative)) return false;
  }
  if (include.empty() || is_dir) return true;  // folders are walked; their files decide
  for (const auto& pattern : include) {
    if (Matches(pattern, relative)) return true;
  }
  return false;
}

std::string FileDigest(const fs::path& file) {
  Sha256 sha;
  std::ifstream in(file, std::ios::binary);
  std::vector<char> chunk(1 << 20);
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    sha.Update(chunk.data(), static_cast<size_t>(in.gcount()));
  }
  struct stat st {};
  lstat(file.c_str(), &st);
  return sha.Digest() + ((st.st_mode & 0111) ? "+x" : "");
}

std::string TreeDigest(const fs::path& dir) {
  std::vector<fs::directory_entry> entries;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) entries.push_back(e);
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
  Sha256 sha;
  for (const auto& e : entries) {
    struct stat st {};
    if (lstat(e.path().c_str(), &st) != 0) continue;
    sha.UpdateField(e.path().filename().string());
    sha.UpdateField(std::to_string(st.st_mode & 07777));
    if (S_ISLNK(st.st_mode)) {
      sha.UpdateField("link");
      sha.UpdateField(fs::read_symlink(e.path(), ec).string());
    } else if (S_ISDIR(st.st_mode)) {
      sha.UpdateField("dir");
      sha.UpdateField(TreeDigest(e.path()));
    } else if (S_ISREG(st.st_mode)) {
      sha.UpdateField("file");
      sha.UpdateField(FileDigest(e.path()));
    }
  }
  return sha.Digest();
}

Status CopyBytes(const fs::path& source, int out) {
  UniqueFd in(open(source.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!in.ok()) return Fail("cannot read", source, std::error_code(errno, std::generic_category()));
  std::vector<char> buffer(1 << 16);
  Status status;
  for (;;) {
    ssize_t n = read(in.get(), buffer.data(), buffer.size());
    if (n == 0) break;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = Fail("cannot read", source, std::error_code(errno, std::generic_category()));
      break;
    }
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(out, buffer.data() + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        return Status::Failed("cannot write a copy of " + source.string() + ": " +
                              WriteErrorText(w < 0 ? errno : ENOSPC));
      }
      done += w;
    }
  }
  return status;
}

namespace {

// Makes target a real folder with the given mode: whatever else is there (a file, or a symlink
// that would lead elsewhere) is replaced, never followed.
Status PlaceFolder(const fs::path& target, mode_t mode) {
  struct stat st {};
  std::error_code ec;
  if (lstat(target.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) fs::remove(target, ec);
  if (lstat(target.c_str(), &st) != 0 && mkdir(target.c_str(), 0700) != 0) {
    return Fail("cannot create", target, std::error_code(errno, std::generic_category()));
  }
  // The mode is set on the folder opened without following, not by path: a link swapped in
  // meanwhile is refused rather than given the mode.
  UniqueFd fd(open(target.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.ok() || fchmod(fd.get(), mode) != 0) {
    return Fail("cannot create", target, std::error_code(errno, std::generic_category()));
  }
  return {};
}

// Writes a new file at target (which must not exist; never through a link) with the bytes of
// source; its mode is set only once all bytes are written, so a failed or killed copy never
// leaves a file with the source's setuid bits.
Status CopyNewFile(const fs::path& source, const fs::path& target, mode_t mode) {
  UniqueFd out(open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!out.ok())
    return Fail("cannot create", target, std::error_code(errno, std::generic_category()));
  Status copied = CopyBytes(source, out.get());
  if (copied.ok() && fchmod(out.get(), mode) != 0) {
    copied =
        Fail("cannot set the mode of", target, std::error_code(errno, std::generic_category()));
  }
  if (out.Close() != 0 && copied.ok()) {
    copied = Fail("cannot write", target, std::error_code(errno, std::generic_category()));
  }
  if (!copied.ok()) unlink(target.c_str());
  return copied;
}

// Frees target for a new file or link: what is there is removed, a folder with all it holds.
void Vacate(const fs::path& target) {
  struct stat st {};
  std::error_code ec;
  if (lstat(target.c_str(), &st) == 0) fs::remove_all(target, ec);
}

}  // namespace

Status CopyTree(const fs::path& from, const fs::path& to, const PathFilter& filter, bool link,
                CopyTarget where) {
  // On the host, an exported tree never carries setuid or setgid bits.
  const mode_t keep = where == CopyTarget::kHost ? 01777 : 07777;
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) return Fail("cannot create", to, ec);
  // The walk is in pre-order, so each target's parent was made a real folder before it.
  for (auto it = fs::recursive_directory_iterator(from, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return Fail("cannot read", from, ec);
    const fs::path& source = it->path();
    std::string relative = source.lexically_relative(from).generic_string();
    struct stat st {};
    if (lstat(source.c_str(), &st) != 0) continue;
    if (!filter.Takes(relative, S_ISDIR(st.st_mode))) {
      if (S_ISDIR(st.st_mode)) it.disable_recursion_pending();
      continue;
    }
    fs::path target = to / relative;
    if (S_ISDIR(st.st_mode)) {
      if (Status s = PlaceFolder(target, st.st_mode & keep); !s.ok()) return s;
    } else if (S_ISLNK(st.st_mode)) {
      Vacate(target);
      fs::create_symlink(fs::read_symlink(source, ec), target, ec);
    } else if (S_ISREG(st.st_mode)) {
      Vacate(target);
      bool linked = false;
      if (link) {
        fs::create_hard_link(source, target, ec);
        linked = !ec;
        ec.clear();
      }
      if (!linked) {
        if (Status s = CopyNewFile(source, target, st.st_mode & keep); !s.ok()) return s;
      }
    }
    if (ec) return Fail("cannot copy", source, ec);
  }
  // Empty folders made by filtering are kept: they are part of the tree as given.
  return {};
}

Result<fs::path> InsidePath(const std::string& path, const std::string& what) {
  fs::path clean = fs::path(path).lexically_normal();
  std::string text = clean.generic_string();
  while (text.rfind("/", 0) == 0) text = text.substr(1);
  if (text == ".") text.clear();
  fs::path relative(text);
  for (const auto& part : relative) {
    if (part == "..") {
      return Status::Usage(what + " '" + path + "' leaves its directory; use a path inside it");
    }
  }
  return relative;
}

SnapshotStore::SnapshotStore(fs::path dir, StoreLeases* leases)
    : dir_(std::move(dir)), leases_(leases) {}

Result<Snapshot> SnapshotStore::Make(const std::function<Status(const fs::path&)>& fill) {
  // A prune of another process between storing and leasing is seen as a missing snapshot, and
  // the tree is made again (rarely more than once).
  for (int attempt = 0; attempt < 3; ++attempt) {
    Result<Snapshot> made = MakeOnce(fill);
    if (!made.ok()) return made.status();
    Result<bool> held = leases_->Hold({made->path});
    if (!held.ok()) return held.status();
    if (*held) return made;
  }
  return Status::Failed("cannot store a snapshot in " + dir_.string() +
                        ": it was removed again each time (is a prune running in a loop?)");
}

Result<fs::path> SnapshotStore::NewTemporary() {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Fail("cannot create the snapshot store", dir_, ec);
  // tmp<pid>-...: a leftover of a dead process is recognized and removed (RemoveLeftovers).
  std::string tmp = (dir_ / ("tmp" + std::to_string(getpid()) + "-XXXXXX")).string();
  if (mkdtemp(tmp.data()) == nullptr) {
    return Status::Failed("cannot create a folder in " + dir_.string() + ": " +
                          WriteErrorText(errno));
  }
  return fs::path(tmp);
}

Result<Snapshot> SnapshotStore::Place(const fs::path& tmp, const std::string& digest,
                                      uint64_t new_bytes) {
  if (chmod(tmp.c_str(), 0755) != 0) {
    const int error = errno;
    RemoveTreeBestEffort(tmp);
    return Fail("cannot set the mode of", tmp, std::error_code(error, std::generic_category()));
  }
  Snapshot snapshot;
  snapshot.digest = digest;
  snapshot.path = dir_ / digest.substr(digest.find(':') + 1);
  std::error_code ec;
  if (fs::exists(snapshot.path, ec)) {  // the same tree is stored already
    RemoveTreeBestEffort(tmp);
    return snapshot;
  }
  fs::rename(tmp, snapshot.path, ec);
  if (ec) {
    RemoveTreeBestEffort(tmp);
    std::error_code gone;
    if (!fs::exists(snapshot.path, gone)) return Fail("cannot store a snapshot in", dir_, ec);
    return snapshot;
  }
  RecordStoreEntry(dir_.parent_path(), "snapshots", new_bytes);
  return snapshot;
}

Result<Snapshot> SnapshotStore::MakeOnce(const std::function<Status(const fs::path&)>& fill) {
  Result<fs::path> tmp = NewTemporary();
  if (!tmp.ok()) return tmp.status();
  if (Status s = fill(*tmp); !s.ok()) {
    RemoveTreeBestEffort(*tmp);
    return s;
  }
  return Place(*tmp, TreeDigest(*tmp), UnsharedTreeDiskBytes(*tmp));
}

Result<Snapshot> SnapshotStore::Keep(const fs::path& tmp, const std::string& digest,
                                     uint64_t new_bytes) {
  Result<Snapshot> placed = Place(tmp, digest, new_bytes);
  if (!placed.ok()) return placed.status();
  Result<bool> held = leases_->Hold({placed->path});
  if (!held.ok()) return held.status();
  if (!*held) {
    return Status::Failed("the snapshot " + placed->path.string() +
                          " was removed by a prune as it was stored; run again");
  }
  return placed;
}

Result<std::optional<Snapshot>> SnapshotStore::Find(const std::string& digest) {
  Snapshot snapshot;
  snapshot.digest = digest;
  snapshot.path = dir_ / digest.substr(digest.find(':') + 1);
  struct stat st {};
  if (lstat(snapshot.path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return std::optional<Snapshot>();
  }
  Result<bool> held = leases_->Hold({snapshot.path});
  if (!held.ok()) return held.status();
  if (!*held) return std::optional<Snapshot>();  // pruned meanwhile: made again
  return std::optional<Snapshot>(snapshot);
}

Result<Snapshot> SnapshotStore::Empty() {
  return Make([](const fs::path&) { return Status(); });
}

}  // namespace host
