// The trust policy: whether a module's native code may run inside host or must run out of
// process in a sandbox, from where it came from, the lock file and its signature.
#ifndef HOST_MODULES_TRUST_H_
#define HOST_MODULES_TRUST_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/images/config.h"
#include "core/modules/module_ref.h"

namespace host::modules {

// How a module runs.
enum class RunMode {
  kInProcess,  // loaded into host (or its own process when the user asks: --isolate, runtime)
  kSandboxed,  // its own process with no network and no host files but its own folder
};

// What is known about one module when deciding how it runs.
struct TrustFacts {
  RefKind kind = RefKind::kLocal;  // local modules (folders, names, built-ins) run in process
  // The reference without its version, as ModuleRef::Unversioned() gives it:
  // "github.com/acme/modules/probe", "oci://127.0.0.1:5000/acme/probe".
  std::string reference;
  bool pinned = false;    // the lock file pins it (`host install` trusted it deliberately)
  std::string lock_file;  // the lock file's name, for the reason: "host.lock"
  // The public key line that verified its signature (VerifyDigest's answer); empty: unsigned or
  // not verified.
  std::string signed_by;
};

// How a module runs and why, for the `functions` header and --json.
struct TrustDecision {
  RunMode mode = RunMode::kSandboxed;
  // "in process: pinned in host.lock", "sandboxed: not pinned and not signed by a trusted key".
  std::string reason;
};

// Decides how a module runs: local modules, modules pinned in the lock file, and modules signed
// by a key trusted for a pattern that matches their reference run in process; everything else is
// sandboxed.
TrustDecision DecideRunMode(const TrustFacts& facts,
                            const std::vector<images::Config::TrustedKey>& trusted_keys);

// Whether a source pattern of trusted_keys matches an unversioned reference. Patterns are shell
// globs (fnmatch) where '*' also crosses '/': "github.com/acme/*" matches
// "github.com/acme/modules/probe".
bool SourceMatches(std::string_view pattern, std::string_view reference);

// The key lines of trusted_keys that may sign the module at reference (a pattern matches it), in
// config order without repeats: what VerifyDigest is given.
std::vector<std::string> KeysTrustedFor(
    std::string_view reference, const std::vector<images::Config::TrustedKey>& trusted_keys);

// Short text for a mode: "in process" or "sandboxed".
std::string_view RunModeName(RunMode mode);

}  // namespace host::modules

#endif  // HOST_MODULES_TRUST_H_
