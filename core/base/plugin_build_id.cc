// Compiled into every plugin (cmake/HostBuildId.cmake): the ID of the build the plugin comes
// from, which the loader compares with its own before it uses anything else of the plugin
// (core/base/plugin_library.h). Plain C, so that it can be read from a plugin of any build.
#include "host_build_id.h"

extern "C" __attribute__((visibility("default"))) const char* host_plugin_build_id() {
  return HOST_BUILD_ID;
}
