// `host cache verify`: checks every entry of a state folder, as `git fsck` checks a repository.
#ifndef HOST_ENGINE_CACHE_VERIFY_H_
#define HOST_ENGINE_CACHE_VERIFY_H_

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace host {

// One corrupt entry.
struct CacheProblem {
  std::string entry;     // the entry, relative to the state folder ("steps/<hex>")
  std::string problem;   // what is wrong with it
  bool removed = false;  // it was removed (repair)
};

// What VerifyCache found.
struct CacheVerifyReport {
  size_t checked = 0;                  // entries looked at
  std::vector<CacheProblem> problems;  // corrupt entries, in the order found
};

// Checks a state folder: every blob hashes to its name; every stored manifest, index, config and
// resolved tag parses (a manifest's config, an index's manifests, when stored); every step result
// has a record of the current format whose digests match its exit code, stdout, stderr and layer
// size; every snapshot's tree digest is its folder's name; every function result parses and
// matches its digest; image and derived layers are folders. Temporary files and locks of running
// or killed processes are skipped. References to blobs that are not stored are not problems:
// pruning removes blobs on their own, and a pull fetches them again. With repair, each corrupt
// entry is removed (renamed aside, then deleted), so that the next run makes it again.
CacheVerifyReport VerifyCache(const std::filesystem::path& state, bool repair);

}  // namespace host

#endif  // HOST_ENGINE_CACHE_VERIFY_H_
