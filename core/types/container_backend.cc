#include "core/types/container_backend.h"

#include <dlfcn.h>

#include <cstdlib>

#include "core/engine/install_prefix.h"

namespace host {

Result<std::unique_ptr<ContainerBackend>> LoadContainerBackend(
    const std::filesystem::path& state_dir) {
  std::filesystem::path lib = std::getenv("HOST_CONTAINERS_LIB")
                                  ? std::filesystem::path(std::getenv("HOST_CONTAINERS_LIB"))
                                  : InstallPrefix() / "lib" / "host" / "libhost-containers.so";
  // Loaded once per process and never unloaded, like modules.
  // Lazy binding: the plugin pulls in libcurl and friends, and most of their symbols never run.
  void* handle = dlopen(lib.c_str(), RTLD_LAZY | RTLD_LOCAL | RTLD_NODELETE);
  if (handle == nullptr) {
    const char* why = dlerror();
    return Status::Failed("cannot load the container engine " + lib.string() + ": " +
                          (why ? why : "unknown error") + "; reinstall host");
  }
  auto create = reinterpret_cast<CreateContainerBackendFn>(dlsym(handle, kContainerBackendSymbol));
  if (create == nullptr) {
    return Status::Failed("the container engine " + lib.string() + " lacks " +
                          kContainerBackendSymbol + "; reinstall host");
  }
  std::string error;
  std::unique_ptr<ContainerBackend> backend(create(state_dir.c_str(), &error));
  if (!backend) return Status::Failed(error);
  return backend;
}

}  // namespace host
