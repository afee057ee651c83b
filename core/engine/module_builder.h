// Builds a module from its sources with CMake when its shared object is missing or its sources
// changed since the last build (compared by a digest of the sources).
#ifndef HOST_ENGINE_MODULE_BUILDER_H_
#define HOST_ENGINE_MODULE_BUILDER_H_

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "core/base/status.h"
#include "registry/manifest.h"

namespace host {

// Where the SDK's CMake helper lives and where progress goes.
struct BuildOptions {
  std::filesystem::path sdk_cmake_dir;  // holds HostModule.cmake
  std::ostream* progress = nullptr;     // null: silent
  // Run CMake in the sandbox (core/remote/sandbox.h), for a module that is neither pinned nor
  // signed by a trusted key: no network, its sources, its dependencies' folders and the SDK
  // read-only, only its build folder writable.
  bool sandboxed = false;
  // More folders a sandboxed build reads: its remote dependencies' folders (relative ones,
  // "../lcxx", are added from module.json).
  std::vector<std::filesystem::path> read_only;
  // Check the built object against the digest recorded when host built it (a fetched module,
  // whose build lives in the state folder): a changed one is an error, never loaded.
  bool check_object = false;
};

// The digest of every file under a module's source folder, except build output and hidden files.
std::string SourceDigest(const std::filesystem::path& source_dir);

// Builds the module when needed. A module without CMakeLists.txt is taken as built. Concurrent
// builds of one module by several processes are serialized with a lock file.
Status EnsureBuilt(const Manifest& manifest, const BuildOptions& options);

// Runs argv with stdout and stderr appended to log, in env (null: the parent's environment);
// returns the exit code (or 128+signal).
int RunLogged(const std::vector<std::string>& argv, const std::filesystem::path& log,
              const std::vector<std::string>* env = nullptr);

}  // namespace host

#endif  // HOST_ENGINE_MODULE_BUILDER_H_
