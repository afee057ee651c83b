// Paths on the machine host runs on, as users give them to core functions, and writing there.
#ifndef HOST_TYPES_HOST_PATHS_H_
#define HOST_TYPES_HOST_PATHS_H_

#include <sys/types.h>

#include <filesystem>
#include <string>

#include "core/base/status.h"

namespace host {

// A host path given by the user, made absolute; `missing` is the error when it is empty.
Result<std::filesystem::path> AbsoluteHostPath(const std::string& path, const std::string& missing);

// Writes a copy of file at `to` on the host: a temporary file renamed over `to`, so a symlink
// there is replaced, not followed, and a failure leaves what was there. Setuid and setgid bits
// are dropped.
Status ExportFile(const std::filesystem::path& file, const std::filesystem::path& to);

// Creates a file that must not exist yet (never through a link) with contents and mode; `shown`
// names it in errors. Every write is checked: a full disk is an error, never a short file.
Status WriteNewFile(const std::filesystem::path& file, const std::string& contents, mode_t mode,
                    const std::string& shown);

}  // namespace host

#endif  // HOST_TYPES_HOST_PATHS_H_
