// Finds and loads the transfer plugin (LoadImageTransfer), from the container plugin.
#include <dlfcn.h>

#include "core/base/plugin_library.h"
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
  const std::filesystem::path lib =
      PluginPath("HOST_TRANSFER_LIB", OwnFolder() / kImageTransferLibrary);
  Result<CreateImageTransferFn> create = LoadPluginEntry<CreateImageTransferFn>(
      lib, kImageTransferSymbol, "the image transfer library");
  if (!create.ok()) return create.status();
  std::string error;
  std::unique_ptr<ImageTransfer> transfer((*create)(state_dir.c_str(), &config, &error));
  if (!transfer) return Status::Failed(error);
  return transfer;
}

}  // namespace host
