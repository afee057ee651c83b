// host.lock: beside a module's module.json, what each remote dependency resolved to (the commit or
// manifest digest) and the content hash of its files, checked on every load.
#ifndef HOST_MODULES_LOCK_FILE_H_
#define HOST_MODULES_LOCK_FILE_H_

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "core/base/status.h"

namespace host::modules {

// The file name, next to module.json.
inline constexpr char kLockFileName[] = "host.lock";
// The largest lock file read, in bytes.
inline constexpr size_t kMaxLockFileBytes = 4 * 1024 * 1024;

// What one remote reference is pinned to.
struct LockEntry {
  std::string name;      // the module's name
  std::string resolved;  // the version it resolved to: a tag, a branch, a commit, an OCI tag
  std::string pin;       // git: the full commit (40 hex); OCI: the index manifest's "sha256:..."
  std::string hash;      // "sha256:..." of the module's files (ContentHash)

  bool operator==(const LockEntry&) const = default;
};

// A parsed lock file: reference as written in module.json (or by a dependency's own module.json)
// -> its pin. Direct and indirect remote dependencies are all here.
struct LockFile {
  std::map<std::string, LockEntry> entries;

  bool operator==(const LockFile&) const = default;
};

// Parses lock file text; file names it in errors. Unknown fields are refused, so a newer format
// is never half-understood.
Result<LockFile> ParseLockFile(std::string_view text, const std::filesystem::path& file);

// The lock file's text: stable (sorted) so that version control shows only what changed.
std::string SerializeLockFile(const LockFile& lock);

// Reads the lock file beside a module's module.json; a missing file is an empty lock.
Result<LockFile> LoadLockFile(const std::filesystem::path& module_dir);

// Writes the lock file beside module.json atomically (a temporary file renamed over it).
Status SaveLockFile(const std::filesystem::path& module_dir, const LockFile& lock);

}  // namespace host::modules

#endif  // HOST_MODULES_LOCK_FILE_H_
