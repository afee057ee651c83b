// Leases on the entries of the state folder's stores (step results, snapshots, derived and image
// layers, blobs, function results): what a running process uses is recorded in its lease file,
// and no prune or eviction, in this process or another, removes a leased entry. A lease lasts as
// long as the process that holds it.
//
// Protocol: a user takes the stores' lock shared while it records an entry and checks that the
// entry is still there; a pruner takes it exclusively while it reads the leases and renames what
// it removes. So an entry is either leased before the pruner looks, and kept, or found missing by
// its user, who then makes it again.
#ifndef HOST_TYPES_STORE_LEASES_H_
#define HOST_TYPES_STORE_LEASES_H_

#include <sys/types.h>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/base/file_lock.h"
#include "core/base/status.h"
#include "core/base/unique_fd.h"

namespace host {

// The store entry (a path relative to the state folder, such as "layers/<hex>" or
// "blobs/sha256/<hex>") that a path inside the state folder belongs to; empty when none.
std::string StoreEntryOf(const std::filesystem::path& state, const std::filesystem::path& path);

// This process's leases on one state folder. Thread-safe.
class StoreLeases {
 public:
  explicit StoreLeases(std::filesystem::path state);
  ~StoreLeases();
  StoreLeases(const StoreLeases&) = delete;
  StoreLeases& operator=(const StoreLeases&) = delete;

  // Leases the store entries that paths belong to, for the life of this process, and marks them
  // used (for least-recently-used order). False when one of them is gone: a prune removed it
  // before it could be leased, and the caller must make it again.
  Result<bool> Hold(const std::vector<std::filesystem::path>& paths);

  // Holds the stores' lock shared until the returned scope ends: prunes wait meanwhile. For work
  // that reads entries before it can name them all, such as a pull.
  class Scope {
   public:
    explicit Scope(StoreLeases* owner) : owner_(owner) {}
    Scope(Scope&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    ~Scope();

   private:
    StoreLeases* owner_;
  };
  Result<Scope> Share();

 private:
  Status LockShared();                           // mutex_ held
  void UnlockShared();                           // mutex_ held
  Status OpenLeaseFile();                        // mutex_ held, the stores' lock held shared
  Status WriteLeases(const std::string& lines);  // the same; appends lines to the list

  const std::filesystem::path state_;
  std::mutex mutex_;
  UniqueFd stores_lock_fd_;
  int shared_count_ = 0;
  UniqueFd lease_fd_;    // locked for life: tells pruners this process is alive
  off_t lease_end_ = 0;  // where the list written so far ends
  std::set<std::string> held_;
};

// The stores' lock held exclusively, with the entries that live processes lease. Pruners hold it
// while they choose and rename what they remove. A lease file whose process is gone is ignored.
class PruneLock {
 public:
  // Waits for the lock.
  static Result<PruneLock> Acquire(const std::filesystem::path& state);
  // Does not wait: nullopt while some process holds the stores' lock.
  static Result<std::optional<PruneLock>> TryAcquire(const std::filesystem::path& state);

  // Whether a live process leases the entry (a path relative to the state folder).
  bool Leased(const std::string& entry) const { return leased_.count(entry) > 0; }

 private:
  PruneLock(FileLock lock, std::set<std::string> leased)
      : lock_(std::move(lock)), leased_(std::move(leased)) {}
  static Result<PruneLock> ReadLeases(const std::filesystem::path& state, FileLock lock);
  FileLock lock_;
  std::set<std::string> leased_;
};

}  // namespace host

#endif  // HOST_TYPES_STORE_LEASES_H_
