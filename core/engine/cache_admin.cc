#include "core/engine/cache_admin.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>
#include <set>

#include "core/types/store_leases.h"

namespace host {
namespace fs = std::filesystem;
namespace {

// The prunable stores: where their entries are.
const std::vector<std::pair<std::string, std::string>> kStores = {
    {"steps", "steps"},        {"snapshots", "snapshots"}, {"derived", "derived"},
    {"layers", "layers"},      {"blobs", "blobs/sha256"},  {"calls", "calls"},
    {"flattened", "flattened"}};

bool IsTemporaryOrLock(const std::string& name) {
  return name.find(".tmp") != std::string::npos || name.rfind("tmp", 0) == 0 ||
         (name.size() > 5 && name.substr(name.size() - 5) == ".lock");
}

// Bytes on disk under path; files already in seen (hard links) are not counted again.
uint64_t DiskBytes(const fs::path& path, std::set<std::pair<dev_t, ino_t>>* seen) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return 0;
  uint64_t total = 0;
  if (seen->insert({st.st_dev, st.st_ino}).second)
    total += static_cast<uint64_t>(st.st_blocks) * 512;
  if (S_ISDIR(st.st_mode)) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(path, ec)) total += DiskBytes(e.path(), seen);
  }
  return total;
}

}  // namespace

std::vector<StoreUsage> CacheUsage(const fs::path& state) {
  std::vector<StoreUsage> usage;
  std::set<std::pair<dev_t, ino_t>> seen;
  auto stores = kStores;
  stores.emplace_back("caches", "caches");
  for (const auto& [name, dir] : stores) {
    StoreUsage u{name, 0, 0};
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(state / dir, ec)) {
      if (IsTemporaryOrLock(e.path().filename().string())) continue;
      u.bytes += DiskBytes(e.path(), &seen);
      ++u.entries;
    }
    usage.push_back(u);
  }
  return usage;
}

namespace {

// Removes least recently used entries until at most keep_bytes are left; entries that a live
// process leases, and those used at or after protect_since, are kept whatever the size. With
// wait false, nothing is removed (and 0 returned) while another process holds the stores' lock.
Result<uint64_t> Prune(const fs::path& state, uint64_t keep_bytes, size_t* removed,
                       std::optional<fs::file_time_type> protect_since, bool wait) {
  struct Entry {
    fs::path path;
    fs::file_time_type used;
    uint64_t bytes;
  };
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
  std::vector<Entry> entries;
  std::set<std::pair<dev_t, ino_t>> seen;
  uint64_t total = 0;
  for (const auto& [name, dir] : kStores) {
    std::error_code ec;
    for (auto it = fs::directory_iterator(state / dir, ec); it != fs::directory_iterator();
         it.increment(ec)) {
      if (IsTemporaryOrLock(it->path().filename().string())) continue;
      Entry entry{it->path(), fs::last_write_time(it->path(), ec), DiskBytes(it->path(), &seen)};
      total += entry.bytes;
      entries.push_back(entry);
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.used < b.used; });
  uint64_t freed = 0;
  std::vector<fs::path> doomed;
  for (const auto& entry : entries) {
    if (total - freed <= keep_bytes) break;
    if (protect_since && entry.used >= *protect_since) continue;
    if (pruning->Leased(StoreEntryOf(state, entry.path))) continue;
    // Renamed while the stores' lock is held: a reader either leased the whole entry before, or
    // finds nothing and makes it again.
    fs::path gone = entry.path.string() + ".tmp" + std::to_string(getpid());
    std::error_code ec;
    fs::rename(entry.path, gone, ec);
    if (ec) continue;
    doomed.push_back(gone);
    freed += entry.bytes;
    ++*removed;
  }
  pruning.reset();  // the removal itself needs no lock: nothing can reach the renamed entries
  for (const auto& path : doomed) {
    std::error_code ec;
    fs::remove_all(path, ec);
    if (ec) return Status::Failed("cannot remove " + path.string() + ": " + ec.message());
  }
  return freed;
}

}  // namespace

Result<uint64_t> PruneCache(const fs::path& state, uint64_t keep_bytes, size_t* removed) {
  return Prune(state, keep_bytes, removed, std::nullopt, /*wait=*/true);
}

size_t EvictIfOver(const fs::path& state, uint64_t limit_bytes, fs::file_time_type since) {
  // At most once a minute, whatever the number of processes: the stamp's age says when.
  const fs::path stamp = state / "last-eviction";
  std::error_code ec;
  auto now = fs::file_time_type::clock::now();
  if (fs::exists(stamp, ec) && now - fs::last_write_time(stamp, ec) < std::chrono::minutes(1)) {
    return 0;
  }
  std::ofstream(stamp).flush();
  fs::last_write_time(stamp, now, ec);
  uint64_t total = 0;
  for (const auto& usage : CacheUsage(state)) {
    if (usage.name != "caches") total += usage.bytes;
  }
  if (total <= limit_bytes) return 0;
  size_t removed = 0;
  Result<uint64_t> freed = Prune(state, limit_bytes / 10 * 8, &removed, since, /*wait=*/false);
  return freed.ok() ? removed : 0;
}

}  // namespace host
