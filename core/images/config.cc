#include "core/images/config.h"

#include "core/base/size.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace host::images {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The host part of "host[:port]", without IPv6 brackets.
std::string_view HostName(std::string_view host_port) {
  if (!host_port.empty() && host_port.front() == '[') {
    auto close = host_port.find(']');
    return close == std::string_view::npos ? host_port : host_port.substr(1, close - 1);
  }
  auto colon = host_port.find(':');
  return colon == std::string_view::npos ? host_port : host_port.substr(0, colon);
}

bool IsLoopback(std::string_view host_port) {
  std::string_view host = HostName(host_port);
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

Status FieldError(const fs::path& source, const std::string& field, const std::string& expected) {
  return Status::Usage("config file " + source.string() + ": field \"" + field + "\" must be " +
                       expected);
}

Status ParseMirrors(const json& node, const fs::path& source, Config& config) {
  if (!node.is_object()) return FieldError(source, "mirrors", "an object of registry -> URL list");
  for (const auto& [registry, urls] : node.items()) {
    const std::string field = "mirrors." + registry;
    if (!urls.is_array()) return FieldError(source, field, "a list of URLs");
    std::vector<std::string> list;
    for (const auto& url : urls) {
      if (!url.is_string()) return FieldError(source, field, "a list of URLs");
      std::string text = url.get<std::string>();
      if (text.rfind("http://", 0) != 0 && text.rfind("https://", 0) != 0) {
        return FieldError(source, field,
                          "a list of http:// or https:// URLs, not \"" + text + "\"");
      }
      while (!text.empty() && text.back() == '/') text.pop_back();
      list.push_back(std::move(text));
    }
    config.mirrors[CanonicalRegistry(registry)] = std::move(list);
  }
  return {};
}

Status ParseInsecure(const json& node, const fs::path& source, Config& config) {
  if (!node.is_array()) return FieldError(source, "insecure", "a list of \"host[:port]\" strings");
  for (const auto& host : node) {
    if (!host.is_string()) {
      return FieldError(source, "insecure", "a list of \"host[:port]\" strings");
    }
    config.insecure.push_back(CanonicalRegistry(host.get<std::string>()));
  }
  return {};
}

Status ParseAuths(const json& node, const fs::path& source, Config& config) {
  if (!node.is_object()) return FieldError(source, "auths", "an object of registry -> credentials");
  for (const auto& [registry, entry] : node.items()) {
    const std::string field = "auths." + registry;
    const std::string shape = "{\"username\": ..., \"password\": ...} or {\"token\": ...}";
    if (!entry.is_object()) return FieldError(source, field, shape);
    RegistryCredentials credentials;
    for (const auto& [key, value] : entry.items()) {
      if (!value.is_string()) return FieldError(source, field + "." + key, "a string");
      if (key == "username") {
        credentials.username = value.get<std::string>();
      } else if (key == "password") {
        credentials.password = value.get<std::string>();
      } else if (key == "token") {
        credentials.token = value.get<std::string>();
      } else {
        return FieldError(source, field, shape + ", and has no \"" + key + "\"");
      }
    }
    bool basic = !credentials.username.empty() || !credentials.password.empty();
    if (basic == !credentials.token.empty() ||
        (basic && (credentials.username.empty() || credentials.password.empty()))) {
      return FieldError(source, field, shape);
    }
    config.auths[CanonicalRegistry(registry)] = std::move(credentials);
  }
  return {};
}

}  // namespace

bool Config::IsInsecure(std::string_view host) const {
  if (IsLoopback(host)) return true;
  for (const auto& entry : insecure) {
    if (entry == host) return true;
  }
  return false;
}

const RegistryCredentials* Config::CredentialsFor(std::string_view host) const {
  auto found = auths.find(CanonicalRegistry(host));
  return found == auths.end() ? nullptr : &found->second;
}

std::vector<std::string> Config::MirrorsFor(std::string_view registry) const {
  auto found = mirrors.find(CanonicalRegistry(registry));
  return found == mirrors.end() ? std::vector<std::string>{} : found->second;
}

std::string CanonicalRegistry(std::string_view name) {
  if (auto scheme = name.find("://"); scheme != std::string_view::npos) {
    name.remove_prefix(scheme + 3);
  }
  if (auto slash = name.find('/'); slash != std::string_view::npos) name = name.substr(0, slash);
  if (name == "index.docker.io" || name == "registry-1.docker.io" ||
      name == "registry.hub.docker.com") {
    return "docker.io";
  }
  return std::string(name);
}

Result<std::chrono::seconds> ParseDuration(std::string_view text) {
  const Status bad = Status::Usage("invalid duration \"" + std::string(text) +
                                   "\": give seconds, or a number with s, m, h or d");
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 9) return bad;
  const int64_t count = std::stoll(std::string(text.substr(0, digits)));
  const std::string_view unit = text.substr(digits);
  int64_t seconds_per_unit = 0;
  if (unit.empty() || unit == "s") {
    seconds_per_unit = 1;
  } else if (unit == "m") {
    seconds_per_unit = 60;
  } else if (unit == "h") {
    seconds_per_unit = 3600;
  } else if (unit == "d") {
    seconds_per_unit = 86400;
  } else {
    return bad;
  }
  return std::chrono::seconds(count * seconds_per_unit);
}

fs::path ConfigPath() {
  if (const char* file = std::getenv("HOST_CONFIG"); file && *file) return file;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
    return fs::path(xdg) / "host" / "config.json";
  }
  return "/etc/host/config.json";
}

fs::path DefaultStateDir() {
  if (const char* dir = std::getenv("HOST_STATE_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "host";
  if (geteuid() == 0) return "/var/lib/host";
  if (const char* home = std::getenv("HOME"); home && *home) {
    return fs::path(home) / ".cache" / "host";
  }
  return "/var/lib/host";
}

Result<Config> LoadConfig() { return LoadConfigFile(ConfigPath()); }

Result<Config> LoadConfigFile(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return Config{};
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::Usage("config file " + file.string() + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return ParseConfig(text.str(), file);
}

Result<Config> ParseConfig(std::string_view text, const fs::path& source) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::exception& e) {
    return Status::Usage("config file " + source.string() + ": invalid JSON: " + e.what());
  }
  if (!root.is_object()) {
    return Status::Usage("config file " + source.string() + ": must hold a JSON object");
  }
  Config config;
  config.source = source;
  if (auto it = root.find("mirrors"); it != root.end()) {
    if (Status s = ParseMirrors(*it, source, config); !s.ok()) return s;
  }
  if (auto it = root.find("insecure"); it != root.end()) {
    if (Status s = ParseInsecure(*it, source, config); !s.ok()) return s;
  }
  if (auto it = root.find("auths"); it != root.end()) {
    if (Status s = ParseAuths(*it, source, config); !s.ok()) return s;
  }
  if (auto it = root.find("module_sources"); it != root.end()) {
    if (!it->is_object()) {
      return FieldError(source, "module_sources", "an object of reference prefix -> replacement");
    }
    for (const auto& [prefix, to] : it->items()) {
      if (prefix.empty() || !to.is_string() || to.get<std::string>().empty()) {
        return FieldError(source, "module_sources/" + prefix,
                          "a non-empty prefix mapped to a non-empty string");
      }
      config.module_sources[prefix] = to.get<std::string>();
    }
  }
  if (auto it = root.find("trusted_keys"); it != root.end()) {
    if (!it->is_array()) {
      return FieldError(source, "trusted_keys",
                        "a list of {\"key\": \"ssh-ed25519 AAAA...\", \"sources\": [patterns]}");
    }
    for (size_t i = 0; i < it->size(); ++i) {
      const json& entry = (*it)[i];
      const std::string where = "trusted_keys/" + std::to_string(i);
      if (!entry.is_object() || !entry.contains("key") || !entry["key"].is_string() ||
          (entry["key"].get<std::string>().rfind("ssh-", 0) != 0 &&
           entry["key"].get<std::string>().rfind("ecdsa-", 0) != 0 &&
           entry["key"].get<std::string>().rfind("sk-", 0) != 0)) {
        return FieldError(source, where + "/key",
                          "an OpenSSH public key line (ssh-ed25519 AAAA...)");
      }
      Config::TrustedKey key;
      key.key = entry["key"].get<std::string>();
      // The patterns are required: a key trusted for every module is rarely what is meant.
      auto s = entry.find("sources");
      if (s == entry.end() || !s->is_array() || s->empty()) {
        return FieldError(source, where + "/sources",
                          "a non-empty list of the references the key may sign, such as "
                          "[\"github.com/acme/*\"] (\"*\" for every module)");
      }
      for (const auto& p : *s) {
        if (!p.is_string() || p.get<std::string>().empty()) {
          return FieldError(source, where + "/sources", "a list of non-empty patterns");
        }
        key.sources.push_back(p.get<std::string>());
      }
      config.trusted_keys.push_back(std::move(key));
    }
  }
  if (auto it = root.find("runtime"); it != root.end()) {
    if (!it->is_string() || (*it != "crun" && *it != "runc")) {
      return FieldError(source, "runtime", "\"crun\" or \"runc\"");
    }
    config.runtime = it->get<std::string>();
  }
  if (auto it = root.find("tag_ttl"); it != root.end()) {
    Result<std::chrono::seconds> ttl = Status::Usage("");
    if (it->is_number_unsigned() && it->get<uint64_t>() <= uint64_t(kMaxTagTtl.count())) {
      ttl = std::chrono::seconds(it->get<uint64_t>());
    } else if (it->is_string()) {
      ttl = ParseDuration(it->get<std::string>());
    }
    if (!ttl.ok() || *ttl > kMaxTagTtl) {
      return FieldError(source, "tag_ttl",
                        "a duration such as \"5m\", \"90s\" or 0, at most 3650d (ten years)");
    }
    config.tag_ttl = *ttl;
  }
  if (auto it = root.find("cache_size"); it != root.end()) {
    Result<uint64_t> size =
        it->is_string() ? ParseSize(it->get<std::string>()) : Result<uint64_t>(Status::Usage(""));
    if (!size.ok()) return FieldError(source, "cache_size", "a size such as \"20GB\"");
    config.cache_size = *size;
  }
  if (auto it = root.find("max_result_size"); it != root.end()) {
    Result<uint64_t> size = it->is_number_unsigned() ? Result<uint64_t>(it->get<uint64_t>())
                            : it->is_string()        ? ParseSize(it->get<std::string>())
                                                     : Result<uint64_t>(Status::Usage(""));
    if (!size.ok()) return FieldError(source, "max_result_size", "a size such as \"256MiB\"");
    config.max_result_size = *size;
  }
  for (auto [key, field] : {std::pair{"max_layer_size", &config.max_layer_size},
                            std::pair{"max_image_size", &config.max_image_size}}) {
    auto it = root.find(key);
    if (it == root.end()) continue;
    Result<uint64_t> size =
        it->is_string() ? ParseSize(it->get<std::string>()) : Result<uint64_t>(Status::Usage(""));
    if (!size.ok() || *size == 0) return FieldError(source, key, "a size such as \"16GiB\"");
    *field = *size;
  }
  if (auto it = root.find("max_layer_entries"); it != root.end()) {
    if (!it->is_number_unsigned() || it->get<uint64_t>() == 0) {
      return FieldError(source, "max_layer_entries", "a positive whole number such as 1000000");
    }
    config.max_layer_entries = it->get<uint64_t>();
  }
  if (auto it = root.find("registry_timeout"); it != root.end()) {
    Result<std::chrono::seconds> timeout = Status::Usage("");
    if (it->is_number_unsigned()) {
      timeout = std::chrono::seconds(it->get<uint64_t>());
    } else if (it->is_string()) {
      timeout = ParseDuration(it->get<std::string>());
    }
    // At most a day: curl takes the seconds as a long, and a longer wait is a hang.
    if (!timeout.ok() || timeout->count() <= 0 || timeout->count() > 86400) {
      return FieldError(source, "registry_timeout", "a duration from 1s to 1d such as \"30s\"");
    }
    config.registry_timeout = *timeout;
  }
  return config;
}

}  // namespace host::images
