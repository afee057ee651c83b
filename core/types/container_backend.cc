#include "core/types/container_backend.h"

#include "core/base/install_prefix.h"
#include "core/base/plugin_library.h"

namespace host {

Result<std::unique_ptr<ContainerBackend>> LoadContainerBackend(
    const std::filesystem::path& state_dir) {
  const std::filesystem::path lib =
      PluginPath("HOST_CONTAINERS_LIB", InstallPrefix() / "lib" / "host" / "libhost-containers.so");
  Result<CreateContainerBackendFn> create = LoadPluginEntry<CreateContainerBackendFn>(
      lib, kContainerBackendSymbol, "the container engine");
  if (!create.ok()) return create.status();
  std::string error;
  std::unique_ptr<ContainerBackend> backend((*create)(state_dir.c_str(), &error));
  if (!backend) return Status::Failed(error);
  return backend;
}

}  // namespace host
