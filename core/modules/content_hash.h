// The content hash of a module's files, like go.sum's h1: what the lock file pins and every load
// checks.
#ifndef HOST_MODULES_CONTENT_HASH_H_
#define HOST_MODULES_CONTENT_HASH_H_

#include <filesystem>
#include <string>

#include "core/base/status.h"

namespace host::modules {

// "sha256:..." over every file, link and folder under dir (not following links): their paths in
// byte order, kinds, the executable bit, link targets and file bytes. Folders named ".git" and the
// build folder "build" at the top are left out. Fails on a special file (a fifo, a device).
Result<std::string> ContentHash(const std::filesystem::path& dir);

}  // namespace host::modules

#endif  // HOST_MODULES_CONTENT_HASH_H_
