// What the state folder holds and how to shrink it: `host cache du` and `host cache prune`.
#ifndef HOST_ENGINE_CACHE_ADMIN_H_
#define HOST_ENGINE_CACHE_ADMIN_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/base/size.h"
#include "core/base/status.h"

namespace host {

// The disk use of one store of the state folder.
struct StoreUsage {
  std::string name;    // steps, snapshots, sources, derived, layers, blobs, calls, caches
  uint64_t bytes = 0;  // on disk; hard-linked files are counted once
  size_t entries = 0;
  // Of bytes, those in files that another entry (or a path outside the stores) also links: they
  // are freed only when the last of them goes. The rest is held alone by one entry each.
  uint64_t shared_bytes = 0;
};

// The disk use of each store of a state folder, by a walk of every store; rewrites the store
// size index (core/base/store_size_index.h) with what it found.
std::vector<StoreUsage> CacheUsage(const std::filesystem::path& state);

// Removes the least recently used entries (step results, snapshots, source indexes, derived
// layers, image layers, blobs and function results) until the stores take at most keep_bytes;
// cache volumes, keys and entries leased by a running process (StoreLeases) are kept. Waits while
// a process pulls. Returns how many bytes were freed (a file hard-linked from several entries
// counts when its last link goes); *removed counts the entries.
Result<uint64_t> PruneCache(const std::filesystem::path& state, uint64_t keep_bytes,
                            size_t* removed);

// Evicts least recently used entries when the stores take more than limit_bytes, down to 80% of
// it; entries used since `since` or leased by a running process are never evicted, so no run
// loses what it uses. The size comes from the store size index, so a run under the limit walks
// nothing; a walk (to prune, or to rebuild a missing, invalid or day-old index) happens at most
// once a minute across processes. Does nothing, rather than wait, while another process pulls.
// Returns how many entries it removed.
size_t EvictIfOver(const std::filesystem::path& state, uint64_t limit_bytes,
                   std::filesystem::file_time_type since);

}  // namespace host

#endif  // HOST_ENGINE_CACHE_ADMIN_H_
