#include "core/images/config.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "tests/core/images/fixtures.h"

namespace host::images {
namespace {

using test::ScratchDir;
using test::WriteFile;

TEST(Config, MissingFileGivesDefaults) {
  Result<Config> config = LoadConfigFile(ScratchDir() + "/nothing-here.json");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_TRUE(config->mirrors.empty());
  EXPECT_TRUE(config->insecure.empty());
  EXPECT_TRUE(config->auths.empty());
  EXPECT_EQ(config->runtime, "");
  EXPECT_EQ(config->tag_ttl, std::chrono::minutes(5));
  EXPECT_TRUE(config->source.empty());
}

TEST(Config, ParsesEveryField) {
  const std::string file = ScratchDir() + "/config.json";
  WriteFile(file, R"({
    "mirrors": {"docker.io": ["http://127.0.0.1:5000/", "https://mirror.example"]},
    "insecure": ["registry.internal:5000"],
    "auths": {"ghcr.io": {"username": "me", "password": "secret"},
              "https://index.docker.io/v1/": {"token": "tok"}},
    "runtime": "runc",
    "something-for-later": 1
  })");
  Result<Config> config = LoadConfigFile(file);
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->source, file);
  EXPECT_EQ(config->MirrorsFor("docker.io"),
            (std::vector<std::string>{"http://127.0.0.1:5000", "https://mirror.example"}));
  EXPECT_EQ(config->MirrorsFor("index.docker.io").size(), 2u);
  EXPECT_TRUE(config->MirrorsFor("ghcr.io").empty());
  EXPECT_TRUE(config->IsInsecure("registry.internal:5000"));
  EXPECT_FALSE(config->IsInsecure("registry.internal:5001"));
  EXPECT_FALSE(config->IsInsecure("ghcr.io"));
  EXPECT_TRUE(config->IsInsecure("127.0.0.1:5000"));  // loopback always is
  EXPECT_TRUE(config->IsInsecure("localhost:1234"));
  EXPECT_TRUE(config->IsInsecure("[::1]:5000"));
  ASSERT_NE(config->CredentialsFor("ghcr.io"), nullptr);
  EXPECT_EQ(config->CredentialsFor("ghcr.io")->username, "me");
  EXPECT_EQ(config->CredentialsFor("ghcr.io")->password, "secret");
  ASSERT_NE(config->CredentialsFor("docker.io"), nullptr);
  EXPECT_EQ(config->CredentialsFor("docker.io")->token, "tok");
  EXPECT_EQ(config->CredentialsFor("quay.io"), nullptr);
  EXPECT_EQ(config->runtime, "runc");
}

void ExpectUsage(const std::string& text, const std::string& fragment) {
  Result<Config> config = ParseConfig(text, "/etc/host/config.json");
  ASSERT_FALSE(config.ok()) << text;
  EXPECT_EQ(config.status().kind(), ErrorKind::kUsage);
  const std::string& message = config.status().message();
  EXPECT_NE(message.find("/etc/host/config.json"), std::string::npos) << message;
  EXPECT_NE(message.find(fragment), std::string::npos) << message;
}

TEST(Config, BadJsonNamesTheFile) {
  ExpectUsage("{\"mirrors\": ", "invalid JSON");
  ExpectUsage("[1, 2]", "JSON object");
}

TEST(Config, WrongTypesNameTheField) {
  ExpectUsage(R"({"mirrors": ["http://x"]})", "\"mirrors\"");
  ExpectUsage(R"({"mirrors": {"docker.io": "http://x"}})", "\"mirrors.docker.io\"");
  ExpectUsage(R"({"mirrors": {"docker.io": [5]}})", "\"mirrors.docker.io\"");
  ExpectUsage(R"({"mirrors": {"docker.io": ["ftp://x"]}})", "\"mirrors.docker.io\"");
  ExpectUsage(R"({"insecure": "127.0.0.1:5000"})", "\"insecure\"");
  ExpectUsage(R"({"insecure": [true]})", "\"insecure\"");
  ExpectUsage(R"({"auths": []})", "\"auths\"");
  ExpectUsage(R"({"auths": {"ghcr.io": "me:secret"}})", "\"auths.ghcr.io\"");
  ExpectUsage(R"({"auths": {"ghcr.io": {"username": "me"}}})", "\"auths.ghcr.io\"");
  ExpectUsage(R"({"auths": {"ghcr.io": {"username": "me", "password": 1}}})",
              "\"auths.ghcr.io.password\"");
  ExpectUsage(R"({"auths": {"ghcr.io": {"token": "t", "username": "u", "password": "p"}}})",
              "\"auths.ghcr.io\"");
  ExpectUsage(R"({"auths": {"ghcr.io": {"pass": "p"}}})", "\"pass\"");
  ExpectUsage(R"({"runtime": "docker"})", "\"runtime\"");
  ExpectUsage(R"({"runtime": 1})", "\"runtime\"");
  ExpectUsage(R"({"tag_ttl": "soon"})", "\"tag_ttl\"");
  ExpectUsage(R"({"tag_ttl": "5 minutes"})", "\"tag_ttl\"");
  ExpectUsage(R"({"tag_ttl": -1})", "\"tag_ttl\"");
  ExpectUsage(R"({"tag_ttl": 1.5})", "\"tag_ttl\"");
  ExpectUsage(R"({"tag_ttl": "m"})", "\"tag_ttl\"");
}

// The tag_ttl a config text gives.
std::chrono::seconds TagTtl(const std::string& text) {
  Result<Config> config = ParseConfig(text, "/etc/host/config.json");
  EXPECT_TRUE(config.ok()) << text << ": " << config.status().message();
  return config.ok() ? config->tag_ttl : std::chrono::seconds(-1);
}

TEST(Config, TagTtlTakesSecondsOrUnits) {
  EXPECT_EQ(TagTtl(R"({"tag_ttl": 0})"), std::chrono::seconds(0));
  EXPECT_EQ(TagTtl(R"({"tag_ttl": "0"})"), std::chrono::seconds(0));
  EXPECT_EQ(TagTtl(R"({"tag_ttl": 90})"), std::chrono::seconds(90));
  EXPECT_EQ(TagTtl(R"({"tag_ttl": "90s"})"), std::chrono::seconds(90));
  EXPECT_EQ(TagTtl(R"({"tag_ttl": "10m"})"), std::chrono::minutes(10));
  EXPECT_EQ(TagTtl(R"({"tag_ttl": "2h"})"), std::chrono::hours(2));
  EXPECT_EQ(TagTtl(R"({"tag_ttl": "1d"})"), std::chrono::hours(24));
  EXPECT_EQ(TagTtl("{}"), std::chrono::minutes(5));
}

TEST(Config, MaxResultSizeTakesASizeOrBytes) {
  auto limit = [](const std::string& text) -> uint64_t {
    Result<Config> config = ParseConfig(text, "/etc/host/config.json");
    EXPECT_TRUE(config.ok()) << text << ": " << config.status().message();
    return config.ok() ? config->max_result_size : 0;
  };
  EXPECT_EQ(limit("{}"), uint64_t{256} << 20);
  EXPECT_EQ(limit(R"({"max_result_size": "64MiB"})"), uint64_t{64} << 20);
  EXPECT_EQ(limit(R"({"max_result_size": "1GB"})"), uint64_t{1'000'000'000});
  EXPECT_EQ(limit(R"({"max_result_size": 4096})"), 4096u);
  ExpectUsage(R"({"max_result_size": "lots"})", "\"max_result_size\"");
  ExpectUsage(R"({"max_result_size": -1})", "\"max_result_size\"");
  ExpectUsage(R"({"max_result_size": true})", "\"max_result_size\"");
}

// Found by tests/fuzz/host_config_fuzz: 2^64-1 became a negative tag_ttl, and values past 2^53
// seconds overflowed when the tag store turned them into milliseconds.
TEST(Config, TagTtlAboveTenYearsIsRefused) {
  EXPECT_EQ(TagTtl(R"({"tag_ttl": "3650d"})"), kMaxTagTtl);
  EXPECT_EQ(TagTtl(R"({"tag_ttl": 315360000})"), kMaxTagTtl);
  ExpectUsage(R"({"tag_ttl": 18446744073709551615})", "at most 3650d");
  ExpectUsage(R"({"tag_ttl": 9223372036854775808})", "at most 3650d");
  ExpectUsage(R"({"tag_ttl": 100000000000000000})", "at most 3650d");
  ExpectUsage(R"({"tag_ttl": 315360001})", "at most 3650d");
  ExpectUsage(R"({"tag_ttl": "3651d"})", "at most 3650d");
  ExpectUsage(R"({"tag_ttl": "999999999d"})", "at most 3650d");
}

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old, had_ = true;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (had_) {
      setenv(name_, old_.c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

TEST(Config, PathFollowsTheEnvironment) {
  {
    ScopedEnv host("HOST_CONFIG", "/somewhere/config.json");
    EXPECT_EQ(ConfigPath(), "/somewhere/config.json");
  }
  {
    ScopedEnv host("HOST_CONFIG", "");
    ScopedEnv xdg("XDG_CONFIG_HOME", "/home/me/.config");
    EXPECT_EQ(ConfigPath(), "/home/me/.config/host/config.json");
  }
  {
    ScopedEnv host("HOST_CONFIG", "");
    ScopedEnv xdg("XDG_CONFIG_HOME", "");
    EXPECT_EQ(ConfigPath(), "/etc/host/config.json");
  }
  const std::string file = ScratchDir() + "/c.json";
  WriteFile(file, R"({"runtime": "crun"})");
  ScopedEnv host("HOST_CONFIG", file);
  Result<Config> config = LoadConfig();
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->runtime, "crun");
  EXPECT_EQ(config->source, file);
}

TEST(Config, StateDirFollowsTheEnvironment) {
  {
    ScopedEnv state("HOST_STATE_DIR", "/srv/host");
    EXPECT_EQ(DefaultStateDir(), "/srv/host");
  }
  ScopedEnv state("HOST_STATE_DIR", "");
  ScopedEnv cache("XDG_CACHE_HOME", "/home/me/.cache");
  EXPECT_EQ(DefaultStateDir(), "/home/me/.cache/host");
}

TEST(Config, UnpackingLimitsAndRegistryTimeout) {
  Result<Config> defaults = ParseConfig("{}", "c.json");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->max_layer_size, uint64_t{16} << 30);
  EXPECT_EQ(defaults->max_image_size, uint64_t{32} << 30);
  EXPECT_EQ(defaults->max_layer_entries, 1'000'000u);
  EXPECT_EQ(defaults->registry_timeout, std::chrono::seconds(30));
  Result<Config> config = ParseConfig(
      R"({"max_layer_size": "1GiB", "max_image_size": "2GB", "max_layer_entries": 5000,
          "registry_timeout": "2m"})",
      "c.json");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->max_layer_size, uint64_t{1} << 30);
  EXPECT_EQ(config->max_image_size, 2'000'000'000u);
  EXPECT_EQ(config->max_layer_entries, 5000u);
  EXPECT_EQ(config->registry_timeout, std::chrono::seconds(120));
  EXPECT_EQ(ParseConfig(R"({"registry_timeout": 2})", "c.json")->registry_timeout,
            std::chrono::seconds(2));
  for (const char* bad :
       {R"({"max_layer_size": 5})", R"({"max_layer_size": "0"})", R"({"max_image_size": "lots"})",
        R"({"max_layer_entries": -1})", R"({"max_layer_entries": "10"})",
        R"({"registry_timeout": 0})", R"({"registry_timeout": "1000d"})"}) {
    Result<Config> refused = ParseConfig(bad, "c.json");
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.status().message().find("c.json"), std::string::npos);
  }
}

}  // namespace
}  // namespace host::images

namespace host::images {
namespace {

TEST(Config, ModuleSourcesAndTrustedKeys) {
  Result<Config> config = ParseConfig(
      R"({"module_sources": {"github.com/acme": "http://127.0.0.1:8080/git/acme"},
          "trusted_keys": [{"key": "ssh-ed25519 AAAA k", "sources": ["oci://r/acme/*"]},
                           {"key": "ecdsa-sha2-nistp256 AAAA k", "sources": ["*"]}]})",
      "/c.json");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->module_sources.at("github.com/acme"), "http://127.0.0.1:8080/git/acme");
  ASSERT_EQ(config->trusted_keys.size(), 2u);
  EXPECT_EQ(config->trusted_keys[0].sources, std::vector<std::string>{"oci://r/acme/*"});
  for (const char* bad : {R"({"module_sources": {"a": 1}})", R"({"module_sources": []})",
                          R"({"trusted_keys": [{"key": "ssh-ed25519 AAAA"}]})",
                          R"({"trusted_keys": [{"key": "ssh-ed25519 AAAA", "sources": []}]})",
                          R"({"trusted_keys": [{"key": "hello", "sources": ["*"]}]})"}) {
    Result<Config> refused = ParseConfig(bad, "/c.json");
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.status().message().find("/c.json"), std::string::npos);
  }
}

}  // namespace
}  // namespace host::images
