// Plugins: shared libraries of the host loaded on first use, never unloaded, and reached through
// one extern "C" entry point each, so that what they link stays out of start-up.
#ifndef HOST_BASE_PLUGIN_LIBRARY_H_
#define HOST_BASE_PLUGIN_LIBRARY_H_

#include <filesystem>
#include <string>

#include "core/base/status.h"

namespace host {

// The plugin's file: $env_variable when it is set and not empty, else default_path.
std::filesystem::path PluginPath(const char* env_variable, std::filesystem::path default_path);

// Loads the plugin at library (lazily bound, local, never unloaded) and finds symbol in it. what
// names the plugin in errors ("the container engine"), which also name the file and the reason.
Result<void*> LoadPluginSymbol(const std::filesystem::path& library, const char* symbol,
                               const std::string& what);

// LoadPluginSymbol, typed as the entry point's function type Fn.
template <class Fn>
Result<Fn> LoadPluginEntry(const std::filesystem::path& library, const char* symbol,
                           const std::string& what) {
  Result<void*> found = LoadPluginSymbol(library, symbol, what);
  if (!found.ok()) return found.status();
  return reinterpret_cast<Fn>(*found);
}

}  // namespace host

#endif  // HOST_BASE_PLUGIN_LIBRARY_H_
