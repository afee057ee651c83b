// What the state folder holds and how to shrink it: `host cache du` and `host cache prune`.
#ifndef HOST_ENGINE_CACHE_ADMIN_H_
#define HOST_ENGINE_CACHE_ADMIN_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/base/status.h"

namespace host {

// The disk use of one store of the state folder.
struct StoreUsage {
  std::string name;    // steps, snapshots, derived, layers, blobs, caches
  uint64_t bytes = 0;  // on disk; hard-linked files are counted once
  size_t entries = 0;
};

// The disk use of each store of a state folder.
std::vector<StoreUsage> CacheUsage(const std::filesystem::path& state);

// Removes the least recently used entries (step results, snapshots, derived layers, image layers
// and blobs) until the stores take at most keep_bytes; cache volumes and keys are kept. Returns
// how many bytes were freed; *removed counts the entries.
Result<uint64_t> PruneCache(const std::filesystem::path& state, uint64_t keep_bytes,
                            size_t* removed);

// Parses a size such as 500MB, 2GB, 1.5GiB or 1024 (bytes); a usage error when malformed.
Result<uint64_t> ParseSize(const std::string& text);

// A size as people read it: 12.3 MB.
std::string FormatSize(uint64_t bytes);

}  // namespace host

#endif  // HOST_ENGINE_CACHE_ADMIN_H_
