#include "core/types/cache_lease.h"

namespace host {
namespace fs = std::filesystem;
namespace {

// Instance n of a volume: the main folder for 0, else volume-n.
fs::path Instance(const fs::path& volume, size_t n) {
  return n == 0 ? volume : fs::path(volume.string() + "-" + std::to_string(n));
}

Result<CacheLease> Created(fs::path folder, std::optional<FileLock> lock) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) {
    return Status::Failed("cannot create the cache volume folder " + folder.string() + ": " +
                          ec.message());
  }
  return CacheLease{std::move(folder), std::move(lock)};
}

}  // namespace

Result<CacheLease> LeaseCacheVolume(const fs::path& volume, const std::string& sharing) {
  if (sharing == "LOCKED") {
    // The same lock file as instance 0 of PRIVATE: both keep other steps out of the main folder.
    Result<FileLock> lock = FileLock::Acquire(volume.string() + ".lock");
    if (!lock.ok()) return lock.status();
    return Created(volume, std::move(*lock));
  }
  if (sharing == "PRIVATE") {
    // Holders never outnumber the instances, so this ends at the first instance nobody holds,
    // at worst a new one.
    for (size_t n = 0;; ++n) {
      fs::path instance = Instance(volume, n);
      Result<std::optional<FileLock>> lock = FileLock::TryAcquire(instance.string() + ".lock");
      if (!lock.ok()) return lock.status();
      if (*lock) return Created(instance, std::move(*lock));
    }
  }
  return Created(volume, std::nullopt);
}

}  // namespace host
