// The built-in "core" module: the engine's core types, served through the same ABI, registry and
// checks as any module, so modules and the CLI reach them the same way.
#ifndef HOST_TYPES_CORE_MODULE_H_
#define HOST_TYPES_CORE_MODULE_H_

#include <filesystem>

#include "core/types/secret_store.h"
#include "host/abi.h"

namespace host {

// Engine-side state of the core types for one engine.
class CoreServices {
 public:
  // state_dir: where persistent state (keys, images, cache) lives.
  explicit CoreServices(std::filesystem::path state_dir);

  const std::filesystem::path& state_dir() const { return state_dir_; }
  // The session's secrets and the scrubber.
  SecretStore& secrets() { return secrets_; }
  const SecretStore& secrets() const { return secrets_; }

 private:
  std::filesystem::path state_dir_;
  SecretStore secrets_;
};

// The core module's entry point: negotiates like a module's host_module_init_v1.
host_status CoreModuleInit(host_negotiate* io);

}  // namespace host

#endif  // HOST_TYPES_CORE_MODULE_H_
