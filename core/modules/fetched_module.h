// A remote module brought into the state folder: where its files are and what pins them.
#ifndef HOST_MODULES_FETCHED_MODULE_H_
#define HOST_MODULES_FETCHED_MODULE_H_

#include <filesystem>
#include <string>

namespace host::modules {

// What fetching a remote reference gave. The folder is immutable once stored: nothing (builds
// included) may write into it.
struct FetchedModule {
  std::filesystem::path dir;       // the folder holding the module's module.json
  std::string resolved;            // the exact version: a tag ("v1.2.0", "pulumi/v1.2.0"), a branch
                                   // name, or the commit / tag given; for OCI the tag or digest
  std::string pin;                 // git: the full commit; OCI: the index manifest's "sha256:..."
  std::string hash;                // "sha256:..." over the module's files (ContentHash of dir)
  std::filesystem::path prebuilt;  // OCI: the platform's shared object when it matches this host
                                   // (ABI and build facts); empty otherwise (build from source)
};

// Where remote modules are kept under the state folder, how long a branch or default-branch
// resolution is reused without asking the server, and whether the network may be used at all.
struct FetchOptions {
  std::filesystem::path state_dir;  // remote modules go to state_dir/"modules"
  bool offline = false;             // true: only what is stored may be used (--locked)
  bool refresh = false;  // true: resolve the version at its source even when a resolution is
                         // remembered (host update); never with offline
  std::string token;     // a git token from a secret (never written anywhere)
};

}  // namespace host::modules

#endif  // HOST_MODULES_FETCHED_MODULE_H_
