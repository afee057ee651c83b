#include "core/engine/module_resolver.h"

#include <unistd.h>

#include <cstdlib>
#include <set>

#include "core/base/install_prefix.h"
#include "registry/type_registry.h"

namespace host {
namespace fs = std::filesystem;

std::vector<fs::path> DefaultModulePath() {
  std::vector<fs::path> path;
  if (const char* env = std::getenv("HOST_MODULE_PATH")) {
    std::string_view rest = env;
    while (!rest.empty()) {
      auto colon = rest.find(':');
      std::string_view item = rest.substr(0, colon);
      if (!item.empty()) path.emplace_back(item);
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data) {
    path.push_back(fs::path(data) / "host" / "modules");
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    path.push_back(fs::path(home) / ".local" / "share" / "host" / "modules");
  }
  path.push_back(InstallPrefix() / "lib" / "host" / "modules");
  return path;
}

namespace {

Result<ModuleLocation> FromManifest(const fs::path& file) {
  Result<Manifest> manifest = LoadManifest(file);
  if (!manifest.ok()) return manifest.status();
  ModuleLocation location;
  location.object = manifest->object_path();
  location.manifest = std::move(*manifest);
  return location;
}

bool LooksLikePath(std::string_view ref) {
  return ref.find('/') != std::string_view::npos || ref.rfind(".", 0) == 0 ||
         (ref.size() > 3 && ref.substr(ref.size() - 3) == ".so");
}

}  // namespace

Result<ModuleLocation> ResolveModule(std::string_view ref, const fs::path& base,
                                     const std::vector<fs::path>& search_path) {
  if (ref.empty()) return Status::Usage("the module reference is empty");
  std::error_code ec;
  if (LooksLikePath(ref)) {
    fs::path path = fs::path(ref).is_absolute() ? fs::path(ref) : base / ref;
    path = path.lexically_normal();
    if (fs::is_directory(path, ec)) {
      if (!fs::exists(path / "module.json", ec)) {
        return Status::Usage("folder " + path.string() +
                             " holds no module.json; create a module there with 'host init'");
      }
      return FromManifest(path / "module.json");
    }
    if (fs::is_regular_file(path, ec)) {
      if (path.filename() == "module.json") return FromManifest(path);
      ModuleLocation location;
      location.object = path;
      return location;
    }
    return Status::Usage("no module at " + path.string() + ": no such file or folder");
  }
  std::vector<std::string> known;
  std::set<std::string> seen;
  for (const auto& dir : search_path) {
    fs::path candidate = dir / std::string(ref) / "module.json";
    if (fs::exists(candidate, ec)) return FromManifest(candidate);
    std::error_code list_error;
    for (fs::directory_iterator it(dir, list_error), end; !list_error && it != end;
         it.increment(list_error)) {
      std::string name = it->path().filename().string();
      if (fs::exists(it->path() / "module.json", ec) && seen.insert(name).second) {
        known.push_back(name);
      }
    }
  }
  // A folder of that name right here is the likely meaning: a bare name is looked up on the
  // module path, a path is what reaches a folder.
  if (fs::exists(fs::path(std::string(ref)) / "module.json", ec)) {
    return Status::Usage("unknown module '" + std::string(ref) + "'; the folder ./" +
                         std::string(ref) + " holds a module: use -m ./" + std::string(ref) +
                         " (a bare name is looked up on the module path)");
  }
  std::string available;
  for (const auto& name : seen) available += (available.empty() ? "" : ", ") + name;
  std::string searched;
  for (const auto& dir : search_path) searched += "\n  " + dir.string();
  return Status::Usage("unknown module '" + std::string(ref) + "'" + DidYouMean(ref, known) +
                       (available.empty() ? "" : "; available: " + available) +
                       "\nModules are looked up by name in:" + searched +
                       "\nor given as a folder holding module.json, or a path to a shared object");
}

}  // namespace host
