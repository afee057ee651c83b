// Query: where every pipeline starts.
#include "core/types/core_function.h"
#include "core/types/core_module.h"

namespace host {

using namespace decl;

void DeclareQuery(CoreCatalog& catalog) {
  catalog.Object<QueryState>("Where every pipeline starts.")
      .Fn(
          "set-secret", "Makes a secret from a value held by the caller.",
          {Arg("name", String(), "A name for the secret, shown instead of its value."),
           Arg("plaintext", String(), "The secret's value.")},
          [](CoreCall& c) -> Result<ObjectId<SecretState>> {
            Result<std::string> id =
                c.services().secrets().Add(c.String("name"), c.String("plaintext"));
            if (!id.ok()) return id.status();
            return ObjectId<SecretState>{*id};
          },
          v1::CACHE_POLICY_NEVER)
      .Fn(
          "secret",
          "Reads a secret from env://NAME, file://PATH or cmd://COMMAND; plain values are "
          "refused.",
          {Arg("uri", String(), "Where the secret's value comes from.")},
          [](CoreCall& c) -> Result<ObjectId<SecretState>> {
            Result<std::string> value = ReadSecretUri(c.String("uri"));
            if (!value.ok()) return value.status();
            Result<std::string> id = c.services().secrets().Add(c.String("uri"), *value);
            if (!id.ok()) return id.status();
            return ObjectId<SecretState>{*id};
          },
          v1::CACHE_POLICY_NEVER)
      .Fn("container", "An empty container; start from an image with from.", {},
          [](CoreCall&) -> Result<ContainerState> {
            ContainerState scratch;  // an empty root filesystem
            scratch.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
            return scratch;
          })
      .Fn("cache-volume", "A folder that persists between runs, shared by key.",
          {Arg("key", String(), "Which cache: steps using one key share it.")},
          [](CoreCall& c) -> Result<CacheVolumeState> { return CacheVolumeState{c.String("key")}; })
      .Fn("directory", "An empty directory.", {},
          [](CoreCall& c) { return c.services().snapshots().Empty(); })
      .Fn("host", "The machine host runs on: its files and folders.", {},
          [](CoreCall&) -> Result<HostState> { return HostState{}; });
}

}  // namespace host
