// Clean-up whose failure changes nothing the caller returns: removing a temporary file or folder
// on an error path, or one that a later sweep removes anyway. The names say so, so a reader never
// wonders whether an ignored error was forgotten.
#ifndef HOST_BASE_BEST_EFFORT_H_
#define HOST_BASE_BEST_EFFORT_H_

#include <filesystem>

namespace host {

// Removes a file, a symlink (not what it leads to) or an empty folder; a failure is ignored.
void RemoveBestEffort(const std::filesystem::path& path);

// Removes a file or a folder with all it holds (symlinks are removed, never followed); a failure
// is ignored and leaves what could not be removed.
void RemoveTreeBestEffort(const std::filesystem::path& path);

}  // namespace host

#endif  // HOST_BASE_BEST_EFFORT_H_
