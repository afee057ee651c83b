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

// The link to a module whose functions run in another process (module.json's runtime.command,
// or a shared object under `host --isolate`). Implemented by core/remote/module_process.cc.
class ModuleConnection {
 public:
  virtual ~ModuleConnection() = default;
  // Runs one call, as host_module.invoke does.
  virtual host_status Invoke(host_context* ctx, host_bytes call, host_buffer* result,
                             host_buffer* error) = 0;
};

// A loaded module: a shared object open for the life of the process with its negotiated table,
// or a module process behind a connection.
class LoadedModule {
 public:
  // The module's name, as its schema says.
  const std::string& name() const { return def_.name(); }
  // The shared object's path (empty for a module built into the host; the module's folder for a
  // module run by a command).
  const std::filesystem::path& path() const { return path_; }
  // Whether the module's functions run in another process.
  bool out_of_process() const { return connection_ != nullptr; }
  // Runs one call in the module, in this process or in its own.
  host_status Invoke(host_context* ctx, host_bytes call, host_buffer* result,
                     host_buffer* error) const {
    return connection_ ? connection_->Invoke(ctx, call, result, error)
                       : table_->invoke(ctx, call, result, error);
  }
  // Whether the module is built into the host.
  bool builtin() const { return path_.empty(); }
  // The compiler and SDK that built it, as the module reports.
  const std::string& build_info() const { return build_info_; }
  // The schema the module described.
  const v1::ModuleDef& def() const { return def_; }
  // "sha256:<hex>" of the shared object's bytes (of the name and build for a built-in module; of
  // the folder's files for a module run by a command), computed on first use.
  const std::string& Digest() const;

 private:
  friend Result<std::unique_ptr<LoadedModule>> LoadSharedModule(const std::filesystem::path&,
                                                                const host_api*);
  friend Result<std::unique_ptr<LoadedModule>> LoadBuiltinModule(host_module_init_fn,
                                                                 const host_api*);
  friend Status Negotiate(LoadedModule*, host_module_init_fn, const std::string&, const host_api*);
  friend std::unique_ptr<LoadedModule> MakeProcessModule(std::unique_ptr<ModuleConnection>,
                                                         v1::ModuleDef, std::string,
                                                         std::filesystem::path, std::string);
  std::filesystem::path path_;
  boost::dll::shared_library library_;
  const host_module* table_ = nullptr;
  std::unique_ptr<ModuleConnection> connection_;
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

// A module whose functions run in another process, behind connection. path is its shared object
// (host --isolate) or its folder (runtime.command); either gives the module's digest, unless
// digest (its ContentDigest, computed already) is given.
std::unique_ptr<LoadedModule> MakeProcessModule(std::unique_ptr<ModuleConnection> connection,
                                                v1::ModuleDef def, std::string build_info,
                                                std::filesystem::path path,
                                                std::string digest = {});

// "sha256:<hex>" of a file's bytes, or of a folder's file names and bytes (installed packages,
// build output and version control left out): the digest of a module at path.
std::string ContentDigest(const std::filesystem::path& path);

// Negotiates with a module's entry point and reads its schema into module; `file` names it in
// errors.
Status Negotiate(LoadedModule* module, host_module_init_fn init, const std::string& file,
                 const host_api* api);

}  // namespace host

#endif  // HOST_LOADER_MODULE_LOADER_H_
