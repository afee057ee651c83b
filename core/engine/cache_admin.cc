#include "core/engine/cache_admin.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <unordered_map>

#include "core/base/store_size_index.h"
#include "core/types/store_leases.h"

namespace host {
namespace fs = std::filesystem;
namespace {

// The prunable stores: their names in the size index and `du`, and where their entries are.
const std::vector<std::pair<std::string, std::string>> kStores = {
    {"steps", "steps"},     {"snapshots", "snapshots"}, {"sources", "sources"},
    {"derived", "derived"}, {"layers", "layers"},       {"blobs", "blobs/sha256"},
    {"calls", "calls"},     {"flattened", "flattened"}};

bool IsTemporaryOrLock(const std::string& name) {
  return name.find(".tmp") != std::string::npos || name.rfind("tmp", 0) == 0 ||
         (name.size() > 5 && name.substr(name.size() - 5) == ".lock");
}

// A file that has more than one link: what it takes on disk is freed only with its last link.
struct Inode {
  dev_t dev;
  ino_t ino;
  bool operator==(const Inode& other) const { return dev == other.dev && ino == other.ino; }
};
struct InodeHash {
  size_t operator()(const Inode& inode) const {
    return std::hash<uint64_t>()(static_cast<uint64_t>(inode.ino) * 31 +
                                 static_cast<uint64_t>(inode.dev));
  }
};
struct SharedFile {
  uint64_t bytes = 0;
  nlink_t links = 0;              // st_nlink
  nlink_t links_seen = 0;         // in the stores' entries
  nlink_t links_left = 0;         // st_nlink, less the links of entries already removed
  size_t store = 0;               // the store where it was first seen, which counts its bytes
  size_t holders = 0;             // entries that link it
  size_t last_holder = SIZE_MAX;  // the index of the last entry that linked it
  size_t slot = 0;                // where it is in that entry's shared list
};

// One entry of a store, as a walk found it.
struct Entry {
  fs::path path;
  size_t store = 0;
  fs::file_time_type used;
  uint64_t own_bytes = 0;                         // folders, and files with a single link
  std::vector<std::pair<Inode, nlink_t>> shared;  // files with more links, and how many are here
};

// A walk of the prunable stores: every entry with what it holds alone and what it shares.
struct Walk {
  std::vector<Entry> entries;
  std::unordered_map<Inode, SharedFile, InodeHash> shared;

  // Adds what lies under path (lstat'ed as st) to entry.
  void Add(const fs::path& path, const struct stat& st, Entry* entry) {
    if (S_ISDIR(st.st_mode) || st.st_nlink <= 1) {
      entry->own_bytes += DiskBytesOf(st);
    } else {
      const Inode inode{st.st_dev, st.st_ino};
      auto [it, fresh] = shared.try_emplace(inode);
      SharedFile& file = it->second;
      if (fresh) {
        file.bytes = DiskBytesOf(st);
        file.links = file.links_left = st.st_nlink;
        file.store = entry->store;
      }
      ++file.links_seen;
      const size_t holder = entries.size();  // the entry being walked is pushed after its walk
      if (file.last_holder != holder) {
        file.last_holder = holder;
        file.slot = entry->shared.size();
        entry->shared.emplace_back(inode, 1);
        ++file.holders;
      } else {
        ++entry->shared[file.slot].second;
      }
    }
    if (!S_ISDIR(st.st_mode)) return;
    std::error_code ec;
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      struct stat child {};
      if (lstat(it->path().c_str(), &child) == 0) Add(it->path(), child, entry);
    }
  }

  // Walks every entry of the prunable stores of state.
  void Run(const fs::path& state) {
    for (size_t store = 0; store < kStores.size(); ++store) {
      std::error_code ec;
      for (fs::directory_iterator it(state / kStores[store].second, ec), end; !ec && it != end;
           it.increment(ec)) {
        if (IsTemporaryOrLock(it->path().filename().string())) continue;
        struct stat st {};
        if (lstat(it->path().c_str(), &st) != 0) continue;
        Entry entry;
        entry.path = it->path();
        entry.store = store;
        entry.used = fs::file_time_type::clock::now();
        std::error_code time_ec;
        fs::file_time_type used = fs::last_write_time(it->path(), time_ec);
        if (!time_ec) entry.used = used;
        Add(entry.path, st, &entry);
        entries.push_back(std::move(entry));
      }
    }
  }

  // What each store takes, entries and bytes, and of those bytes how many are shared: in files
  // that more than one entry, or a path outside the stores, links.
  std::vector<StoreUsage> Usage() const {
    std::vector<StoreUsage> usage;
    for (const auto& [name, dir] : kStores) usage.push_back(StoreUsage{name, 0, 0, 0});
    for (const Entry& entry : entries) {
      usage[entry.store].bytes += entry.own_bytes;
      ++usage[entry.store].entries;
    }
    for (const auto& [inode, file] : shared) {
      usage[file.store].bytes += file.bytes;
      // Held alone when its one holder has all its links (hard links inside one entry).
      if (file.holders > 1 || file.links_seen < file.links) {
        usage[file.store].shared_bytes += file.bytes;
      }
    }
    return usage;
  }

  // The index a walk finds: each store's bytes and entries.
  StoreSizeIndex Index() const {
    StoreSizeIndex index;
    index.walked = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
    for (const StoreUsage& store : Usage()) {
      index.stores[store.name] =
          StoreSize{std::min(store.bytes, kStoreSizeIndexMaxBytes),
                    std::min<uint64_t>(store.entries, kStoreSizeIndexMaxBytes)};
    }
    return index;
  }

  // The bytes that removing entry frees (its shared files whose last link it holds), given the
  // entries removed before it; counts its links as gone.
  uint64_t Remove(const Entry& entry) {
    uint64_t freed = entry.own_bytes;
    for (const auto& [inode, links] : entry.shared) {
      SharedFile& file = shared.at(inode);
      file.links_left -= std::min(file.links_left, links);
      if (file.links_left == 0) freed += file.bytes;
    }
    return freed;
  }
};

// Walks the prunable stores with the index held, and rewrites the index with what it found.
// Without the index's lock (a read-only state folder), walks all the same.
Walk WalkAndIndex(const fs::path& state, std::optional<StoreSizeIndexLock>* held) {
  Result<StoreSizeIndexLock> lock = StoreSizeIndexLock::Acquire(state);
  Walk walk;
  walk.Run(state);
  if (lock.ok()) {
    (void)lock->Write(walk.Index());  // one not written is rebuilt by the next walk
    held->emplace(std::move(*lock));
  }
  return walk;
}

}  // namespace

std::vector<StoreUsage> CacheUsage(const fs::path& state) {
  std::vector<StoreUsage> usage;
  {
    std::optional<StoreSizeIndexLock> index;
    usage = WalkAndIndex(state, &index).Usage();
  }
  // Cache volumes are the user's: shown, never pruned, not in the index.
  StoreUsage caches{"caches", 0, 0, 0};
  std::error_code ec;
  for (fs::directory_iterator it(state / "caches", ec), end; !ec && it != end; it.increment(ec)) {
    if (IsTemporaryOrLock(it->path().filename().string())) continue;
    caches.bytes += TreeDiskBytes(it->path());
    ++caches.entries;
  }
  usage.push_back(caches);
  return usage;
}

namespace {

// Removes least recently used entries until at most keep_bytes are left; entries that a live
// process leases, and those used at or after protect_since, are kept whatever the size. With
// wait false, nothing is removed (and 0 returned) while another process holds the stores' lock.
// The index is held from the walk to the renames and then rewritten with what is left, so it
// stays exact.
Result<uint64_t> Prune(const fs::path& state, uint64_t keep_bytes, size_t* removed,
                       std::optional<fs::file_time_type> protect_since, bool wait) {
  *removed = 0;
  std::optional<PruneLock> pruning;
  if (wait) {
    Result<PruneLock> lock = PruneLock::Acquire(state);
    if (!lock.ok()) return lock.status();
    pruning.emplace(std::move(*lock));
  } else {
    Result<std::optional<PruneLock>> lock = PruneLock::TryAcquire(state);
    if (!lock.ok()) return lock.status();
    if (!lock->has_value()) return uint64_t{0};
    pruning.emplace(std::move(**lock));
  }
  std::optional<StoreSizeIndexLock> index_lock;
  Walk walk = WalkAndIndex(state, &index_lock);
  StoreSizeIndex index = walk.Index();
  const uint64_t total = index.TotalBytes();
  std::vector<const Entry*> order;
  for (const Entry& entry : walk.entries) order.push_back(&entry);
  std::stable_sort(order.begin(), order.end(),
                   [](const Entry* a, const Entry* b) { return a->used < b->used; });
  uint64_t freed = 0;
  std::vector<fs::path> doomed;
  for (const Entry* entry : order) {
    if (total - freed <= keep_bytes) break;
    if (protect_since && entry->used >= *protect_since) continue;
    if (pruning->Leased(StoreEntryOf(state, entry->path))) continue;
    // Renamed while the stores' lock is held: a reader either leased the whole entry before, or
    // finds nothing and makes it again.
    fs::path gone = entry->path.string() + ".tmp" + std::to_string(getpid());
    std::error_code ec;
    fs::rename(entry->path, gone, ec);
    if (ec) continue;
    doomed.push_back(gone);
    // An entry's bytes are those it alone holds: a file it shares with entries that stay is not
    // freed, and is counted when its last link goes.
    const uint64_t bytes = walk.Remove(*entry);
    freed += bytes;
    ++*removed;
    StoreSize& size = index.stores[kStores[entry->store].first];
    size.bytes -= std::min(size.bytes, bytes);
    size.entries -= std::min<uint64_t>(size.entries, 1);
  }
  if (index_lock && *removed > 0) (void)index_lock->Write(index);
  index_lock.reset();
  pruning.reset();  // the removal itself needs no lock: nothing can reach the renamed entries
  for (const auto& path : doomed) {
    std::error_code ec;
    fs::remove_all(path, ec);
    if (ec) return Status::Failed("cannot remove " + path.string() + ": " + ec.message());
  }
  return freed;
}

// Whether a walk may start now: at most once a minute, whatever the number of processes (the
// stamp's age says when). Marks the start of one when it may.
bool WalkAllowed(const fs::path& state) {
  const fs::path stamp = state / "last-eviction";
  std::error_code ec;
  auto now = fs::file_time_type::clock::now();
  if (fs::exists(stamp, ec) && now - fs::last_write_time(stamp, ec) < std::chrono::minutes(1)) {
    return false;
  }
  std::ofstream(stamp).flush();
  fs::last_write_time(stamp, now, ec);
  return true;
}

}  // namespace

Result<uint64_t> PruneCache(const fs::path& state, uint64_t keep_bytes, size_t* removed) {
  return Prune(state, keep_bytes, removed, std::nullopt, /*wait=*/true);
}

size_t EvictIfOver(const fs::path& state, uint64_t limit_bytes, fs::file_time_type since) {
  std::optional<StoreSizeIndex> index = ReadStoreSizeIndex(state);
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const int64_t max_age = std::chrono::seconds(kStoreSizeIndexMaxAge).count();
  // Not trusted when its last walk is a day old, or in the future (a clock set back).
  const bool stale = !index || now - index->walked > max_age || index->walked - now > max_age;
  if (!stale && index->TotalBytes() <= limit_bytes) return 0;  // the common case: no walk
  if (!WalkAllowed(state)) return 0;
  uint64_t total = 0;
  if (stale) {
    std::optional<StoreSizeIndexLock> lock;
    total = WalkAndIndex(state, &lock).Index().TotalBytes();
  } else {
    total = index->TotalBytes();
  }
  if (total <= limit_bytes) return 0;
  size_t removed = 0;
  Result<uint64_t> freed = Prune(state, limit_bytes / 10 * 8, &removed, since, /*wait=*/false);
  return freed.ok() ? removed : 0;
}

}  // namespace host
