// Directories as immutable snapshots stored by content: the digest of a tree (names, modes,
// contents, link targets) names the folder that holds it, so equal trees are stored once and a
// changed file changes the digest of every step that depends on it.
#ifndef HOST_TYPES_SNAPSHOT_STORE_H_
#define HOST_TYPES_SNAPSHOT_STORE_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/types/store_leases.h"

namespace host {

// An immutable directory tree in the store.
struct Snapshot {
  std::string digest;          // "sha256:..." of the tree
  std::filesystem::path path;  // its folder; never write into it
};

// Which paths of a tree to take: glob patterns matched against paths relative to the root.
struct PathFilter {
  std::vector<std::string> include;  // empty: everything
  std::vector<std::string> exclude;
  // Whether the relative path (a file, or a folder when is_dir) is taken.
  bool Takes(const std::string& relative, bool is_dir) const;
};

// Snapshots under <state>/snapshots.
class SnapshotStore {
 public:
  // Snapshots made or found are leased through leases, so no prune removes them while in use.
  SnapshotStore(std::filesystem::path dir, StoreLeases* leases);

  // Builds a snapshot: fill writes the tree into a fresh temporary folder; the tree is then
  // stored under its digest (once, even when several processes make it at the same time).
  Result<Snapshot> Make(const std::function<Status(const std::filesystem::path&)>& fill);

  // The empty directory.
  Result<Snapshot> Empty();

  // The stored snapshot with this digest ("sha256:..."), leased; nullopt when it is not stored.
  Result<std::optional<Snapshot>> Find(const std::string& digest);

  // A new empty folder in the store, for a tree to be kept under its digest once written.
  Result<std::filesystem::path> NewTemporary();

  // Stores the tree written in tmp (from NewTemporary) under digest, which the caller computed
  // from what it wrote, and leases it; tmp is gone afterwards. When that tree is stored already,
  // tmp is removed and the stored one is used. new_bytes: what the tree takes on disk beyond the
  // files it shares with other entries by hard links (for the stores' size index).
  Result<Snapshot> Keep(const std::filesystem::path& tmp, const std::string& digest,
                        uint64_t new_bytes);

  // The store's folder.
  const std::filesystem::path& dir() const { return dir_; }
  // The leases through which its snapshots are held.
  StoreLeases& leases() { return *leases_; }

 private:
  // Renames tmp to the entry of digest (or removes it when that entry exists); not leased.
  Result<Snapshot> Place(const std::filesystem::path& tmp, const std::string& digest,
                         uint64_t new_bytes);
  // Make without the lease.
  Result<Snapshot> MakeOnce(const std::function<Status(const std::filesystem::path&)>& fill);
  std::filesystem::path dir_;
  StoreLeases* leases_;
};

// The digest of a tree.
std::string TreeDigest(const std::filesystem::path& dir);

// The digest of one file's contents and mode.
std::string FileDigest(const std::filesystem::path& file);

// Where CopyTree writes: into the state folder, or onto the host (an export), where setuid and
// setgid bits are dropped.
enum class CopyTarget { kStore, kHost };

// Copies a tree (files, folders, symlinks, modes) from `from` into `to`, taking what filter
// takes. With link, regular files are hard-linked instead of copied (only for immutable sources
// on the same filesystem). What `to` already holds is merged with, but a symlink there is
// replaced, never followed, so the copy writes nothing outside `to`.
Status CopyTree(const std::filesystem::path& from, const std::filesystem::path& to,
                const PathFilter& filter = {}, bool link = false,
                CopyTarget where = CopyTarget::kStore);

// Appends the bytes of source (opened without following a link) to the open file out.
Status CopyBytes(const std::filesystem::path& source, int out);

// A relative path inside a directory, checked: no "..", not absolute after trimming "/" and
// "./" (which are allowed as a prefix). `what` names it in errors.
Result<std::filesystem::path> InsidePath(const std::string& path, const std::string& what);

}  // namespace host

#endif  // HOST_TYPES_SNAPSHOT_STORE_H_
