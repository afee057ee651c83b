// The metadata index of a host folder, as git keeps one for a work tree: for each file, what
// stat said when its bytes were last read and the digest of those bytes. A file whose metadata is
// unchanged is never read again, so an unchanged folder's digest costs only stat calls.
#ifndef HOST_TYPES_SOURCE_INDEX_H_
#define HOST_TYPES_SOURCE_INDEX_H_

#include <sys/stat.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace host {

// What stat says about a regular file, as far as a change of its bytes shows in it.
struct FileMetadata {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  uint64_t inode = 0;
  uint64_t device = 0;
  uint32_t mode = 0;  // st_mode: type and permission bits

  // The metadata of st.
  static FileMetadata Of(const struct stat& st);
  bool operator==(const FileMetadata& other) const;
  bool operator!=(const FileMetadata& other) const { return !(*this == other); }
};

// One file of the index, or one folder (its mode says which; a folder has no digest).
struct SourceFileRecord {
  std::string path;  // relative to the folder
  FileMetadata metadata;
  std::array<uint8_t, 32> sha256{};  // the digest of its bytes
  // Changed within a timestamp tick of the walk that read it (git's "racily clean"): the same
  // metadata may hide a later write, so its bytes are read again next time.
  bool racy = false;
};

// The index of one folder taken with one filter.
struct SourceIndex {
  int64_t walk_start_ns = 0;            // when the walk that wrote it began (CLOCK_REALTIME)
  std::string snapshot_hex;             // the snapshot holding exactly these files ("" when none)
  std::vector<SourceFileRecord> files;  // in walk order (SourcePathLess)

  // The record of path; null when the index has none.
  const SourceFileRecord* Find(std::string_view path) const;
};

// The order of a folder's walk: names sorted byte by byte in each folder, a folder's files right
// after its name (so "a/b" comes before "a-c").
bool SourcePathLess(std::string_view a, std::string_view b);

// The index as bytes (a versioned, length-prefixed binary format).
std::string SerializeSourceIndex(const SourceIndex& index);

// The index that bytes hold; nullopt when they are not a well-formed index of this version with
// its files in walk order (a damaged index is ignored: every file is read again).
std::optional<SourceIndex> ParseSourceIndex(std::string_view bytes);

}  // namespace host

#endif  // HOST_TYPES_SOURCE_INDEX_H_
