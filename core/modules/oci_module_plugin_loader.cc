// LoadOciModuleOps (core/modules/oci_module_plugin.h).
#include "core/base/install_prefix.h"
#include "core/base/plugin_library.h"
#include "core/modules/oci_module_plugin.h"

namespace host::modules {

Result<const OciModuleOps*> LoadOciModuleOps() {
  const std::filesystem::path lib = PluginPath(
      "HOST_MODULES_OCI_LIB", InstallPrefix() / "lib" / "host" / "libhost-modules-oci.so");
  Result<OciModuleOpsFn> entry =
      LoadPluginEntry<OciModuleOpsFn>(lib, kOciModuleOpsSymbol, "the OCI module library");
  if (!entry.ok()) return entry.status();
  return (*entry)();
}

}  // namespace host::modules
