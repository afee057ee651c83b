// Fuzzes host's configuration file (config.json: mirrors, insecure registries, credentials,
// runtime, tag_ttl, cache_size) and the registry names and durations it holds. Any text must give
// a Config or an error; an accepted one must answer questions about any registry host.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/images/config.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace images = host::images;

using host::fuzz::Expect;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The whole input as a duration and as a registry name, as a flag or a reference gives them.
  host::Result<std::chrono::seconds> duration = images::ParseDuration(text);
  if (duration.ok()) Expect(duration->count() >= 0, "a duration is negative");
  const std::string canonical = images::CanonicalRegistry(text);
  Expect(images::CanonicalRegistry(canonical) == canonical, "CanonicalRegistry is not idempotent");

  host::Result<images::Config> config = images::ParseConfig(text, "fuzz/config.json");
  if (!config.ok()) {
    Expect(!config.status().message().empty(), "a rejected config has no message");
    return 0;
  }
  Expect(config->runtime.empty() || config->runtime == "crun" || config->runtime == "runc",
         "an unknown runtime is accepted");
  Expect(config->tag_ttl.count() >= 0, "tag_ttl is negative");
  Expect(config->tag_ttl <= images::kMaxTagTtl, "tag_ttl is above its limit");
  for (const auto& [registry, mirrors] : config->mirrors) {
    for (const auto& url : mirrors) {
      Expect(url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0,
             "a mirror is not an http(s) URL");
    }
    Expect(config->MirrorsFor(registry) == mirrors, "a registry's mirrors are not found");
  }
  for (const auto& [registry, credentials] : config->auths) {
    Expect(config->CredentialsFor(registry) != nullptr, "a registry's credentials are not found");
    Expect(
        credentials.token.empty() != (credentials.username.empty() && credentials.password.empty()),
        "credentials are neither a token nor a username and password");
  }
  for (const auto& host : config->insecure) Expect(config->IsInsecure(host), "insecure is lost");
  (void)config->IsInsecure(text);
  (void)config->CredentialsFor(text);
  (void)config->MirrorsFor(text);
  return 0;
}
