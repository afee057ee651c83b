// Modules as OCI artifacts: publishing a module folder to a registry as an image index, fetching
// one into the state folder, and storing signature bytes beside it.
//
// The artifact (all documents are pushed as sent; Debian's docker-registry keeps them so):
//   index (application/vnd.oci.image.index.v1+json, artifactType application/vnd.host.module.v1,
//          annotations org.opencontainers.image.{version,source,revision,licenses,created,
//          description} when known, and vnd.host.module.dependencies: module.json's dependency
//          references as a JSON array text, left out when there are none)
//   ├─ source manifest (annotation vnd.host.module.part=source): layers, found by media type
//   │    the module's files, a deterministic tar.gz (kModuleSourceType)
//   │    the module's schema JSON, readable without loading code (kModuleSchemaType)
//   │    the module's README when it has one, at most 1 MiB (kModuleReadmeType; older artifacts
//   │    have none)
//   │    (the schema's and README's descriptors embed their bytes as "data", base64, when they
//   │    are at most 256 KiB, so that the module index reads them with the manifest)
//   └─ one binary manifest per platform (platform {os, architecture}; annotations
//        vnd.host.module.part=binary, the ABI version, glibc version and object path): layer
//        [0] the prebuilt shared object (kModuleBinaryType)
// Every child's config is the OCI empty descriptor ("{}").
// Beside it, tagged after its digest (Debian's registry has no referrers API):
//   sha256-<hex>.sig    a signature (kModuleSignatureArtifactType), one SSHSIG layer
//   sha256-<hex>.yank   whether the version is yanked (kModuleYankArtifactType), no layer but the
//                       empty one; annotations vnd.host.module.yanked ("true" or "false") and
//                       vnd.host.module.yanked.reason
#ifndef HOST_MODULES_OCI_MODULE_H_
#define HOST_MODULES_OCI_MODULE_H_

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/status.h"
#include "core/images/registry_client.h"
#include "core/modules/fetched_module.h"
#include "core/modules/module_ref.h"

namespace host::modules {

// Media types and annotation keys of the artifact.
inline constexpr char kModuleArtifactType[] = "application/vnd.host.module.v1";
inline constexpr char kModuleSourceType[] = "application/vnd.host.module.source.v1.tar+gzip";
inline constexpr char kModuleSchemaType[] = "application/vnd.host.module.schema.v1+json";
inline constexpr char kModuleBinaryType[] = "application/vnd.host.module.binary.v1";
inline constexpr char kModuleReadmeType[] = "application/vnd.host.module.readme.v1+markdown";
inline constexpr char kModuleYankArtifactType[] = "application/vnd.host.module.yank.v1";
inline constexpr char kModuleSignatureArtifactType[] = "application/vnd.host.module.signature.v1";
inline constexpr char kModuleSignatureType[] = "application/vnd.host.module.signature.v1.sshsig";
inline constexpr char kPartAnnotation[] = "vnd.host.module.part";      // "source" or "binary"
inline constexpr char kAbiAnnotation[] = "vnd.host.module.abi";        // HOST_ABI_VERSION, decimal
inline constexpr char kGlibcAnnotation[] = "vnd.host.module.glibc";    // glibc it was built on
inline constexpr char kObjectAnnotation[] = "vnd.host.module.object";  // module.json's "object"
inline constexpr char kDependenciesAnnotation[] = "vnd.host.module.dependencies";
inline constexpr char kYankedAnnotation[] = "vnd.host.module.yanked";  // "true" or "false"
inline constexpr char kYankReasonAnnotation[] = "vnd.host.module.yanked.reason";
inline constexpr char kYankDigestAnnotation[] = "vnd.host.module.yanked.digest";  // the index

// What to publish and where.
struct PublishRequest {
  std::filesystem::path module_dir;  // the folder holding module.json
  OciModuleRef target;               // registry, repository and tag (the version); no digest
  std::string schema_json;           // the module's schema (host -m DIR functions --json)
  std::filesystem::path prebuilt;    // the built shared object for this host; empty: none
  std::string object;                // its path relative to module_dir (module.json's "object")
  std::string licenses;              // SPDX expression for the annotation; empty: left out
  bool allow_dirty = false;          // publish a git tree with uncommitted changes
  bool force = false;                // move an existing tag that holds other content
};

// Publishes request.module_dir as an index tagged request.target.tag. Pushes only the blobs the
// registry lacks, then the children, then the index. Refuses a git tree with uncommitted changes
// under the folder (unless allow_dirty) and an existing tag holding a different index (unless
// force); the same content again is a success that pushes nothing (the same files and schema
// count as the same content, so that a rebuilt binary or a commit elsewhere in the repository
// leaves the tag where it is). Returns
// "REGISTRY/REPO:TAG@sha256:..." (the index digest, which a signature signs).
Result<std::string> PublishModule(const PublishRequest& request, images::RegistryClient& client);

// Stores signature bytes for the index index_digest of repo as an artifact tagged
// "sha256-<hex>.sig" (Debian's registry has no referrers API). Replaces an earlier signature.
Status PushSignature(images::RegistryClient& client, const OciModuleRef& repo,
                     std::string_view index_digest, std::string_view signature_bytes);

// Marks the version index_digest of repo yanked (with reason, required, at most 1,000
// characters) or, with yanked false, restored: an artifact tagged "sha256-<hex>.yank" (see the
// layout above), replacing an earlier one.
Status PushYank(images::RegistryClient& client, const OciModuleRef& repo,
                std::string_view index_digest, bool yanked, std::string_view reason);

// Resolves ref (a tag or a digest) to a published module's index and pushes its yank artifact
// (PushYank). Returns the index digest. Anything but a module index is a usage error.
Result<std::string> YankModule(images::RegistryClient& client, const OciModuleRef& ref, bool yanked,
                               std::string_view reason);

// The signature bytes stored for index_digest, or nullopt when there are none. Blobs pass
// through the content store under state_dir, checked against their digests.
Result<std::optional<std::string>> FetchSignature(images::RegistryClient& client,
                                                  const OciModuleRef& repo,
                                                  std::string_view index_digest,
                                                  const std::filesystem::path& state_dir);

// Fetches ref into options.state_dir/modules/oci/<index hex>/ (source/ holds the module,
// schema.json its schema, prebuilt/ the shared object for this host when one matches its
// platform, ABI and glibc). A digest (in ref or pinned_digest) that is stored needs no network;
// a tag resolution is remembered under state_dir/modules/oci/tags and reused (offline too) unless
// options.refresh. Every blob is checked against its digest and the source archive is unpacked
// as untrusted input; on any failure nothing is stored. A stored shared object is checked against
// the pinned index on every call (index.json, binary.json and its layer digest); an edited one is
// an error, never replaced by a source build.
Result<FetchedModule> FetchOciModule(const OciModuleRef& ref, const FetchOptions& options,
                                     images::RegistryClient& client,
                                     std::string_view pinned_digest = "");

// "REGISTRY/REPO" of ref, the form errors and results use.
std::string OciRepositoryName(const OciModuleRef& ref);

// The platform of this host as OCI names it ("amd64", "arm64", ...).
std::string HostArchitecture();

}  // namespace host::modules

#endif  // HOST_MODULES_OCI_MODULE_H_
