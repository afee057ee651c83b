// A client of the OCI distribution API (registries and their mirrors) on libcurl.
#ifndef HOST_IMAGES_REGISTRY_CLIENT_H_
#define HOST_IMAGES_REGISTRY_CLIENT_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/images/config.h"
#include "core/images/content_store.h"
#include "core/images/oci_manifest.h"
#include "core/images/reference.h"

namespace host::images {

// A manifest or index as a registry served it.
struct FetchedManifest {
  std::string body;        // the exact bytes (their sha256 is the digest)
  std::string media_type;  // the registry's Content-Type
  std::string digest;      // "sha256:..." of body
  std::string url;         // where it came from
};

// Talks to registries: mirrors from the config are tried first, in order, then the registry
// itself. Handles Bearer-token and Basic authentication (anonymous or with credentials from the
// config), redirects, and plain HTTP or unverified TLS for insecure registries. Thread-safe; one
// client reuses connections across calls.
class RegistryClient {
 public:
  // A client using the mirrors, insecure registries and credentials of config. With
  // scheme_memory, which scheme an insecure registry answered on is remembered in that folder,
  // so later processes skip the https probe of a plain-http registry.
  explicit RegistryClient(Config config, std::filesystem::path scheme_memory = {});
  ~RegistryClient();
  RegistryClient(const RegistryClient&) = delete;
  RegistryClient& operator=(const RegistryClient&) = delete;

  // Fetches the manifest or index that identifier (a tag or a digest) names in ref's repository.
  // A digest identifier is checked against the bytes. A missing image is a usage error quoting the
  // registry's error code (MANIFEST_UNKNOWN, NAME_UNKNOWN).
  Result<FetchedManifest> GetManifest(const ImageReference& ref, std::string_view identifier);

  // Downloads a blob of ref's repository into store, streaming it to a temporary file while
  // hashing it; a blob whose bytes do not match its digest (or size) is refused and nothing is
  // stored. Does nothing if store has the blob already.
  Status FetchBlob(const ImageReference& ref, const Descriptor& blob, const ContentStore& store);

  // Pushes go to the registry itself (never a mirror), authenticated with the push scope.

  // Whether ref's repository holds the blob digest (a HEAD request).
  Result<bool> HasBlob(const ImageReference& ref, std::string_view digest);

  // Uploads bytes as the blob digest of ref's repository (POST, then one PUT ?digest=), unless
  // the registry has it already. Bytes that do not hash to digest are refused before sending.
  Status PushBlob(const ImageReference& ref, std::string_view digest, std::string_view bytes);

  // Stores a manifest or index of media_type in ref's repository under tag (by its digest when
  // tag is empty); its blobs and children must be there. Returns its digest ("sha256:...").
  Result<std::string> PutManifest(const ImageReference& ref, std::string_view tag,
                                  std::string_view media_type, std::string_view body);

  // Lists go to the registry itself (never a mirror).

  // The names of every repository of registry ("HOST[:PORT]"): GET /v2/_catalog?n=1000 and the
  // pages its Link headers name (on the same registry and endpoint only), at most 100,000 names.
  // A registry without the catalog API (HTTP 404) is a usage error saying so.
  Result<std::vector<std::string>> ListRepositories(const std::string& registry);

  // The tags of repo's repository (its tag and digest are ignored): GET
  // /v2/<name>/tags/list?n=1000 and the following pages, at most 100,000 tags. An unknown
  // repository is a usage error starting "not found".
  Result<std::vector<std::string>> ListTags(const ImageReference& repo);

  // The n asked per page of a list (1000 unless set; at least 1): for tests of pagination.
  void set_page_size(int n);

  // The configuration in use.
  const Config& config() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace host::images

#endif  // HOST_IMAGES_REGISTRY_CLIENT_H_
