#include "core/base/install_prefix.h"
#include "core/base/plugin_library.h"
#include "core/remote/grpc_plugin.h"

namespace host::remote {
namespace {

// The entry point of type Fn called symbol of libhost-grpc.so, loading the plugin on first use.
template <class Fn>
Result<Fn> Entry(const char* symbol) {
  return LoadPluginEntry<Fn>(
      PluginPath("HOST_GRPC_LIB", InstallPrefix() / "lib" / "host" / "libhost-grpc.so"), symbol,
      "the gRPC plugin");
}

}  // namespace

Result<ServeFn> LoadServe() { return Entry<ServeFn>(kServeSymbol); }

Result<ConnectFn> LoadConnect() { return Entry<ConnectFn>(kConnectSymbol); }

Result<StartFn> LoadStart() { return Entry<StartFn>(kStartSymbol); }

Result<ConnectModuleFn> LoadConnectModule() { return Entry<ConnectModuleFn>(kConnectModuleSymbol); }

Result<ServeModuleFn> LoadServeModule() { return Entry<ServeModuleFn>(kServeModuleSymbol); }

}  // namespace host::remote
