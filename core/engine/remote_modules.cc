#include "core/engine/remote_modules.h"

#include <fstream>
#include <regex>
#include <sstream>

#include "core/base/file_write.h"
#include "core/base/sha256.h"
#include "core/modules/content_hash.h"
#include "core/modules/git_command.h"
#include "core/modules/git_source.h"
#include "core/modules/oci_module_plugin.h"
#include "core/modules/oci_module_store.h"
#include "core/modules/signature.h"
#include "core/modules/trust.h"

namespace host {
namespace fs = std::filesystem;
using modules::FetchedModule;
using modules::ModuleRef;
using modules::RefKind;

namespace {

// Whether the version a reference names can only ever mean one thing, so that a different pin at
// its source means it was moved: a semver tag, a full commit, any OCI tag or digest.
bool IsExactVersion(const ModuleRef& ref) {
  if (ref.kind == RefKind::kOci) return true;
  static const std::regex semver(R"(v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]*)?)");
  static const std::regex commit("[0-9a-f]{40}");
  return std::regex_match(ref.git.version, semver) || std::regex_match(ref.git.version, commit);
}

// "commit 3f2a9c1e0b7d" or "digest sha256:...": a pin as users see it.
std::string ShowPin(const ModuleRef& ref, const std::string& pin) {
  return ref.kind == RefKind::kGit ? "commit " + pin : "digest " + pin;
}

std::string Named(const std::string& name, const ModuleRef& ref) {
  return "module '" + name + "' (" + ref.text + ")";
}

}  // namespace

RemoteModules::RemoteModules(RemoteModuleOptions options, images::Config config)
    : options_(std::move(options)), config_(std::move(config)) {}

RemoteModules::~RemoteModules() = default;

Status RemoteModules::AddLock(const fs::path& module_dir, bool trusted) {
  Result<modules::LockFile> lock = modules::LoadLockFile(module_dir);
  if (!lock.ok()) return lock.status();
  if (lock->entries.empty()) return {};
  if (lock_origin_.empty() && trusted) lock_origin_ = module_dir / modules::kLockFileName;
  for (auto& [ref, entry] : lock->entries) {
    if (lock_.entries.emplace(ref, entry).second && trusted) trusted_pins_.insert(ref);
  }
  return {};
}

Result<const modules::OciModuleOps*> RemoteModules::Oci() {
  if (oci_ == nullptr) {
    Result<const modules::OciModuleOps*> loaded = modules::LoadOciModuleOps();
    if (!loaded.ok()) return loaded.status();
    oci_ = *loaded;
  }
  return oci_;
}

Result<FetchedModule> RemoteModules::Fetch(const ModuleRef& ref, bool offline, bool refresh,
                                           std::string_view pin) {
  modules::FetchOptions fetch;
  fetch.state_dir = options_.state_dir;
  fetch.offline = offline;
  fetch.refresh = refresh && !offline;
  // The token goes only to the hosts of references the user wrote.
  if (ref.kind == RefKind::kGit && token_hosts_.count(modules::TokenHost(ref.git.url)) > 0) {
    fetch.token = options_.git_token;
  }
  if (ref.kind == RefKind::kGit) return modules::FetchGitModule(ref.git, fetch, pin);
  // A stored module is found without the OCI plugin (libcurl, libarchive, OpenSSL).
  Result<std::optional<FetchedModule>> stored = modules::FindStoredOciModule(ref.oci, fetch, pin);
  if (!stored.ok()) return stored.status();
  if (*stored) return std::move(**stored);
  Result<const modules::OciModuleOps*> oci = Oci();
  if (!oci.ok()) return oci.status();
  return (*oci)->fetch(ref.oci, fetch, config_, pin);
}

Status RemoteModules::CheckRecordedHash(const ModuleRef& ref, const FetchedModule& fetched) {
  // The hash a stored module had when it was stored, kept beside the stores, so an edited copy
  // is caught even when no lock file pins it.
  const fs::path dir = options_.state_dir / "modules" / "hashes";
  const fs::path record = dir / Sha256Hex(fetched.dir.string());
  std::ifstream in(record);
  std::string recorded;
  if (in >> recorded) {
    if (recorded == fetched.hash) return {};
    return Status::Failed(ref.text + ": the stored files at " + fetched.dir.string() + " hash to " +
                          fetched.hash + " but hashed to " + recorded +
                          " when they were fetched; they were changed. Remove that folder to "
                          "fetch them again");
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  (void)WriteWholeFile(record, fetched.hash + "\n", 0644);  // best effort: a later run records it
  return {};
}

Result<RemoteModule> RemoteModules::Resolve(std::string_view text, bool user_written) {
  if (auto it = resolved_.find(text); it != resolved_.end()) return it->second;
  Result<ModuleRef> parsed = modules::ParseModuleRef(text, config_.module_sources);
  if (!parsed.ok()) return parsed.status();
  const ModuleRef& ref = *parsed;
  if (user_written && ref.kind == RefKind::kGit) {
    const std::string host = modules::TokenHost(ref.git.url);
    if (!host.empty()) token_hosts_.insert(host);
  }
  RemoteModule module;
  module.ref = ref;
  auto locked = lock_.entries.find(std::string(text));
  if (locked == lock_.entries.end() && options_.locked) {
    return Status::Usage(
        "--locked: " + ref.text + " is not pinned by " +
        (lock_origin_.empty() ? std::string("a host.lock file") : lock_origin_.string()) +
        "; run 'host install " + ref.text + "' in the module's folder without --locked");
  }
  if (locked != lock_.entries.end() && !options_.refresh) {
    const modules::LockEntry& pin = locked->second;
    // The pinned files, from the store with no network; else from the source, where the
    // reference is resolved again and a moved tag shows.
    Result<FetchedModule> fetched = Fetch(ref, /*offline=*/true, false, pin.pin);
    if (!fetched.ok()) {
      if (IsExactVersion(ref)) {
        Result<FetchedModule> current = Fetch(ref, false, /*refresh=*/true, "");
        if (!current.ok()) return current.status();
        if (current->pin != pin.pin) {
          return Status::Failed(Named(pin.name, ref) + ": at its source it now names " +
                                ShowPin(ref, current->pin) + ", but " + lock_origin_.string() +
                                " pins " + ShowPin(ref, pin.pin) +
                                ". The version was moved after it was pinned; nothing of "
                                "it was loaded. If you trust the new one, run 'host update " +
                                pin.name + "'");
        }
        fetched = std::move(current);
      } else {
        fetched = Fetch(ref, false, false, pin.pin);
        if (!fetched.ok()) return fetched.status();
      }
    }
    if (fetched->hash != pin.hash) {
      return Status::Failed(Named(pin.name, ref) + ": its files at " + fetched->dir.string() +
                            " hash to " + fetched->hash + " but " + lock_origin_.string() +
                            " pins " + pin.hash + " for " + ShowPin(ref, pin.pin) +
                            "; nothing of it was loaded. The stored copy or the source was "
                            "changed: remove " +
                            fetched->dir.string() + " to fetch it again, or run 'host update " +
                            pin.name + "' if the new files are trusted");
    }
    module.fetched = std::move(*fetched);
    module.pinned = trusted_pins_.count(locked->first) > 0;
    module.entry.name = pin.name;
  } else {
    Result<FetchedModule> fetched = Fetch(ref, false, options_.refresh, "");
    if (!fetched.ok()) return fetched.status();
    if (Status s = CheckRecordedHash(ref, *fetched); !s.ok()) return s;
    module.fetched = std::move(*fetched);
  }
  module.entry.resolved = module.fetched.resolved;
  module.entry.pin = module.fetched.pin;
  module.entry.hash = module.fetched.hash;
  // How it runs: pinned by `host install`, or signed by a key trusted for this reference, runs in
  // process; anything else in the sandbox.
  modules::TrustFacts facts;
  facts.kind = ref.kind;
  facts.reference = ref.Unversioned();
  facts.pinned = module.pinned;
  facts.lock_file = lock_origin_.filename().string();
  std::string signature_problem;
  const std::vector<std::string> keys =
      modules::KeysTrustedFor(facts.reference, config_.trusted_keys);
  if (!module.pinned && !options_.trust && ref.kind == RefKind::kOci && !keys.empty()) {
    Result<const modules::OciModuleOps*> oci = Oci();
    if (!oci.ok()) return oci.status();
    Result<std::optional<std::string>> signature =
        (*oci)->fetch_signature(ref.oci, module.fetched.pin, config_, options_.state_dir);
    if (!signature.ok()) return signature.status();
    if (*signature) {
      // A signature no trusted key made (or a damaged one) leaves the module sandboxed.
      Result<std::string> signer = modules::VerifyDigest(module.fetched.pin, **signature, keys);
      if (signer.ok()) facts.signed_by = *signer;
      if (!signer.ok()) signature_problem = signer.status().message();
    }
  }
  if (options_.trust && !module.pinned) {
    module.sandboxed = false;
    module.mode = "in process: being pinned";
  } else {
    const modules::TrustDecision decision = modules::DecideRunMode(facts, config_.trusted_keys);
    module.sandboxed = decision.mode == modules::RunMode::kSandboxed;
    module.mode = decision.reason;
    if (!signature_problem.empty()) module.mode += " (its signature: " + signature_problem + ")";
  }
  return resolved_.emplace(std::string(text), std::move(module)).first->second;
}

}  // namespace host
