// Module references as users write them: a local folder or name, a git repository (with a
// subfolder and a version), or an OCI artifact; and the config file's rewrites of their sources.
#ifndef HOST_MODULES_MODULE_REF_H_
#define HOST_MODULES_MODULE_REF_H_

#include <map>
#include <string>
#include <string_view>

#include "core/base/status.h"

namespace host::modules {

// What kind of place a reference names.
enum class RefKind {
  kLocal,  // a folder, a module.json, a shared object, or a name on the module path
  kGit,    // [https://|ssh://|git@]HOST/OWNER/REPO[.git][/SUBPATH][@VERSION]
  kOci,    // oci://REGISTRY/NAMESPACE/NAME(:TAG|@sha256:...)
};

// A module in a git repository.
struct GitModuleRef {
  std::string repo;  // canonical name: "github.com/acme/modules" (no scheme, no .git)
  std::string url;   // what git is given, after rewrites: "https://github.com/acme/modules",
                     // "ssh://git@host:2222/acme/modules.git", "http://127.0.0.1:8080/git/..."
  bool try_git_suffix = false;  // whether url + ".git" is tried when url is refused
  std::string subpath;          // the module's folder in the repository; "" for its top
  std::string version;  // as written after '@': "v1.2.0", "v1", "main", "3f2a9c1"; "" = default
                        // branch
};

// A module published as an OCI artifact.
struct OciModuleRef {
  std::string registry;    // "127.0.0.1:5000", "ghcr.io"
  std::string repository;  // "acme/pulumi"
  std::string tag;         // "1.2.0"; "" when only a digest is given
  std::string digest;      // "sha256:..."; "" when only a tag is given
};

// A parsed reference.
struct ModuleRef {
  RefKind kind = RefKind::kLocal;
  std::string text;  // exactly as written
  GitModuleRef git;  // kGit
  OciModuleRef oci;  // kOci
  // The reference without its version: what `host update` and the lock file group by
  // ("github.com/acme/modules/pulumi", "oci://127.0.0.1:5000/acme/pulumi").
  std::string Unversioned() const;
};

// Whether text names a remote module (git or OCI) rather than a local folder or name. A path that
// exists on disk is always local.
bool IsRemoteRef(std::string_view text);

// Parses text. rewrites are the config file's module_sources (prefix -> replacement, longest
// prefix wins, applied to the reference without scheme before the repository's end is found).
// Errors say what part is malformed and show the accepted forms.
Result<ModuleRef> ParseModuleRef(std::string_view text,
                                 const std::map<std::string, std::string>& rewrites = {});

}  // namespace host::modules

#endif  // HOST_MODULES_MODULE_REF_H_
