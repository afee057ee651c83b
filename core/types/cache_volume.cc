// CacheVolume: a folder that persists between runs; containers mount it with with-mounted-cache.
#include "core/types/core_function.h"

namespace host {

void DeclareCacheVolume(CoreCatalog& catalog) {
  catalog.Object<CacheVolumeState>("A folder that persists between runs, shared by key.");
}

}  // namespace host
