// LoadIndexOps (core/index/index_plugin.h).
#include "core/base/install_prefix.h"
#include "core/base/plugin_library.h"
#include "core/index/index_plugin.h"

namespace host::index {

Result<const IndexOps*> LoadIndexOps() {
  const std::filesystem::path lib =
      PluginPath("HOST_INDEX_LIB", InstallPrefix() / "lib" / "host" / "libhost-index.so");
  Result<IndexOpsFn> entry = LoadPluginEntry<IndexOpsFn>(lib, kIndexOpsSymbol, "the index library");
  if (!entry.ok()) return entry.status();
  return (*entry)();
}

}  // namespace host::index
