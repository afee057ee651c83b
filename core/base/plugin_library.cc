#include "core/base/plugin_library.h"

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>

#include "core/base/build_id.h"

namespace host {
namespace {

// Whether the loaded plugin at handle comes from this build; if not, an error naming the file,
// both IDs and the fix.
Status CheckBuildId(void* handle, const std::filesystem::path& library, const std::string& what) {
  auto build_id = reinterpret_cast<PluginBuildIdFn>(dlsym(handle, kPluginBuildIdSymbol));
  const char* plugin_id = build_id != nullptr ? build_id() : nullptr;
  if (plugin_id != nullptr && std::strcmp(plugin_id, BuildId()) == 0) return Status();
  const std::string plugin_build =
      plugin_id != nullptr
          ? std::string("plugin build ") + plugin_id
          : std::string("the plugin has no build ID: it exports no ") + kPluginBuildIdSymbol;
  return Status::Failed(what + " " + library.string() + " comes from another build of host (" +
                        plugin_build + ", host build " + BuildId() +
                        "); reinstall host so that host and its plugins come from one build");
}

}  // namespace

std::filesystem::path PluginPath(const char* env_variable, std::filesystem::path default_path) {
  const char* overridden = std::getenv(env_variable);
  return overridden != nullptr && *overridden != '\0' ? std::filesystem::path(overridden)
                                                      : std::move(default_path);
}

Result<void*> LoadPluginSymbol(const std::filesystem::path& library, const char* symbol,
                               const std::string& what) {
  // Lazy binding: a plugin links large libraries, most of whose symbols never run.
  void* handle = dlopen(library.c_str(), RTLD_LAZY | RTLD_LOCAL | RTLD_NODELETE);
  if (handle == nullptr) {
    const char* why = dlerror();
    return Status::Failed("cannot load " + what + " " + library.string() + ": " +
                          (why ? why : "unknown error") + "; reinstall host");
  }
  // Before any other symbol: the plugin's types are only ours if it comes from this build.
  if (Status same_build = CheckBuildId(handle, library, what); !same_build.ok()) {
    return same_build;
  }
  void* found = dlsym(handle, symbol);
  if (found == nullptr) {
    return Status::Failed(what + " " + library.string() + " lacks " + symbol + "; reinstall host");
  }
  return found;
}

}  // namespace host
