// The part of the engine that pulls images and runs steps, kept in a plugin
// (lib/host/libhost-containers.so) that is loaded on first use, so that `host -m M functions` and
// module calls never load it. It finds pulled images and runs steps itself, and loads a second
// plugin (lib/host/libhost-transfer.so, with libcurl, OpenSSL and libarchive) only to pull what is
// missing, resolve a tag again or export (see core/containers/image_transfer.h).
#ifndef HOST_TYPES_CONTAINER_BACKEND_H_
#define HOST_TYPES_CONTAINER_BACKEND_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/executor/step.h"

namespace host {

// What a pulled image says about running it, and its unpacked layers.
struct PulledImage {
  std::string manifest_digest;
  std::vector<std::string> env;
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::string working_dir;
  std::string user;
  std::vector<std::filesystem::path> layers;  // bottom first
};

// A container to write as an OCI image tarball: its layers and what its image config records.
// Secrets are not part of it: they never go into an image.
struct ImageExport {
  std::vector<std::filesystem::path> layers;  // bottom first, in overlay form
  std::vector<std::string> env;               // "NAME=value"
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::string working_dir;
  std::string user;
  std::string ref_name = "latest";  // the index's org.opencontainers.image.ref.name
  std::filesystem::path path;       // the tarball; its folder must exist
};

// Pulls images and runs steps in one state folder. Thread-safe. A C++ interface, so host and the
// plugin must come from one build: the loader refuses a plugin of another build (its build ID,
// core/base/plugin_library.h) before calling it.
class ContainerBackend {
 public:
  virtual ~ContainerBackend() = default;
  // Pulls an image by reference (tag or digest) through the configured mirrors.
  virtual Result<PulledImage> Pull(const std::string& reference) = 0;
  // Runs one step with the configured OCI runtime.
  virtual Result<StepResult> Run(const StepSpec& spec) = 0;
  // How much the state folder's stores may hold (the config file's cache_size).
  virtual uint64_t cache_size() const = 0;
  // Writes an OCI image layout as a tar at spec.path, atomically; returns the manifest digest.
  virtual Result<std::string> Export(const ImageExport& spec) = 0;
};

// The plugin's entry point: makes a backend for a state folder (reading the config file).
using CreateContainerBackendFn = ContainerBackend* (*)(const char* state_dir, std::string* error);

// The name of that entry point in the plugin. It has no version: a plugin is only used by the
// host of its own build.
inline constexpr const char* kContainerBackendSymbol = "host_create_container_backend";

// Loads the plugin from <prefix>/lib/host next to the running executable (or $HOST_CONTAINERS_LIB)
// and makes a backend.
Result<std::unique_ptr<ContainerBackend>> LoadContainerBackend(
    const std::filesystem::path& state_dir);

}  // namespace host

#endif  // HOST_TYPES_CONTAINER_BACKEND_H_
