// Modules from git repositories: a version resolved with `git ls-remote`, a shallow and sparse
// fetch of only the module's folder, stored by commit and subfolder under the state folder and
// reused from there without network.
#ifndef HOST_MODULES_GIT_SOURCE_H_
#define HOST_MODULES_GIT_SOURCE_H_

#include <chrono>
#include <cstdint>
#include <string_view>

#include "core/base/status.h"
#include "core/modules/fetched_module.h"
#include "core/modules/git_command.h"
#include "core/modules/module_ref.h"

namespace host::modules {

// How much a git fetch may take, and how long a moving resolution is reused.
struct GitFetchLimits {
  GitCommandLimits command;                    // each git command
  uint64_t max_checkout_bytes = 256ull << 20;  // the module folder's file bytes
  uint64_t max_checkout_files = 20000;         // its files, folders and links
  // How long a branch, the default branch or a constraint (v1, v1.2) is reused without asking
  // the server again; exact tags and commits are kept.
  std::chrono::seconds moving_ttl{300};
};

// Brings the module ref names into options.state_dir/modules/git and says where it is and what
// pins it. With pinned_commit (40 hex digits, from the lock file), that commit is used; when it
// is stored, no network is used at all. Otherwise a remembered resolution is reused (tags and
// commits always; branches, the default branch and constraints for limits.moving_ttl, unless
// options.refresh); options.offline never asks the server and fails when something is missing.
Result<FetchedModule> FetchGitModule(const GitModuleRef& ref, const FetchOptions& options,
                                     std::string_view pinned_commit = "");

// FetchGitModule with explicit limits.
Result<FetchedModule> FetchGitModule(const GitModuleRef& ref, const FetchOptions& options,
                                     std::string_view pinned_commit, const GitFetchLimits& limits);

}  // namespace host::modules

#endif  // HOST_MODULES_GIT_SOURCE_H_
