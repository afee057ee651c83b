// Host's configuration file: registry mirrors, insecure registries, credentials, OCI runtime,
// cache size, how long a resolved tag is trusted.
#ifndef HOST_IMAGES_CONFIG_H_
#define HOST_IMAGES_CONFIG_H_

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace host::images {

// Credentials for one registry: a username and password, or a bearer token.
struct RegistryCredentials {
  std::string username;
  std::string password;
  std::string token;  // sent as "Authorization: Bearer <token>" when set
};

// The longest tag_ttl a configuration file may set (ten years): longer ones are refused, since
// times in milliseconds computed from them would overflow.
inline constexpr std::chrono::seconds kMaxTagTtl = std::chrono::hours(24 * 3650);

// What the configuration file says; a missing file gives these defaults.
struct Config {
  // Registry name ("docker.io") -> mirror base URLs ("http://127.0.0.1:5000"), tried in order
  // before the registry itself.
  std::map<std::string, std::vector<std::string>> mirrors;
  // Registries ("host[:port]") that may be reached over plain HTTP or with unverified TLS.
  // Loopback registries (127.0.0.0/8, localhost, [::1]) are always allowed, as Docker does.
  std::vector<std::string> insecure;
  // Registry name ("ghcr.io", "docker.io") -> credentials.
  std::map<std::string, RegistryCredentials> auths;
  // The OCI runtime for steps: "crun", "runc", or empty when the file does not say.
  std::string runtime;
  // How much the state folder's stores may hold before least recently used entries are evicted.
  uint64_t cache_size = 20'000'000'000;
  // How long the digest a registry gave for a tag is used without asking again, when the image
  // is already here; zero asks the registry on every pull.
  std::chrono::seconds tag_ttl = std::chrono::minutes(5);
  // The largest result a module function may return, in bytes (of its serialized value): a
  // larger one fails the call, and no result above it is stored.
  uint64_t max_result_size = uint64_t{256} << 20;
  // Unpacking limits (see LayerLimits): bytes of files in one layer, bytes of files in the layers
  // one pull unpacks, tar entries in one layer.
  uint64_t max_layer_size = uint64_t{16} << 30;
  uint64_t max_image_size = uint64_t{32} << 30;
  uint64_t max_layer_entries = 1'000'000;
  // How long a registry may stay silent (connecting, or between bytes) before a request to it
  // fails with "did not answer within N s".
  std::chrono::seconds registry_timeout{30};
  // Module source rewrites, like git's insteadOf: a reference prefix ("github.com/acme") -> what
  // replaces it ("http://127.0.0.1:8080/git/acme"). The longest matching prefix wins.
  std::map<std::string, std::string> module_sources;
  // Keys trusted to sign modules: each an OpenSSH public key line ("ssh-ed25519 AAAA... name") and
  // the module references it may sign, as glob patterns ("github.com/acme/*", "oci://reg/ns/*").
  struct TrustedKey {
    std::string key;
    std::vector<std::string> sources;
  };
  std::vector<TrustedKey> trusted_keys;
  // The file these settings came from; empty when no file was read.
  std::filesystem::path source;

  // True if host ("name[:port]") may be reached over plain HTTP or unverified TLS.
  bool IsInsecure(std::string_view host) const;
  // The credentials for a registry or mirror host, or nullptr.
  const RegistryCredentials* CredentialsFor(std::string_view host) const;
  // The mirror base URLs configured for a registry, in order.
  std::vector<std::string> MirrorsFor(std::string_view registry) const;
};

// The configuration file in effect: $HOST_CONFIG, else $XDG_CONFIG_HOME/host/config.json, else
// /etc/host/config.json.
std::filesystem::path ConfigPath();

// Where images, layers and step results live: $HOST_STATE_DIR, else $XDG_CACHE_HOME/host, else
// /var/lib/host for root, else ~/.cache/host.
std::filesystem::path DefaultStateDir();

// Reads the configuration file at ConfigPath().
Result<Config> LoadConfig();

// Reads a configuration file; a missing file gives the defaults.
Result<Config> LoadConfigFile(const std::filesystem::path& file);

// Parses configuration JSON; source names the file in error messages.
Result<Config> ParseConfig(std::string_view text, const std::filesystem::path& source);

// Parses a duration: a number of seconds (5, "300") or a number with a unit ("90s", "5m", "2h",
// "1d"); a usage error otherwise.
Result<std::chrono::seconds> ParseDuration(std::string_view text);

// The canonical name of a registry host: "index.docker.io" and "registry-1.docker.io" are
// "docker.io"; a scheme or path around it ("https://ghcr.io/v2/") is dropped.
std::string CanonicalRegistry(std::string_view name);

}  // namespace host::images

#endif  // HOST_IMAGES_CONFIG_H_
