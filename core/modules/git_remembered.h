// What a git module version resolved to, remembered under the state folder so that a later run
// can reuse it without asking the server (modules/git/resolved/).
#ifndef HOST_MODULES_GIT_REMEMBERED_H_
#define HOST_MODULES_GIT_REMEMBERED_H_

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "core/base/status.h"
#include "core/modules/git_refs.h"
#include "core/modules/module_ref.h"

namespace host::modules {

// A remembered resolution: what a reference's version named and when it was asked.
struct RememberedResolution {
  Resolution resolution;
  bool git_suffix = false;  // the server answered at url + ".git"
  std::chrono::system_clock::time_point asked;
};

// The file under root (state_dir/modules/git) that remembers ref's version.
std::filesystem::path RememberedPath(const std::filesystem::path& root, const GitModuleRef& ref);

// The remembered resolution of ref; nullopt when there is none or it cannot be read (it is then
// asked again).
std::optional<RememberedResolution> ReadRemembered(const std::filesystem::path& root,
                                                   const GitModuleRef& ref);

// Remembers what ref's version resolved to (replaced atomically; concurrent writers are safe).
Status WriteRemembered(const std::filesystem::path& root, const GitModuleRef& ref,
                       const RememberedResolution& remembered);

}  // namespace host::modules

#endif  // HOST_MODULES_GIT_REMEMBERED_H_
