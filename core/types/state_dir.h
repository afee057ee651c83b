// Where the engine keeps its state (images, layers, cache, keys): no daemon, just a folder.
#ifndef HOST_TYPES_STATE_DIR_H_
#define HOST_TYPES_STATE_DIR_H_

#include <filesystem>

#include "core/base/status.h"

namespace host {

// $HOST_STATE_DIR, else $XDG_CACHE_HOME/host, else /var/lib/host as root, else ~/.cache/host.
std::filesystem::path DefaultStateDir();

// Creates the state folder (mode 0700) if needed; a clear error when it cannot be used.
Status EnsureStateDir(const std::filesystem::path& dir);

// Removes the temporary entries that processes which have died left in the state folder's
// stores (named with their process ID); entries of live processes are left alone.
void RemoveLeftovers(const std::filesystem::path& dir);

}  // namespace host

#endif  // HOST_TYPES_STATE_DIR_H_
