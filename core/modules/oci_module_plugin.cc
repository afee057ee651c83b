// The OCI module plugin (libhost-modules-oci.so): oci_module.h's functions behind one entry point.
#include "core/modules/oci_module_plugin.h"

namespace host::modules {
namespace {

Result<std::string> Publish(const PublishRequest& request, const images::Config& config,
                            const std::filesystem::path& state_dir) {
  images::RegistryClient client(config, state_dir / "registries");
  return PublishModule(request, client);
}

Result<FetchedModule> Fetch(const OciModuleRef& ref, const FetchOptions& options,
                            const images::Config& config, std::string_view pinned_digest) {
  images::RegistryClient client(config, options.state_dir / "registries");
  return FetchOciModule(ref, options, client, pinned_digest);
}

Status PushSignatureOp(const OciModuleRef& repo, std::string_view index_digest,
                       std::string_view signature_bytes, const images::Config& config,
                       const std::filesystem::path& state_dir) {
  images::RegistryClient client(config, state_dir / "registries");
  return PushSignature(client, repo, index_digest, signature_bytes);
}

Result<std::optional<std::string>> FetchSignatureOp(const OciModuleRef& repo,
                                                    std::string_view index_digest,
                                                    const images::Config& config,
                                                    const std::filesystem::path& state_dir) {
  images::RegistryClient client(config, state_dir / "registries");
  return FetchSignature(client, repo, index_digest, state_dir);
}

Result<std::string> PushYankOp(const OciModuleRef& ref, bool yanked, std::string_view reason,
                               const images::Config& config,
                               const std::filesystem::path& state_dir) {
  images::RegistryClient client(config, state_dir / "registries");
  return YankModule(client, ref, yanked, reason);
}

constexpr OciModuleOps kOps = {Publish, Fetch, PushSignatureOp, FetchSignatureOp, PushYankOp};

}  // namespace
}  // namespace host::modules

extern "C" __attribute__((visibility("default"))) const host::modules::OciModuleOps*
host_oci_module_ops() {
  return &host::modules::kOps;
}
