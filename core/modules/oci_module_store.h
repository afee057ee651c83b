// Modules fetched from OCI registries as the state folder stores them (modules/oci/): found,
// checked from the pin down and described without the registry client, so that a stored module
// loads no network library.
#ifndef HOST_MODULES_OCI_MODULE_STORE_H_
#define HOST_MODULES_OCI_MODULE_STORE_H_

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/status.h"
#include "core/modules/fetched_module.h"
#include "core/modules/module_ref.h"

namespace host::modules {

// Where the digest a tag of ref resolved to is remembered, under oci_dir (state/modules/oci).
std::filesystem::path OciTagMemory(const std::filesystem::path& oci_dir, const OciModuleRef& ref);

// The digest remembered in file, or "" when there is none (or it is not a sha256 digest).
std::string RememberedOciDigest(const std::filesystem::path& file);

// The module stored at stored (modules/oci/<hex>) for the index digest: its source folder and
// hash, and its shared object checked against the pin (an edited one is an error, never a
// fallback to a source build). shown names the reference in errors.
Result<FetchedModule> StoredOciModule(const std::filesystem::path& stored,
                                      const std::string& digest, const std::string& resolved,
                                      const std::string& shown);

// The stored module ref (or pinned_digest, or a remembered tag unless options.refresh) names, or
// nullopt when it is not stored here; an error when what is stored was changed.
Result<std::optional<FetchedModule>> FindStoredOciModule(const OciModuleRef& ref,
                                                         const FetchOptions& options,
                                                         std::string_view pinned_digest);

}  // namespace host::modules

#endif  // HOST_MODULES_OCI_MODULE_STORE_H_
