// The OCI module functions (oci_module.h) behind a plugin, lib/host/libhost-modules-oci.so,
// loaded on first use, so that libcurl, libarchive and OpenSSL stay out of the start-up of every
// host command (as the container engine's transfer plugin does).
#ifndef HOST_MODULES_OCI_MODULE_PLUGIN_H_
#define HOST_MODULES_OCI_MODULE_PLUGIN_H_

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/status.h"
#include "core/images/config.h"
#include "core/modules/fetched_module.h"
#include "core/modules/module_ref.h"
#include "core/modules/oci_module.h"

namespace host::modules {

// oci_module.h's functions, each with a registry client made from config (credentials, mirrors,
// insecure registries; schemes remembered under state_dir/registries).
struct OciModuleOps {
  // PublishModule.
  Result<std::string> (*publish)(const PublishRequest& request, const images::Config& config,
                                 const std::filesystem::path& state_dir);
  // FetchOciModule (state_dir is options.state_dir).
  Result<FetchedModule> (*fetch)(const OciModuleRef& ref, const FetchOptions& options,
                                 const images::Config& config, std::string_view pinned_digest);
  // PushSignature.
  Status (*push_signature)(const OciModuleRef& repo, std::string_view index_digest,
                           std::string_view signature_bytes, const images::Config& config,
                           const std::filesystem::path& state_dir);
  // FetchSignature.
  Result<std::optional<std::string>> (*fetch_signature)(const OciModuleRef& repo,
                                                        std::string_view index_digest,
                                                        const images::Config& config,
                                                        const std::filesystem::path& state_dir);
  // YankModule.
  Result<std::string> (*push_yank)(const OciModuleRef& ref, bool yanked, std::string_view reason,
                                   const images::Config& config,
                                   const std::filesystem::path& state_dir);
};

// The plugin's entry point: returns its table (static; never freed).
using OciModuleOpsFn = const OciModuleOps* (*)();
inline constexpr char kOciModuleOpsSymbol[] = "host_oci_module_ops";

// Loads the plugin from <prefix>/lib/host next to the running executable (or
// $HOST_MODULES_OCI_LIB) and returns its table; the error names the file and the reason.
Result<const OciModuleOps*> LoadOciModuleOps();

}  // namespace host::modules

#endif  // HOST_MODULES_OCI_MODULE_PLUGIN_H_
