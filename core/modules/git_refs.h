// What a git repository's refs say a module version is: semver tags (in the module's subfolder
// first), constraints like v1 and v1.2, branches, commits, and the nearest tags when none fits.
#ifndef HOST_MODULES_GIT_REFS_H_
#define HOST_MODULES_GIT_REFS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace host::modules {

// The refs `git ls-remote --symref` printed.
struct RemoteRefs {
  std::map<std::string, std::string> tags;      // "probe/v1.0.0" -> commit (annotated: peeled)
  std::map<std::string, std::string> branches;  // "main" -> commit
  std::string head_commit;                      // the default branch's commit; "" if none
  std::string head_branch;                      // its name ("main"); "" if not said
};

// Reads `git ls-remote --symref` output; malformed lines are an error naming them.
Result<RemoteRefs> ParseLsRemote(std::string_view text);

// A semantic version "vMAJOR.MINOR.PATCH[-PRE][+BUILD]" (the "v" optional).
struct SemVer {
  uint64_t major = 0, minor = 0, patch = 0;
  std::string prerelease;  // "" for a release
  bool has_v = false;
};

// The version text as a semver; nullopt when it is not one.
std::optional<SemVer> ParseSemVer(std::string_view text);

// How long what a version resolved to may be reused without asking the server.
enum class ResolutionKind {
  kTag,     // a tag: kept
  kMoving,  // a branch, the default branch or a constraint: asked again after a while
  kCommit,  // a commit: kept
};

// What a version names in a repository.
struct Resolution {
  std::string commit;     // 40 hex digits
  std::string resolved;   // the tag or branch name, or the commit as written
  std::string fetch_ref;  // what to fetch: "refs/tags/probe/v1.0.0", "refs/heads/dev", or the
                          // commit
  ResolutionKind kind = ResolutionKind::kMoving;
};

// Whether text is a full commit id (40 hex digits).
bool IsFullCommit(std::string_view text);
// Whether text may be an abbreviated commit id (7 to 39 hex digits).
bool IsShortCommit(std::string_view text);

// Resolves version (as written after '@'; "" = the default branch) for the module in subpath
// against refs. A short commit that no ref points at gives nullopt: the caller looks in the
// history. Anything else not found is an error naming repo and the nearest tags.
Result<std::optional<Resolution>> ResolveVersion(const RemoteRefs& refs, std::string_view repo,
                                                 std::string_view subpath,
                                                 std::string_view version);

// Up to count tag names closest to version (edit distance), for "did you mean" errors.
std::vector<std::string> NearestTags(const RemoteRefs& refs, std::string_view subpath,
                                     std::string_view version, size_t count = 5);

}  // namespace host::modules

#endif  // HOST_MODULES_GIT_REFS_H_
