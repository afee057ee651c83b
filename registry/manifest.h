// module.json: a module's name, version, sources, dependencies and built object, validated against
// module.json.schema (embedded in the binary).
#ifndef HOST_REGISTRY_MANIFEST_H_
#define HOST_REGISTRY_MANIFEST_H_

#include <filesystem>
#include <string>
#include <vector>

#include "core/base/status.h"

namespace host {

// A module another module calls, as module.json declares it.
struct Dependency {
  std::string name;
  std::string source;  // a folder relative to the manifest, or a module name (default: name)
  std::string pin;     // "sha256:..." or empty
};

// A parsed and validated module.json.
struct Manifest {
  std::filesystem::path file;  // the module.json itself
  std::string name;
  std::string version;
  std::string description;
  std::string sdk;
  std::string source;  // relative to the manifest's folder; "" is the folder itself
  std::string object;  // relative to the manifest's folder
  std::vector<Dependency> dependencies;
  // runtime.command: the module runs as this process instead of a shared object (empty: it is
  // a shared object).
  std::vector<std::string> command;
  double start_timeout = 10;  // seconds the process has to start serving
  double call_timeout = 600;  // seconds one call may take; 0: no limit

  // The folder holding module.json.
  std::filesystem::path dir() const { return file.parent_path(); }
  // The built shared object.
  std::filesystem::path object_path() const { return dir() / object; }
  // The folder holding the sources.
  std::filesystem::path source_dir() const { return source.empty() ? dir() : dir() / source; }
};

// The largest module.json read, in bytes.
inline constexpr size_t kMaxManifestBytes = 4 * 1024 * 1024;
// The largest runtime.start_timeout, in seconds (module.json.schema says the same).
inline constexpr double kMaxStartTimeoutSeconds = 3600;
// The largest runtime.call_timeout, in seconds: a week (module.json.schema says the same).
inline constexpr double kMaxCallTimeoutSeconds = 604800;

// The text of module.json.schema.
extern const char* const kModuleJsonSchema;

// Reads and validates a module.json; errors name the file and the JSON pointer of the bad field.
Result<Manifest> LoadManifest(const std::filesystem::path& file);

// Parses and validates module.json text; `file` is used for paths and messages only.
Result<Manifest> ParseManifest(const std::string& text, const std::filesystem::path& file);

}  // namespace host

#endif  // HOST_REGISTRY_MANIFEST_H_
