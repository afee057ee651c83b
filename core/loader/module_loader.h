// Loads a module's shared object with Boost.DLL, negotiates the ABI and reads its schema.
#ifndef HOST_LOADER_MODULE_LOADER_H_
#define HOST_LOADER_MODULE_LOADER_H_

#ifndef BOOST_DLL_USE_STD_FS
#define BOOST_DLL_USE_STD_FS
#endif
#include <boost/dll/shared_library.hpp>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "core/base/status.h"
#include "host/abi.h"
#include "host/v1/wire.pb.h"

namespace host {

// A module's shared object, open for the life of the process, with its negotiated table.
class LoadedModule {
 public:
  // The module's name, as its schema says.
  const std::string& name() const { return def_.name(); }
  // The shared object's path (empty for a module built into the host).
  const std::filesystem::path& path() const { return path_; }
  // Whether the module is built into the host.
  bool builtin() const { return path_.empty(); }
  // The module's function table.
  const host_module* table() const { return table_; }
  // The compiler and SDK that built it, as the module reports.
  const std::string& build_info() const { return build_info_; }
  // The schema the module described.
  const v1::ModuleDef& def() const { return def_; }
  // "sha256:<hex>" of the shared object's bytes (of the name and build for a built-in module),
  // computed on first use.
  const std::string& Digest() const;

 private:
  friend Result<std::unique_ptr<LoadedModule>> LoadSharedModule(const std::filesystem::path&,
                                                                const host_api*);
  friend Result<std::unique_ptr<LoadedModule>> LoadBuiltinModule(host_module_init_fn,
                                                                 const host_api*);
  friend Status Negotiate(LoadedModule*, host_module_init_fn, const std::string&, const host_api*);
  std::filesystem::path path_;
  boost::dll::shared_library library_;
  const host_module* table_ = nullptr;
  std::string build_info_;
  v1::ModuleDef def_;
  mutable std::once_flag digest_once_;
  mutable std::string digest_;
};

// Opens path, negotiates ABI version HOST_ABI_VERSION with it and reads its schema. Every failure
// has its own message naming the file, what went wrong and how to fix it.
Result<std::unique_ptr<LoadedModule>> LoadSharedModule(const std::filesystem::path& path,
                                                       const host_api* api);

// Loads a module compiled into the host itself, through the same negotiation as a shared one.
Result<std::unique_ptr<LoadedModule>> LoadBuiltinModule(host_module_init_fn init,
                                                        const host_api* api);

// Negotiates with a module's entry point and reads its schema into module; `file` names it in
// errors.
Status Negotiate(LoadedModule* module, host_module_init_fn init, const std::string& file,
                 const host_api* api);

}  // namespace host

#endif  // HOST_LOADER_MODULE_LOADER_H_
