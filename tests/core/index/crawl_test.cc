// Crawling a loopback docker-registry holding published modules into the catalog JSON: versions,
// READMEs, dependencies, signatures, yanks, non-modules, namespaces, pagination, broken blobs and
// the cache of a second crawl; and `host yank` as a whole process.
#include "core/index/crawl.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/base/random_hex.h"
#include "core/images/digest.h"
#include "core/images/oci_manifest.h"
#include "core/index/crawl_parts.h"
#include "core/modules/oci_module.h"
#include "core/modules/signature.h"
#include "tests/support/run.h"

namespace host::index {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

void WriteAll(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
}

std::string ReadAll(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string RegistryScript() {
  return std::string(HOST_SOURCE_DIR) + "/tests/fixtures/images/registry.sh";
}

// One registry for the suite; each test works in a namespace of its own.
class CrawlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists("/usr/bin/docker-registry")) return;
    suite_root_ = new fs::path(test::TempDir());
    test::Ran started =
        test::Run({RegistryScript(), "start", (*suite_root_ / "registry").string()});
    if (started.exit_code == 0)
      address_ = new std::string(started.out.substr(0, started.out.find('\n')));
  }
  static void TearDownTestSuite() {
    if (suite_root_ == nullptr) return;
    test::Run({RegistryScript(), "stop", (*suite_root_ / "registry").string()});
    fs::remove_all(*suite_root_);
    delete suite_root_;
    delete address_;
    suite_root_ = nullptr;
    address_ = nullptr;
  }

  void SetUp() override {
    if (!fs::exists("/usr/bin/docker-registry")) GTEST_SKIP() << "docker-registry is not installed";
    ASSERT_NE(address_, nullptr) << "the registry did not start";
    root_ = test::TempDir();
    ns_ = "t" + RandomHex(8);
  }
  void TearDown() override {
    if (!root_.empty()) fs::remove_all(root_);
  }

  const std::string& address() const { return *address_; }

  modules::OciModuleRef Ref(const std::string& name, const std::string& tag) const {
    modules::OciModuleRef ref;
    ref.registry = address();
    ref.repository = ns_ + "/" + name;
    ref.tag = tag;
    return ref;
  }

  // A module folder named name with a README, module.json (and its dependencies) and a schema.
  fs::path MakeModule(const std::string& name, const std::string& readme,
                      const json& dependencies = json::array()) {
    const fs::path dir = root_ / "src" / name;
    json manifest = {{"name", name}, {"sdk", "c"}};
    if (!dependencies.empty()) manifest["dependencies"] = dependencies;
    WriteAll(dir / "module.json", manifest.dump(2));
    if (!readme.empty()) WriteAll(dir / "README.md", readme);
    WriteAll(dir / "main.c", "int main(void) { return 0; }\n");
    return dir;
  }

  static std::string Schema(const std::string& name, const std::string& description) {
    return json{{"name", name},
                {"description", description},
                {"main_object", "Main"},
                {"objects",
                 json::array({{{"name", "Main"},
                               {"functions",
                                json::array({{{"name", "preview"}, {"args", json::array()}}})}}})}}
        .dump();
  }

  // Publishes dir as name:tag; returns the index digest.
  std::string Publish(const fs::path& dir, const std::string& name, const std::string& tag,
                      const std::string& schema, const std::string& licenses = "") {
    modules::PublishRequest request;
    request.module_dir = dir;
    request.target = Ref(name, tag);
    request.schema_json = schema;
    request.licenses = licenses;
    request.allow_dirty = true;
    images::RegistryClient client{images::Config{}};
    Result<std::string> published = modules::PublishModule(request, client);
    EXPECT_TRUE(published.ok()) << published.status().message();
    if (!published.ok()) return "";
    return published->substr(published->find('@') + 1);
  }

  // Tags the manifest digest of repository name again as tag.
  void Retag(const std::string& name, const std::string& digest, const std::string& tag) {
    images::RegistryClient client{images::Config{}};
    images::ImageReference ref;
    ref.registry = address();
    ref.repository = ns_ + "/" + name;
    Result<images::FetchedManifest> fetched = client.GetManifest(ref, digest);
    ASSERT_TRUE(fetched.ok()) << fetched.status().message();
    json body = json::parse(fetched->body);
    Result<std::string> put =
        client.PutManifest(ref, tag, body.value("mediaType", ""), fetched->body);
    ASSERT_TRUE(put.ok()) << put.status().message();
  }

  Result<json> Crawl(images::Config config = {}, int page_size = 0, const std::string& under = "") {
    CrawlOptions options;
    options.registries = {address() + "/" + (under.empty() ? ns_ : under)};
    options.state_dir = root_ / "crawl-state";
    images::RegistryClient client{std::move(config)};
    if (page_size > 0) client.set_page_size(page_size);
    return CrawlRegistries(options, client);
  }

  // The module of the catalog whose repository ends with "/name", or null.
  static json Module(const json& catalog, const std::string& name) {
    for (const json& module : catalog["modules"]) {
      const std::string repository = module["repository"];
      if (repository.size() > name.size() && repository.compare(repository.size() - name.size() - 1,
                                                                name.size() + 1, "/" + name) == 0) {
        return module;
      }
    }
    return nullptr;
  }

  // The file of blob digest in the registry's storage.
  fs::path RegistryBlob(const std::string& digest) const {
    const std::string hex = images::DigestHex(digest);
    return *suite_root_ / "registry" / "storage" / "docker" / "registry" / "v2" / "blobs" /
           "sha256" / hex.substr(0, 2) / hex / "data";
  }

  // The digest of the source manifest of index_digest.
  std::string SourceManifest(const std::string& name, const std::string& index_digest) {
    images::RegistryClient client{images::Config{}};
    images::ImageReference ref;
    ref.registry = address();
    ref.repository = ns_ + "/" + name;
    json index = json::parse(client.GetManifest(ref, index_digest)->body);
    for (const json& entry : index["manifests"]) {
      if (entry["annotations"][modules::kPartAnnotation] == "source") return entry["digest"];
    }
    return "";
  }

  // The layer of the source manifest of index_digest with media_type.
  std::string SourceLayer(const std::string& name, const std::string& index_digest,
                          const std::string& media_type) {
    images::RegistryClient client{images::Config{}};
    images::ImageReference ref;
    ref.registry = address();
    ref.repository = ns_ + "/" + name;
    const std::string source_digest = SourceManifest(name, index_digest);
    if (!source_digest.empty()) {
      json source = json::parse(client.GetManifest(ref, source_digest)->body);
      for (const json& layer : source["layers"]) {
        if (layer["mediaType"] == media_type) return layer["digest"];
      }
    }
    return "";
  }

  static fs::path* suite_root_;
  static std::string* address_;
  fs::path root_;
  std::string ns_;
};

fs::path* CrawlTest::suite_root_ = nullptr;
std::string* CrawlTest::address_ = nullptr;

TEST_F(CrawlTest, PublishedVersionsAreListedNewestFirstWithTheirReadmeAndFields) {
  const fs::path dir = MakeModule(
      "pulumi", "# Pulumi\nRuns previews.\n",
      json::array({{{"name", "semver"}, {"source", "oci://r.example/mods/semver:v1.0.0"}},
                   {{"name", "x"}, {"source", "github.com/acme/x@v1"}}}));
  const std::string first = Publish(dir, "pulumi", "1.0.0", Schema("pulumi", "Old."), "Apache-2.0");
  WriteAll(dir / "main.c", "int main(void) { return 1; }\n");
  const std::string second =
      Publish(dir, "pulumi", "v1.10.0", Schema("pulumi", "Runs Pulumi."), "Apache-2.0");
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(second.empty());
  Retag("pulumi", second, "1.10.0");  // the same index without the "v": listed once
  Retag("pulumi", second, "latest");  // not semver: not a version
  Retag("pulumi", first, "v1.2.0-rc.1");

  Result<json> catalog = Crawl();
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  EXPECT_EQ((*catalog)["catalogVersion"], 1);
  EXPECT_TRUE(IsRfc3339((*catalog)["generated"].get<std::string>()));
  EXPECT_EQ((*catalog)["problems"], json::array()) << catalog->dump(2);
  ASSERT_EQ((*catalog)["modules"].size(), 1u) << catalog->dump(2);
  const json module = (*catalog)["modules"][0];
  EXPECT_EQ(module["name"], "pulumi");
  EXPECT_EQ(module["repository"], address() + "/" + ns_ + "/pulumi");
  const json& versions = module["versions"];
  ASSERT_EQ(versions.size(), 3u) << module.dump(2);
  EXPECT_EQ(versions[0]["version"], "1.10.0");
  EXPECT_EQ(versions[0]["tag"], "v1.10.0");
  EXPECT_EQ(versions[1]["version"], "1.2.0-rc.1");
  EXPECT_EQ(versions[2]["version"], "1.0.0");
  const json& newest = versions[0];
  EXPECT_EQ(newest["digest"], second);
  EXPECT_EQ(newest["ref"], "oci://" + address() + "/" + ns_ + "/pulumi:v1.10.0@" + second);
  EXPECT_TRUE(IsRfc3339(newest["created"].get<std::string>())) << newest["created"];
  EXPECT_EQ(newest["description"], "Runs Pulumi.");
  EXPECT_EQ(versions[2]["description"], "Old.");
  EXPECT_EQ(newest["license"], "Apache-2.0");
  EXPECT_EQ(newest["readme"], "# Pulumi\nRuns previews.\n");
  EXPECT_EQ(newest["schema"]["objects"][0]["functions"][0]["name"], "preview");
  EXPECT_EQ(newest["dependencies"],
            json::array({"oci://r.example/mods/semver:v1.0.0", "github.com/acme/x@v1"}));
  EXPECT_EQ(newest["platforms"], json::array());
  EXPECT_TRUE(newest["hostAbi"].is_null());
  EXPECT_EQ(newest["signature"]["state"], "unsigned");
  EXPECT_TRUE(newest["yanked"].is_null());
}

TEST_F(CrawlTest, AModuleWithoutReadmeOrDependenciesHasEmptyOnesAndItsRepositoryName) {
  const fs::path dir = MakeModule("bare", "");
  const std::string digest = Publish(dir, "bare", "0.1.0", R"({"objects":[]})");
  ASSERT_FALSE(digest.empty());
  Result<json> catalog = Crawl();
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  const json module = Module(*catalog, "bare");
  ASSERT_FALSE(module.is_null()) << catalog->dump(2);
  EXPECT_EQ(module["name"], "bare");
  EXPECT_EQ(module["versions"][0]["readme"], "");
  EXPECT_EQ(module["versions"][0]["dependencies"], json::array());
  EXPECT_EQ(module["versions"][0]["description"], "");
}

TEST_F(CrawlTest, TwoTagsOfOneVersionNamingDifferentIndexesListOneAndSaySo) {
  const fs::path dir = MakeModule("twin", "");
  const std::string plain = Publish(dir, "twin", "1.2.0", Schema("twin", "Plain tag."));
  const std::string prefixed = Publish(dir, "twin", "v1.2.0", Schema("twin", "The v tag."));
  ASSERT_FALSE(plain.empty());
  ASSERT_FALSE(prefixed.empty());
  ASSERT_NE(plain, prefixed);
  Result<json> catalog = Crawl();
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  const json module = Module(*catalog, "twin");
  ASSERT_FALSE(module.is_null()) << catalog->dump(2);
  ASSERT_EQ(module["versions"].size(), 1u) << module.dump(2);
  EXPECT_EQ(module["versions"][0]["tag"], "v1.2.0");
  EXPECT_EQ(module["versions"][0]["digest"], prefixed);
  EXPECT_NE((*catalog)["problems"].dump().find("name different indexes"), std::string::npos)
      << (*catalog)["problems"].dump();
}

TEST_F(CrawlTest, SignaturesAreSignedInvalidOrTrustedByTheConfig) {
  const fs::path dir = MakeModule("gh", "# gh\n");
  const std::string good = Publish(dir, "gh", "1.0.0", Schema("gh", "GitHub."));
  WriteAll(dir / "main.c", "changed\n");
  const std::string bad = Publish(dir, "gh", "1.1.0", Schema("gh", "GitHub."));
  ASSERT_FALSE(good.empty());
  ASSERT_FALSE(bad.empty());
  const fs::path key = root_ / "key";
  test::Ran made = test::Run(
      {"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "release", "-f", key.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  Result<std::string> signature = modules::SignDigest(key, good);
  ASSERT_TRUE(signature.ok()) << signature.status().message();
  images::RegistryClient client{images::Config{}};
  ASSERT_TRUE(modules::PushSignature(client, Ref("gh", ""), good, *signature).ok());
  // A signature over another digest, stored as the signature of the second version.
  ASSERT_TRUE(modules::PushSignature(client, Ref("gh", ""), bad, *signature).ok());

  Result<json> catalog = Crawl();
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  const json versions = Module(*catalog, "gh")["versions"];
  ASSERT_EQ(versions.size(), 2u) << catalog->dump(2);
  const json& signed_one = versions[1]["signature"];
  const json& invalid = versions[0]["signature"];
  EXPECT_EQ(signed_one["state"], "signed") << signed_one.dump();
  EXPECT_EQ(signed_one["keyType"], "ssh-ed25519");
  test::Ran fingerprint = test::Run({"ssh-keygen", "-l", "-f", (key.string() + ".pub")});
  ASSERT_EQ(fingerprint.exit_code, 0);
  EXPECT_TRUE(Contains(fingerprint.out, signed_one["fingerprint"].get<std::string>() + " "))
      << fingerprint.out << " vs " << signed_one["fingerprint"];
  EXPECT_EQ(signed_one["trusted"], false);
  EXPECT_EQ(invalid["state"], "invalid") << invalid.dump();
  EXPECT_TRUE(Contains(invalid["problem"], "does not match")) << invalid["problem"];
  EXPECT_EQ(invalid["trusted"], false);

  // Trusted for this namespace by the config: the signed version is trusted, the invalid not.
  images::Config config;
  std::string public_key = ReadAll(key.string() + ".pub");
  while (!public_key.empty() && public_key.back() == '\n') public_key.pop_back();
  config.trusted_keys.push_back({public_key, {"oci://" + address() + "/" + ns_ + "/*"}});
  Result<json> trusted = Crawl(config);
  ASSERT_TRUE(trusted.ok()) << trusted.status().message();
  const json again = Module(*trusted, "gh")["versions"];
  EXPECT_EQ(again[1]["signature"]["trusted"], true);
  EXPECT_EQ(again[0]["signature"]["trusted"], false);
  // Trusted for other sources only: not trusted here.
  images::Config elsewhere;
  elsewhere.trusted_keys.push_back({public_key, {"oci://elsewhere.example/*"}});
  Result<json> untrusted = Crawl(elsewhere);
  ASSERT_TRUE(untrusted.ok());
  EXPECT_EQ(Module(*untrusted, "gh")["versions"][1]["signature"]["trusted"], false);
}

TEST_F(CrawlTest, AYankedVersionShowsItsReasonUntilItIsRestored) {
  const fs::path dir = MakeModule("iac", "# iac\n");
  ASSERT_FALSE(Publish(dir, "iac", "1.0.0", Schema("iac", "Infra.")).empty());
  WriteAll(dir / "main.c", "changed\n");
  ASSERT_FALSE(Publish(dir, "iac", "1.1.0", Schema("iac", "Infra.")).empty());
  images::RegistryClient client{images::Config{}};
  Result<std::string> yanked =
      modules::YankModule(client, Ref("iac", "1.0.0"), true, "broke preview on empty stacks");
  ASSERT_TRUE(yanked.ok()) << yanked.status().message();
  Result<json> catalog = Crawl();
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  json versions = Module(*catalog, "iac")["versions"];
  EXPECT_TRUE(versions[0]["yanked"].is_null());
  EXPECT_EQ(versions[1]["yanked"], json({{"reason", "broke preview on empty stacks"}}));
  EXPECT_EQ(versions[1]["digest"], *yanked);

  ASSERT_TRUE(modules::YankModule(client, Ref("iac", "1.0.0"), false, "").ok());
  catalog = Crawl();
  ASSERT_TRUE(catalog.ok());
  versions = Module(*catalog, "iac")["versions"];
  EXPECT_TRUE(versions[1]["yanked"].is_null());
  EXPECT_EQ((*catalog)["problems"], json::array()) << catalog->dump(2);

  // A yank needs a reason of at most 1,000 characters.
  EXPECT_EQ(modules::YankModule(client, Ref("iac", "1.1.0"), true, "").status().kind(),
            ErrorKind::kUsage);
  EXPECT_EQ(modules::YankModule(client, Ref("iac", "1.1.0"), true, std::string(1001, 'x'))
                .status()
                .kind(),
            ErrorKind::kUsage);
}

TEST_F(CrawlTest, PlainImagesAndOtherNamespacesAreLeftOut) {
  const fs::path dir = MakeModule("semver", "# semver\n");
  ASSERT_FALSE(Publish(dir, "semver", "1.0.0", Schema("semver", "Versions.")).empty());
  // A plain image under a semver tag in the same namespace.
  images::RegistryClient client{images::Config{}};
  images::ImageReference plain;
  plain.registry = address();
  plain.repository = ns_ + "/busybox";
  ASSERT_TRUE(client.PushBlob(plain, images::DigestOf("{}"), "{}").ok());
  const std::string manifest =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
      R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
      images::DigestOf("{}") + R"(","size":2},"layers":[]})";
  ASSERT_TRUE(client.PutManifest(plain, "1.36.0", images::kOciManifestType, manifest).ok());
  // A module in a namespace that shares the prefix's text but is not under it.
  const std::string other_ns = ns_ + "x";
  modules::PublishRequest request;
  request.module_dir = dir;
  request.target = Ref("semver", "1.0.0");
  request.target.repository = other_ns + "/semver";
  request.schema_json = Schema("semver", "Versions.");
  request.allow_dirty = true;
  ASSERT_TRUE(modules::PublishModule(request, client).ok());

  Result<json> catalog = Crawl();
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  ASSERT_EQ((*catalog)["modules"].size(), 1u) << catalog->dump(2);
  EXPECT_EQ((*catalog)["modules"][0]["repository"], address() + "/" + ns_ + "/semver");
  EXPECT_EQ((*catalog)["problems"], json::array()) << catalog->dump(2);
  Result<json> other = Crawl({}, 0, other_ns);
  ASSERT_TRUE(other.ok());
  ASSERT_EQ((*other)["modules"].size(), 1u);
  EXPECT_EQ((*other)["modules"][0]["repository"], address() + "/" + other_ns + "/semver");
}

TEST_F(CrawlTest, ListsOfManyPagesAreReadWhole) {
  for (int m = 0; m < 3; ++m) {
    const std::string name = "m" + std::to_string(m);
    const fs::path dir = MakeModule(name, "# " + name + "\n");
    const std::string digest = Publish(dir, name, "1.0.0", Schema(name, "Module " + name + "."));
    ASSERT_FALSE(digest.empty());
    for (int t = 1; t < 5; ++t) Retag(name, digest, "0." + std::to_string(t) + ".0");
  }
  Result<json> catalog = Crawl({}, 2);  // two names per page
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  ASSERT_EQ((*catalog)["modules"].size(), 3u) << catalog->dump(2);
  for (const json& module : (*catalog)["modules"]) {
    EXPECT_EQ(module["versions"].size(), 5u) << module["name"];
  }
}

TEST_F(CrawlTest, ABrokenSchemaBlobIsAProblemAndTheVersionIsStillListed) {
  const fs::path dir = MakeModule("broken", "# broken\n");
  // Over 256 KiB: a blob of its own, not embedded in the source manifest.
  const std::string digest =
      Publish(dir, "broken", "1.0.0", Schema("broken", std::string(300 << 10, 'b')));
  ASSERT_FALSE(digest.empty());
  const std::string schema = SourceLayer("broken", digest, modules::kModuleSchemaType);
  ASSERT_FALSE(schema.empty());
  WriteAll(RegistryBlob(schema), std::string(ReadAll(RegistryBlob(schema)).size(), 'x'));

  Result<json> catalog = Crawl();
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  const json module = Module(*catalog, "broken");
  ASSERT_FALSE(module.is_null()) << catalog->dump(2);
  EXPECT_EQ(module["versions"].size(), 1u);
  EXPECT_TRUE(module["versions"][0]["schema"].is_null());
  EXPECT_EQ(module["versions"][0]["readme"], "# broken\n");
  ASSERT_EQ((*catalog)["problems"].size(), 1u) << catalog->dump(2);
  const std::string problem = (*catalog)["problems"][0];
  EXPECT_TRUE(Contains(problem, ns_ + "/broken:1.0.0")) << problem;
  EXPECT_TRUE(Contains(problem, schema)) << problem;
}

TEST_F(CrawlTest, AnEmbeddedSchemaThatDoesNotMatchItsDigestIsAProblem) {
  const fs::path dir = MakeModule("liar", "# liar\n");
  const std::string digest = Publish(dir, "liar", "1.0.0", Schema("liar", "Honest."));
  ASSERT_FALSE(digest.empty());
  // The same artifact, but its source manifest embeds other bytes under the schema's digest.
  images::RegistryClient client{images::Config{}};
  images::ImageReference ref;
  ref.registry = address();
  ref.repository = ns_ + "/liar";
  json index = json::parse(client.GetManifest(ref, digest)->body);
  json source = json::parse(client.GetManifest(ref, SourceManifest("liar", digest))->body);
  bool changed = false;
  for (json& layer : source["layers"]) {
    if (layer["mediaType"] != modules::kModuleSchemaType) continue;
    ASSERT_TRUE(layer.contains("data"));
    const std::string lie = Schema("liar", "Lies.");
    std::string data = modules::EncodeBase64(lie);
    while (data.size() % 4 != 0) data.push_back('=');
    layer["data"] = data;
    layer["size"] = lie.size();
    changed = true;
  }
  ASSERT_TRUE(changed);
  Result<std::string> pushed = client.PutManifest(ref, "", images::kOciManifestType, source.dump());
  ASSERT_TRUE(pushed.ok()) << pushed.status().message();
  for (json& entry : index["manifests"]) {
    if (entry["annotations"][modules::kPartAnnotation] != "source") continue;
    entry["digest"] = *pushed;
    entry["size"] = source.dump().size();
  }
  ASSERT_TRUE(client.PutManifest(ref, "2.0.0", images::kOciIndexType, index.dump()).ok());

  Result<json> catalog = Crawl();
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  const json versions = Module(*catalog, "liar")["versions"];
  ASSERT_EQ(versions.size(), 2u) << catalog->dump(2);
  EXPECT_TRUE(versions[0]["schema"].is_null());
  EXPECT_EQ(versions[1]["schema"]["description"], "Honest.");
  ASSERT_EQ((*catalog)["problems"].size(), 1u) << catalog->dump(2);
  EXPECT_TRUE(Contains((*catalog)["problems"][0], "liar:2.0.0")) << (*catalog)["problems"][0];
  EXPECT_TRUE(Contains((*catalog)["problems"][0], "do not match its digest"))
      << (*catalog)["problems"][0];
}

TEST_F(CrawlTest, ASecondCrawlReadsChildrenAndBlobsFromItsCache) {
  // A README over 256 KiB is a blob of its own; the schema is embedded in the source manifest.
  const std::string readme = "# cached\n" + std::string(300 << 10, 'c');
  const fs::path dir = MakeModule("cached", readme);
  const std::string digest = Publish(dir, "cached", "1.0.0", Schema("cached", "Cached."));
  ASSERT_FALSE(digest.empty());
  const std::string readme_blob = SourceLayer("cached", digest, modules::kModuleReadmeType);
  const std::string source_manifest = SourceManifest("cached", digest);
  ASSERT_FALSE(readme_blob.empty());
  ASSERT_FALSE(source_manifest.empty());
  Result<json> first = Crawl();
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(Module(*first, "cached")["versions"][0]["readme"], readme);
  EXPECT_EQ(Module(*first, "cached")["versions"][0]["schema"]["description"], "Cached.");
  // The registry loses the README blob and the source manifest: the second crawl does not need
  // them.
  ASSERT_TRUE(fs::remove(RegistryBlob(readme_blob)));
  ASSERT_TRUE(fs::remove(RegistryBlob(source_manifest)));
  Result<json> second = Crawl();
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ((*second)["problems"], json::array()) << second->dump(2);
  EXPECT_EQ(Module(*second, "cached")["versions"], Module(*first, "cached")["versions"]);
}

TEST_F(CrawlTest, RepublishingTheSameFilesAndSchemaIsANoOp) {
  const fs::path dir = MakeModule("again", "# again\n");
  const std::string first = Publish(dir, "again", "1.0.0", Schema("again", "Again."));
  ASSERT_FALSE(first.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // another created time
  EXPECT_EQ(Publish(dir, "again", "1.0.0", Schema("again", "Again.")), first);
}

TEST_F(CrawlTest, AReadmeOverOneMebibyteIsRefused) {
  const fs::path dir = MakeModule("huge", std::string((1 << 20) + 1, 'x'));
  modules::PublishRequest request;
  request.module_dir = dir;
  request.target = Ref("huge", "1.0.0");
  request.schema_json = Schema("huge", "Huge.");
  request.allow_dirty = true;
  images::RegistryClient client{images::Config{}};
  Result<std::string> published = modules::PublishModule(request, client);
  ASSERT_FALSE(published.ok());
  EXPECT_TRUE(Contains(published.status().message(), "README")) << published.status().message();
  EXPECT_TRUE(Contains(published.status().message(), "1 MiB")) << published.status().message();
}

TEST_F(CrawlTest, TheYankCommandNeedsAReasonAndRestoresWithUndo) {
  const fs::path dir = MakeModule("cli", "# cli\n");
  const std::string digest = Publish(dir, "cli", "1.0.0", Schema("cli", "CLI."));
  ASSERT_FALSE(digest.empty());
  const std::string target = "oci://" + address() + "/" + ns_ + "/cli:1.0.0";
  const std::vector<std::string> env = {"HOST_STATE_DIR=" + (root_ / "host-state").string(),
                                        "HOST_CONFIG=" + (root_ / "none.json").string()};
  test::Ran missing = test::RunHost({"yank", target}, env);
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_TRUE(Contains(missing.err, "--reason")) << missing.err;
  test::Ran too_long = test::RunHost({"yank", target, "--reason", std::string(1001, 'x')}, env);
  EXPECT_EQ(too_long.exit_code, 2) << too_long.err;
  test::Ran unknown = test::RunHost(
      {"yank", "oci://" + address() + "/" + ns_ + "/nothing:1.0.0", "--reason", "x"}, env);
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;

  test::Ran yanked = test::RunHost({"yank", target, "--reason", "leaks tokens"}, env);
  ASSERT_EQ(yanked.exit_code, 0) << yanked.err;
  EXPECT_EQ(yanked.out, "yanked " + address() + "/" + ns_ + "/cli:1.0.0@" + digest + "\n");
  Result<json> catalog = Crawl();
  ASSERT_TRUE(catalog.ok());
  EXPECT_EQ(Module(*catalog, "cli")["versions"][0]["yanked"], json({{"reason", "leaks tokens"}}));

  test::Ran restored = test::RunHost({"yank", "--undo", target}, env);
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_EQ(restored.out, "restored " + address() + "/" + ns_ + "/cli:1.0.0@" + digest + "\n");
  catalog = Crawl();
  ASSERT_TRUE(catalog.ok());
  EXPECT_TRUE(Module(*catalog, "cli")["versions"][0]["yanked"].is_null());

  test::Ran help = test::RunHost({"yank", "--help"}, env);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(Contains(help.out, "--reason TEXT")) << help.out;
}

TEST(CrawlOptionsTest, BadRegistriesAreUsageErrorsAndNoReachableRegistryIsAnError) {
  const fs::path state = test::TempDir();
  images::RegistryClient client{images::Config{}};
  CrawlOptions options;
  options.state_dir = state;
  EXPECT_EQ(CrawlRegistries(options, client).status().kind(), ErrorKind::kUsage);
  for (const char* bad : {"http://r.example", "r.example/Upper", "r.example/a//b", "bad host"}) {
    options.registries = {bad};
    Result<json> crawled = CrawlRegistries(options, client);
    EXPECT_EQ(crawled.status().kind(), ErrorKind::kUsage) << bad;
  }
  options.registries = {"127.0.0.1:1/mods"};  // nothing listens there
  Result<json> crawled = CrawlRegistries(options, client);
  ASSERT_FALSE(crawled.ok());
  EXPECT_TRUE(Contains(crawled.status().message(), "127.0.0.1:1")) << crawled.status().message();
  fs::remove_all(state);
}

TEST(CrawlPartsTest, VersionTagsFollowSemverPrecedence) {
  EXPECT_FALSE(ParseVersionTag("latest"));
  EXPECT_FALSE(ParseVersionTag("1.2"));
  EXPECT_FALSE(ParseVersionTag("01.2.3"));
  EXPECT_FALSE(ParseVersionTag("1.2.3-"));
  EXPECT_FALSE(ParseVersionTag("sha256-abc.sig"));
  ASSERT_TRUE(ParseVersionTag("v1.2.3"));
  EXPECT_EQ(ParseVersionTag("v1.2.3")->version, "1.2.3");
  auto newer = [](const char* a, const char* b) {
    return NewerThan(*ParseVersionTag(a), *ParseVersionTag(b));
  };
  EXPECT_TRUE(newer("1.10.0", "1.9.0"));
  EXPECT_TRUE(newer("1.0.0", "1.0.0-rc.1"));
  EXPECT_TRUE(newer("1.0.0-rc.10", "1.0.0-rc.9"));
  EXPECT_TRUE(newer("1.0.0-rc.1", "1.0.0-rc"));
  EXPECT_TRUE(newer("1.0.0-beta", "1.0.0-1"));
  EXPECT_FALSE(newer("1.0.0", "1.0.0"));
}

TEST(CrawlPartsTest, TextIsMadeValidUtf8AndNestingIsBounded) {
  EXPECT_EQ(ValidUtf8("plain é"), "plain é");
  EXPECT_EQ(ValidUtf8(std::string("a\xff") + "b"),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(ValidUtf8("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");  // an overlong '/'
  EXPECT_NO_THROW(json(ValidUtf8("\xed\xa0\x80")).dump());       // a surrogate
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  json parsed = json::parse(deep, nullptr, false);
  EXPECT_FALSE(NestingAtMost(parsed, 64));
  EXPECT_TRUE(NestingAtMost(json::parse(R"({"a":[{"b":1}]})"), 3));
  EXPECT_TRUE(IsRfc3339("2026-12-01T10:00:00Z"));
  EXPECT_TRUE(IsRfc3339("2026-12-01T10:00:00.123+02:00"));
  EXPECT_FALSE(IsRfc3339("yesterday"));
  EXPECT_FALSE(IsRfc3339("2026-12-01T10:00:00Z<script>"));
}

}  // namespace
}  // namespace host::index
