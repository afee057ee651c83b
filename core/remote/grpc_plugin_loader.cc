#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>

#include "core/engine/install_prefix.h"
#include "core/remote/grpc_plugin.h"

namespace host::remote {
namespace {

// The entry point called symbol of libhost-grpc.so, loading the plugin on first use.
Result<void*> Symbol(const char* symbol) {
  std::filesystem::path lib = std::getenv("HOST_GRPC_LIB")
                                  ? std::filesystem::path(std::getenv("HOST_GRPC_LIB"))
                                  : InstallPrefix() / "lib" / "host" / "libhost-grpc.so";
  // Loaded once per process and never unloaded; lazy binding, as most of gRPC never runs.
  void* handle = dlopen(lib.c_str(), RTLD_LAZY | RTLD_LOCAL | RTLD_NODELETE);
  if (handle == nullptr) {
    const char* why = dlerror();
    return Status::Failed("cannot load the gRPC plugin " + lib.string() + ": " +
                          (why ? why : "unknown error") + "; reinstall host");
  }
  void* found = dlsym(handle, symbol);
  if (found == nullptr) {
    return Status::Failed("the gRPC plugin " + lib.string() + " lacks " + symbol +
                          "; reinstall host");
  }
  return found;
}

}  // namespace

Result<ServeFn> LoadServe() {
  Result<void*> found = Symbol(kServeSymbol);
  if (!found.ok()) return found.status();
  return reinterpret_cast<ServeFn>(*found);
}

Result<ConnectFn> LoadConnect() {
  Result<void*> found = Symbol(kConnectSymbol);
  if (!found.ok()) return found.status();
  return reinterpret_cast<ConnectFn>(*found);
}

}  // namespace host::remote
