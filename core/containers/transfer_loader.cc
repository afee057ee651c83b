// Finds and loads the transfer plugin (LoadImageTransfer), from the container plugin.
#include <dlfcn.h>

#include <cstdlib>

#include "core/containers/image_transfer.h"

namespace host {
namespace {

// The folder this code was loaded from: the container plugin's.
std::filesystem::path OwnFolder() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&OwnFolder), &info) == 0 || info.dli_fname == nullptr) {
    return {};
  }
  return std::filesystem::path(info.dli_fname).parent_path();
}

}  // namespace

Result<std::unique_ptr<ImageTransfer>> LoadImageTransfer(const std::filesystem::path& state_dir,
                                                         const images::Config& config) {
  const char* overridden = std::getenv("HOST_TRANSFER_LIB");
  const std::filesystem::path lib = overridden && *overridden ? std::filesystem::path(overridden)
                                                              : OwnFolder() / kImageTransferLibrary;
  // Loaded once per process and never unloaded, like the container plugin itself.
  void* handle = dlopen(lib.c_str(), RTLD_LAZY | RTLD_LOCAL | RTLD_NODELETE);
  if (handle == nullptr) {
    const char* why = dlerror();
    return Status::Failed("cannot load the image transfer library " + lib.string() + ": " +
                          (why ? why : "unknown error") + "; reinstall host");
  }
  auto create = reinterpret_cast<CreateImageTransferFn>(dlsym(handle, kImageTransferSymbol));
  if (create == nullptr) {
    return Status::Failed("the image transfer library " + lib.string() + " lacks " +
                          kImageTransferSymbol + "; reinstall host");
  }
  std::string error;
  std::unique_ptr<ImageTransfer> transfer(create(state_dir.c_str(), &config, &error));
  if (!transfer) return Status::Failed(error);
  return transfer;
}

}  // namespace host
