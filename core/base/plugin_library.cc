#include "core/base/plugin_library.h"

#include <dlfcn.h>

#include <cstdlib>

namespace host {

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
  void* found = dlsym(handle, symbol);
  if (found == nullptr) {
    return Status::Failed(what + " " + library.string() + " lacks " + symbol + "; reinstall host");
  }
  return found;
}

}  // namespace host
