// Remote modules in one engine: git and OCI references resolved, fetched, checked against the lock
// files of the modules loaded, and given a run mode (in process, or sandboxed out of process).
#ifndef HOST_ENGINE_REMOTE_MODULES_H_
#define HOST_ENGINE_REMOTE_MODULES_H_

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "core/base/status.h"
#include "core/images/config.h"
#include "core/modules/fetched_module.h"
#include "core/modules/lock_file.h"
#include "core/modules/module_ref.h"

namespace host {

namespace modules {
struct OciModuleOps;
}

// How an engine treats remote references.
struct RemoteModuleOptions {
  std::filesystem::path state_dir;  // fetched modules go to state_dir/modules
  bool locked = false;    // --locked: every remote reference must be pinned by a lock file
  bool refresh = false;   // resolve every reference at its source again (host update)
  std::string git_token;  // a token for git servers, from a secret; never written anywhere
  bool trust = false;     // what is loaded is being pinned (install, update): runs in process
};

// A remote module ready to load.
struct RemoteModule {
  modules::ModuleRef ref;
  modules::FetchedModule fetched;
  modules::LockEntry entry;  // what a lock file holds for it
  bool pinned = false;       // a lock file pins it
  bool sandboxed = true;     // runs out of process in the sandbox
  std::string mode;          // "in process" or "sandboxed", with the reason
};

// Resolves remote references for one engine.
class RemoteModules {
 public:
  RemoteModules(RemoteModuleOptions options, images::Config config);
  ~RemoteModules();
  RemoteModules(const RemoteModules&) = delete;
  RemoteModules& operator=(const RemoteModules&) = delete;

  // Adds the pins of the host.lock beside a module's module.json; pins added earlier win (the
  // module the user ran first, then its dependencies' own locks). Only the user's own locks
  // (trusted: beside a local module) make what they pin run in process; a fetched module's lock
  // chooses versions and hashes, never trust.
  Status AddLock(const std::filesystem::path& module_dir, bool trusted);
  // Resolves and fetches text (a remote reference), checks it against the pins, and decides how
  // it runs. user_written: the user wrote it (-m, or a local module's dependency), so the git
  // token may go to its host; a reference a fetched module names never gets the token unless
  // its host is one of those. Errors name the module, what differs, and the command that fixes
  // it.
  Result<RemoteModule> Resolve(std::string_view text, bool user_written);
  // The modules resolved so far, by reference text.
  const std::map<std::string, RemoteModule, std::less<>>& resolved() const { return resolved_; }
  // The configuration (module_sources, trusted keys, registries).
  const images::Config& config() const { return config_; }

 private:
  Result<modules::FetchedModule> Fetch(const modules::ModuleRef& ref, bool offline, bool refresh,
                                       std::string_view pin);
  // The OCI module plugin, loaded on first use.
  Result<const modules::OciModuleOps*> Oci();
  // Checks a module fetched without a pin against the hash recorded when it was first stored.
  Status CheckRecordedHash(const modules::ModuleRef& ref, const modules::FetchedModule& fetched);

  RemoteModuleOptions options_;
  images::Config config_;
  modules::LockFile lock_;
  std::set<std::string, std::less<>> trusted_pins_;  // references the user's own locks pin
  std::set<std::string, std::less<>> token_hosts_;   // hosts of references the user wrote
  std::filesystem::path lock_origin_;                // the first lock file read, for messages
  std::map<std::string, RemoteModule, std::less<>> resolved_;
  const modules::OciModuleOps* oci_ = nullptr;
};

}  // namespace host

#endif  // HOST_ENGINE_REMOTE_MODULES_H_
