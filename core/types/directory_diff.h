// The difference between two directory trees, as a tree: what Directory.diff returns.
#ifndef HOST_TYPES_DIRECTORY_DIFF_H_
#define HOST_TYPES_DIRECTORY_DIFF_H_

#include <filesystem>

#include "core/base/status.h"

namespace host {

// Copies into the existing folder out what the tree upper has that the tree lower lacks or has
// otherwise (another type, mode, contents or link target): a new or changed file or link, a new
// folder whole, and the folders that lead to them (a folder whose mode changed comes with its
// changed contents only). What only lower has is left out: a tree cannot say that something is
// gone. Files are hard-linked, so upper must be immutable and on the file system of out.
Status CopyDifference(const std::filesystem::path& lower, const std::filesystem::path& upper,
                      const std::filesystem::path& out);

}  // namespace host

#endif  // HOST_TYPES_DIRECTORY_DIFF_H_
