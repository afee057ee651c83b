// The built-in "core" module: the engine's core types, served through the same ABI, registry and
// checks as any module, so modules and the CLI reach them the same way.
#ifndef HOST_TYPES_CORE_MODULE_H_
#define HOST_TYPES_CORE_MODULE_H_

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>

#include "core/types/container_backend.h"
#include "core/types/evaluator.h"
#include "core/types/node_table.h"
#include "core/types/progress.h"
#include "core/types/secret_store.h"
#include "core/types/step_cache.h"
#include "core/types/store_leases.h"
#include "host/abi.h"

namespace host {

// Engine-side state of the core types for one engine.
class CoreServices {
 public:
  // state_dir: where persistent state (keys, images, cache) lives; progress: where step progress
  // goes (null: nowhere), a terminal of terminal_columns columns when that is not 0.
  CoreServices(std::filesystem::path state_dir, std::ostream* progress, int terminal_columns = 0);
  ~CoreServices();

  const std::filesystem::path& state_dir() const { return state_dir_; }
  // The session's secrets and the scrubber.
  SecretStore& secrets() { return secrets_; }
  const SecretStore& secrets() const { return secrets_; }
  // The session's lazy objects.
  NodeTable& nodes() { return nodes_; }
  // Evaluates lazy objects.
  Evaluator& evaluator() { return evaluator_; }
  // Results of container steps.
  StepCache& steps() { return steps_; }
  // Directory snapshots.
  SnapshotStore& snapshots() { return snapshots_; }
  // This engine's leases on the stores' entries: what it uses is never pruned under it.
  StoreLeases& leases() { return leases_; }
  // Pulls images and runs steps: the container engine plugin, loaded on first use.
  Result<ContainerBackend*> Backend();
  // Reports pulls and steps as they start and end (scrubbed).
  ProgressLog& progress() { return progress_; }
  // The core module's digest, which object IDs start from (set by the engine that loads it).
  const std::string& module_digest() const { return module_digest_; }
  void set_module_digest(std::string digest) { module_digest_ = std::move(digest); }
  // The configured size of the stores, once the container backend is loaded (0: not loaded).
  uint64_t cache_size() const { return cache_size_; }
  // When this engine started: what was used since then is this run's.
  std::filesystem::file_time_type started() const { return started_; }

 private:
  std::filesystem::path state_dir_;
  SecretStore secrets_;
  ProgressLog progress_;
  NodeTable nodes_;
  StoreLeases leases_;
  StepCache steps_;
  SnapshotStore snapshots_;
  Evaluator evaluator_;
  std::mutex lazy_mutex_;
  std::unique_ptr<ContainerBackend> backend_;
  std::string module_digest_;
  std::filesystem::file_time_type started_;  // entries used since then are this run's
  uint64_t cache_size_ = 0;                  // from the config file, once images are used
};

// The core module's entry point: negotiates like a module's host_module_init_v1.
host_status CoreModuleInit(host_negotiate* io);

}  // namespace host

#endif  // HOST_TYPES_CORE_MODULE_H_
