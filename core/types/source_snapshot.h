// Snapshots of host folders, in the time of a stat per file: a folder's index (source_index.h)
// says which files are unchanged, only the others are read, and the snapshot shares unchanged
// files with the folder's previous snapshot by hard links instead of copying them.
#ifndef HOST_TYPES_SOURCE_SNAPSHOT_H_
#define HOST_TYPES_SOURCE_SNAPSHOT_H_

#include <cstddef>
#include <filesystem>

#include "core/base/status.h"
#include "core/types/snapshot_store.h"

namespace host {

// What taking a snapshot of a host folder cost.
struct SourceSnapshotStats {
  size_t files = 0;      // regular files in the snapshot
  size_t read = 0;       // files whose bytes were read (changed, new, or unknown to the index)
  size_t linked = 0;     // files shared with the previous snapshot by a hard link
  bool stored = false;   // a new snapshot was written (false: an equal one was stored already)
  bool adopted = false;  // the previous snapshot, unused, was turned into the new one in place
};

// Takes a snapshot of the host folder source (an absolute path) with the entries filter takes
// (an excluded folder is never walked). Its digest is TreeDigest's of the stored tree. index_dir
// keeps one index per folder and filter. A file that vanishes while it is read is left out; one
// that keeps changing is an error naming it.
Result<Snapshot> SnapshotHostFolder(SnapshotStore& store, const std::filesystem::path& index_dir,
                                    const std::filesystem::path& source, const PathFilter& filter,
                                    SourceSnapshotStats* stats = nullptr);

}  // namespace host

#endif  // HOST_TYPES_SOURCE_SNAPSHOT_H_
