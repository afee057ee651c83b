// The transfer plugin (libhost-transfer.so): pulls through the image store (registry client on
// libcurl, layers unpacked with libarchive) and exports OCI archives, behind ImageTransfer.
#include <utility>

#include "core/containers/image_transfer.h"
#include "core/images/image_store.h"

namespace host {
namespace {

// Pulls through one image store and exports archives for one state folder.
class Transfer final : public ImageTransfer {
 public:
  Transfer(std::filesystem::path state_dir, images::Config config)
      : state_dir_(std::move(state_dir)), images_(state_dir_, std::move(config)) {}

  Result<images::Image> Pull(const images::ImageReference& reference) override {
    return images_.Pull(reference);
  }

  Result<std::string> Export(const ImageExport& spec, const OriginalLayerBlob& original) override {
    return WriteOciArchive(spec, state_dir_ / "tmp", original);
  }

 private:
  std::filesystem::path state_dir_;
  images::ImageStore images_;
};

}  // namespace
}  // namespace host

// The entry point (kImageTransferSymbol), called once the build IDs matched.
extern "C" __attribute__((visibility("default"))) host::ImageTransfer* host_create_image_transfer(
    const char* state_dir, const host::images::Config* config, std::string* error) {
  if (config == nullptr) {
    *error = "the image transfer plugin was given no configuration";
    return nullptr;
  }
  return new host::Transfer(state_dir, *config);
}
