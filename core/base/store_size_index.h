// The size of the state folder's prunable stores, kept in an index file (`store-size`) that
// writers update as they store entries and that walks (`host cache du`, prune) rewrite exactly, so
// eviction knows the state folder's size without walking it.
//
// The index is a hint, never trusted blindly: a file that is missing, truncated, or fails its
// checksum is ignored, and the next eviction check rebuilds it by a walk. Writers never create
// it: an entry stored while there is no valid index is counted by that walk. What can drift (a
// process killed between storing an entry and counting it, an entry removed outside a prune,
// files shared by hard links) is corrected by every walk, and an index whose last walk is older
// than kStoreSizeIndexMaxAge is walked again.
//
// Concurrency: every read and update holds flock() on the index file itself (shared to read,
// exclusive to update), and a walk holds it exclusively from its start to its rewrite, so an
// update waits for the walk instead of being lost.
#ifndef HOST_BASE_STORE_SIZE_INDEX_H_
#define HOST_BASE_STORE_SIZE_INDEX_H_

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/status.h"
#include "core/base/unique_fd.h"

namespace host {

// The bytes on disk and the number of entries of one store.
struct StoreSize {
  uint64_t bytes = 0;
  uint64_t entries = 0;
};

// What an index holds: each store's size, and when a walk last wrote it exactly.
struct StoreSizeIndex {
  std::map<std::string, StoreSize> stores;
  int64_t walked = 0;  // seconds since the epoch

  // The bytes of all stores.
  uint64_t TotalBytes() const;
};

// How long an index may go without a walk before eviction walks again to correct its drift.
inline constexpr std::chrono::hours kStoreSizeIndexMaxAge{24};

// The largest size a store may have in an index; larger values are refused, sums saturate here.
inline constexpr uint64_t kStoreSizeIndexMaxBytes = uint64_t{1} << 56;

// The index file of a state folder.
std::filesystem::path StoreSizeIndexPath(const std::filesystem::path& state);

// Parses an index file's text; nullopt unless it is a complete, well-formed index whose checksum
// matches (the text is hostile: anything else is refused, never partly used).
std::optional<StoreSizeIndex> ParseStoreSizeIndex(std::string_view text);

// The text of an index file, as ParseStoreSizeIndex reads it.
std::string FormatStoreSizeIndex(const StoreSizeIndex& index);

// Counts a change of a store in state's index: `bytes` more (or fewer, when negative) on disk
// and `entries` more (or fewer) entries, clamped at zero. A writer calls it once after it renames
// a new entry into place, with the bytes it newly wrote. Does nothing when the index is missing
// or not valid (the next walk counts the entry); never fails the write that called it.
void RecordStoreChange(const std::filesystem::path& state, std::string_view store, int64_t bytes,
                       int64_t entries);

// RecordStoreChange for one new entry of `bytes` bytes.
inline void RecordStoreEntry(const std::filesystem::path& state, std::string_view store,
                             uint64_t bytes) {
  RecordStoreChange(state, store,
                    static_cast<int64_t>(std::min<uint64_t>(bytes, kStoreSizeIndexMaxBytes)), 1);
}

// State's index, or nullopt when it is missing or not valid.
std::optional<StoreSizeIndex> ReadStoreSizeIndex(const std::filesystem::path& state);

// The index held exclusively for a walk: updates of other threads and processes wait until it is
// destroyed, then apply to what the walk wrote.
class StoreSizeIndexLock {
 public:
  // Creates the index file if needed (an empty one is not valid) and waits for the lock.
  static Result<StoreSizeIndexLock> Acquire(const std::filesystem::path& state);
  StoreSizeIndexLock(StoreSizeIndexLock&&) noexcept = default;
  StoreSizeIndexLock& operator=(StoreSizeIndexLock&&) noexcept = default;

  // The index as it is now, or nullopt when it is not valid.
  std::optional<StoreSizeIndex> Read() const;
  // Replaces the index with `index`.
  Status Write(const StoreSizeIndex& index) const;

 private:
  StoreSizeIndexLock(UniqueFd fd, std::filesystem::path path)
      : fd_(std::move(fd)), path_(std::move(path)) {}
  UniqueFd fd_;  // closing it releases the lock
  std::filesystem::path path_;
};

// The bytes on disk (st_blocks) that a stat result takes.
inline uint64_t DiskBytesOf(const struct stat& st) {
  return static_cast<uint64_t>(st.st_blocks) * 512;
}

// The bytes on disk of one file or folder itself (not what a folder holds); 0 when it is gone.
uint64_t FileDiskBytes(const std::filesystem::path& path);

// The bytes on disk of a file or a whole tree (symlinks not followed), each hard-linked file
// counted once: what a writer passes to RecordStoreEntry for a tree it has just written.
uint64_t TreeDiskBytes(const std::filesystem::path& path);

// The bytes on disk of a tree's folders and of its files that have no other link: what a tree
// that hard-links files of other entries newly takes.
uint64_t UnsharedTreeDiskBytes(const std::filesystem::path& dir);

}  // namespace host

#endif  // HOST_BASE_STORE_SIZE_INDEX_H_
