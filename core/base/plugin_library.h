// Plugins: shared libraries of the host loaded on first use, never unloaded, and reached through
// extern "C" entry points, so that what they link stays out of start-up. Host and plugins pass
// C++ types to each other (std::string, Result<T>, classes with virtual functions), which only
// works between code from one build: every plugin exports the build ID it was compiled with
// (host_plugin_build_id, see cmake/HostBuildId.cmake), and a plugin whose ID is not the loader's
// own is refused before any other of its symbols is used.
#ifndef HOST_BASE_PLUGIN_LIBRARY_H_
#define HOST_BASE_PLUGIN_LIBRARY_H_

#include <filesystem>
#include <string>

#include "core/base/status.h"

namespace host {

// The entry point every plugin exports: the ID of the build it comes from (core/base/build_id.h).
using PluginBuildIdFn = const char* (*)();
inline constexpr char kPluginBuildIdSymbol[] = "host_plugin_build_id";

// The plugin's file: $env_variable when it is set and not empty, else default_path.
std::filesystem::path PluginPath(const char* env_variable, std::filesystem::path default_path);

// Loads the plugin at library (lazily bound, local, never unloaded), checks that it comes from
// this build (its host_plugin_build_id is BuildId()) and finds symbol in it. what names the
// plugin in errors ("the container engine"), which also name the file and the reason.
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
