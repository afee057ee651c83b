// Checked writes of whole files, for anything later trusted by its name (a store entry, a key):
// every write, the optional fsync and the close are checked, and a failed write leaves no file.
#ifndef HOST_BASE_FILE_WRITE_H_
#define HOST_BASE_FILE_WRITE_H_

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "core/base/status.h"

namespace host {

// The text of an errno value for an error message; a full disk or quota adds what to do.
std::string WriteErrorText(int error);

// Whether the file's bytes are flushed to the disk before WriteWholeFile returns.
enum class Durability { kPageCache, kSynced };

// Writes bytes as the whole content of a file at path that must not exist yet (a symlink there
// is not followed: the call fails) with the given mode. On failure the file is removed and the
// error names it (as `shown` when given), the reason and, for a full disk, what to do.
Status CreateWholeFile(const std::filesystem::path& path, std::string_view bytes,
                       mode_t mode = 0644, Durability durability = Durability::kPageCache,
                       std::string_view shown = {});

// CreateWholeFile after removing a regular file at path (removed, never truncated, so a file
// hard-linked elsewhere is not changed); a symlink, device or fifo there is refused and left.
Status WriteWholeFile(const std::filesystem::path& path, std::string_view bytes, mode_t mode = 0644,
                      Durability durability = Durability::kPageCache);

}  // namespace host

#endif  // HOST_BASE_FILE_WRITE_H_
