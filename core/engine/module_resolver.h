// Finds a module from what a user typed: a name on the module path, a folder holding module.json,
// or a path to a shared object.
#ifndef HOST_ENGINE_MODULE_RESOLVER_H_
#define HOST_ENGINE_MODULE_RESOLVER_H_

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "registry/manifest.h"

namespace host {

// Where a module reference points.
struct ModuleLocation {
  std::optional<Manifest> manifest;  // absent for a bare shared object
  std::filesystem::path object;      // the shared object to load
};

// Folders searched for modules by name, in order: $HOST_MODULE_PATH (':'-separated), the user's
// installed modules ($XDG_DATA_HOME/host/modules), then the built-in ones
// (<prefix>/lib/host/modules).
std::vector<std::filesystem::path> DefaultModulePath();

// Resolves ref; relative paths are taken from base. Unknown names are usage errors listing what is
// available, with a suggestion.
Result<ModuleLocation> ResolveModule(std::string_view ref, const std::filesystem::path& base,
                                     const std::vector<std::filesystem::path>& search_path);

}  // namespace host

#endif  // HOST_ENGINE_MODULE_RESOLVER_H_
