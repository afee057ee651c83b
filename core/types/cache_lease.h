// Which folder of a cache volume a step mounts, by sharing mode, and the lock that keeps other
// steps out of it while the step runs.
#ifndef HOST_TYPES_CACHE_LEASE_H_
#define HOST_TYPES_CACHE_LEASE_H_

#include <filesystem>
#include <optional>
#include <string>

#include "core/base/file_lock.h"
#include "core/base/status.h"

namespace host {

// A cache volume's folder as one step uses it; the folder is the step's alone while lock is held.
struct CacheLease {
  std::filesystem::path folder;
  std::optional<FileLock> lock;  // released when the lease is destroyed
};

// Leases a cache volume whose main folder is `volume` (created when missing), by sharing mode:
// SHARED: the main folder, with no lock. LOCKED: the main folder, once no other step holds it
// (waits). PRIVATE: the first instance that no running step holds (the main folder, then
// volume-1, volume-2, ...), a new one when every existing instance is held; never waits.
Result<CacheLease> LeaseCacheVolume(const std::filesystem::path& volume,
                                    const std::string& sharing);

}  // namespace host

#endif  // HOST_TYPES_CACHE_LEASE_H_
