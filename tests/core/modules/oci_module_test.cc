// Publishing a module as an OCI artifact and fetching it back, against Debian's docker-registry on
// loopback (each test starts its own, so that it can tamper with its storage or stop it).
#include "core/modules/oci_module.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/images/digest.h"
#include "core/modules/content_hash.h"
#include "core/modules/module_archive.h"
#include "tests/support/run.h"

namespace host::modules {
namespace {
namespace fs = std::filesystem;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string ReadAll(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void WriteAll(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
}

std::string RegistryScript() {
  return std::string(HOST_SOURCE_DIR) + "/tests/fixtures/images/registry.sh";
}

constexpr char kIndexType[] = "application/vnd.oci.image.index.v1+json";
constexpr char kSchema[] = R"({"objects":[{"name":"Cmod","functions":[{"name":"echo"}]}]})";

class OciModuleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists("/usr/bin/docker-registry")) GTEST_SKIP() << "docker-registry is not installed";
    root_ = test::TempDir();
    registry_dir_ = root_ / "registry";
    StartRegistry();
    module_ = root_ / "cmod";
    const fs::path fixture = fs::path(HOST_SOURCE_DIR) / "tests" / "modules" / "cmod";
    fs::create_directories(module_);
    for (const char* name : {"module.json", "cmod.c", "CMakeLists.txt"}) {
      fs::copy_file(fixture / name, module_ / name);
    }
    WriteAll(module_ / "README.md", "# cmod\n");
    WriteAll(module_ / "LICENSE", "MIT\n");
    WriteAll(module_ / "build" / "junk.o", "built");  // build output: never published
    WriteAll(module_ / ".env", "SECRET=1\n");         // hidden: never published
    prebuilt_ = fs::path(test::TestModule("cmod")) / "libcmod.so";
    ASSERT_TRUE(fs::exists(prebuilt_)) << prebuilt_;
    state_ = root_ / "state";
  }

  void TearDown() override {
    if (root_.empty()) return;
    StopRegistry();
    fs::remove_all(root_);
  }

  void StartRegistry() {
    test::Ran started = test::Run({RegistryScript(), "start", registry_dir_.string()});
    ASSERT_EQ(started.exit_code, 0) << started.err;
    address_ = started.out.substr(0, started.out.find('\n'));
  }
  void StopRegistry() { test::Run({RegistryScript(), "stop", registry_dir_.string()}); }

  OciModuleRef Ref(const std::string& tag) const {
    OciModuleRef ref;
    ref.registry = address_;
    ref.repository = "acme/cmod";
    ref.tag = tag;
    return ref;
  }

  PublishRequest Request(const std::string& tag) const {
    PublishRequest request;
    request.module_dir = module_;
    request.target = Ref(tag);
    request.schema_json = kSchema;
    request.prebuilt = prebuilt_;
    request.object = "libcmod.so";
    request.licenses = "MIT";
    return request;
  }

  Result<std::string> Publish(const PublishRequest& request) {
    images::RegistryClient client{images::Config{}};
    return PublishModule(request, client);
  }

  Result<FetchedModule> Fetch(const OciModuleRef& ref, bool offline = false,
                              std::string_view pinned = "") {
    images::RegistryClient client{images::Config{}};
    FetchOptions options;
    options.state_dir = state_;
    options.offline = offline;
    return FetchOciModule(ref, options, client, pinned);
  }

  // The digest part of "REGISTRY/REPO:TAG@sha256:...".
  static std::string DigestOf(const std::string& published) {
    return published.substr(published.find('@') + 1);
  }

  // The file of blob digest in the registry's storage.
  fs::path RegistryBlob(const std::string& digest) const {
    const std::string hex = images::DigestHex(digest);
    return registry_dir_ / "storage" / "docker" / "registry" / "v2" / "blobs" / "sha256" /
           hex.substr(0, 2) / hex / "data";
  }

  // The names under state/modules/oci other than the tag memory.
  size_t StoredModules() const {
    size_t count = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(state_ / "modules" / "oci", ec)) {
      if (entry.path().filename() != "tags") ++count;
    }
    return count;
  }

  fs::path root_, registry_dir_, module_, prebuilt_, state_;
  std::string address_;
};

TEST_F(OciModuleTest, PublishedModuleComesBackWithItsFilesSchemaAndPrebuilt) {
  Result<std::string> published = Publish(Request("1.0.0"));
  ASSERT_TRUE(published.ok()) << published.status().message();
  EXPECT_EQ(published->rfind(address_ + "/acme/cmod:1.0.0@sha256:", 0), 0u) << *published;

  Result<FetchedModule> fetched = Fetch(Ref("1.0.0"));
  ASSERT_TRUE(fetched.ok()) << fetched.status().message();
  EXPECT_EQ(fetched->pin, DigestOf(*published));
  EXPECT_EQ(fetched->resolved, "1.0.0");
  for (const char* name : {"module.json", "cmod.c", "CMakeLists.txt", "README.md", "LICENSE"}) {
    EXPECT_EQ(ReadAll(fetched->dir / name), ReadAll(module_ / name)) << name;
  }
  EXPECT_FALSE(fs::exists(fetched->dir / "build"));
  EXPECT_FALSE(fs::exists(fetched->dir / ".env"));
  EXPECT_EQ(ReadAll(fetched->dir.parent_path() / "schema.json"), kSchema);
  Result<std::string> hash = ContentHash(fetched->dir);
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(fetched->hash, *hash);
  ASSERT_FALSE(fetched->prebuilt.empty());
  EXPECT_EQ(fetched->prebuilt.filename(), "libcmod.so");
  EXPECT_FALSE(Contains(fetched->prebuilt.string(), fetched->dir.string() + "/"));
  EXPECT_EQ(ReadAll(fetched->prebuilt), ReadAll(prebuilt_));

  // The index says what it is; the annotations name the version and licence.
  nlohmann::json index = nlohmann::json::parse(ReadAll(fetched->dir.parent_path() / "index.json"));
  EXPECT_EQ(index["artifactType"], kModuleArtifactType);
  EXPECT_EQ(index["mediaType"], "application/vnd.oci.image.index.v1+json");
  EXPECT_EQ(index["annotations"]["org.opencontainers.image.version"], "1.0.0");
  EXPECT_EQ(index["annotations"]["org.opencontainers.image.licenses"], "MIT");
  EXPECT_EQ(index["manifests"][1]["platform"]["os"], "linux");
  EXPECT_EQ(index["manifests"][1]["platform"]["architecture"], HostArchitecture());

  // Fetched again by digest: the same folder and hash.
  OciModuleRef by_digest = Ref("");
  by_digest.digest = fetched->pin;
  Result<FetchedModule> again = Fetch(by_digest);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->dir, fetched->dir);
  EXPECT_EQ(again->hash, fetched->hash);
  EXPECT_EQ(again->resolved, fetched->pin);
}

TEST_F(OciModuleTest, WithoutAPlatformBinaryNothingPrebuiltIsOffered) {
  PublishRequest request = Request("1.0.0");
  request.prebuilt.clear();
  Result<std::string> published = Publish(request);
  ASSERT_TRUE(published.ok()) << published.status().message();
  Result<FetchedModule> fetched = Fetch(Ref("1.0.0"));
  ASSERT_TRUE(fetched.ok()) << fetched.status().message();
  EXPECT_TRUE(fetched->prebuilt.empty());
  EXPECT_TRUE(fs::exists(fetched->dir / "cmod.c"));
}

TEST_F(OciModuleTest, RepublishingTheSameFilesGivesTheSameDigest) {
  Result<std::string> first = Publish(Request("1.0.0"));
  ASSERT_TRUE(first.ok()) << first.status().message();
  // Later, and with the files touched: times are not part of the artifact.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  fs::last_write_time(module_ / "cmod.c", fs::file_time_type::clock::now());
  Result<std::string> second = Publish(Request("1.0.0"));
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(*second, *first);
}

TEST_F(OciModuleTest, ChangedContentUnderAnExistingTagNeedsForce) {
  Result<std::string> first = Publish(Request("1.0.0"));
  ASSERT_TRUE(first.ok()) << first.status().message();
  WriteAll(module_ / "README.md", "# cmod, changed\n");
  Result<std::string> refused = Publish(Request("1.0.0"));
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(Contains(refused.status().message(), "--force")) << refused.status().message();
  EXPECT_TRUE(Contains(refused.status().message(), DigestOf(*first))) << refused.status().message();
  EXPECT_TRUE(Contains(refused.status().message(), address_)) << refused.status().message();

  PublishRequest forced = Request("1.0.0");
  forced.force = true;
  Result<std::string> moved = Publish(forced);
  ASSERT_TRUE(moved.ok()) << moved.status().message();
  EXPECT_NE(DigestOf(*moved), DigestOf(*first));
  Result<FetchedModule> fetched = Fetch(Ref("1.0.0"));
  ASSERT_TRUE(fetched.ok()) << fetched.status().message();
  EXPECT_EQ(fetched->pin, DigestOf(*moved));
  EXPECT_EQ(ReadAll(fetched->dir / "README.md"), "# cmod, changed\n");
}

TEST_F(OciModuleTest, ADirtyGitTreeIsRefusedUnlessAllowed) {
  const std::string dir = module_.string();
  auto git = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"git", "-C", dir, "-c", "user.name=t", "-c", "user.email=t@t"});
    test::Ran ran = test::Run(args);
    ASSERT_EQ(ran.exit_code, 0) << ran.err;
  };
  git({"init", "-q"});
  git({"add", "module.json", "cmod.c", "CMakeLists.txt", "README.md", "LICENSE"});
  git({"commit", "-qm", "cmod"});
  WriteAll(module_ / ".gitignore", "build/\n.env\n.gitignore\n");
  WriteAll(module_ / "cmod.c", ReadAll(module_ / "cmod.c") + "\n/* edited */\n");
  Result<std::string> refused = Publish(Request("1.0.0"));
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(Contains(refused.status().message(), "--allow-dirty")) << refused.status().message();
  EXPECT_TRUE(Contains(refused.status().message(), "cmod.c")) << refused.status().message();

  WriteAll(module_ / "untracked.txt", "not published");
  PublishRequest allowed = Request("1.0.0");
  allowed.allow_dirty = true;
  Result<std::string> published = Publish(allowed);
  ASSERT_TRUE(published.ok()) << published.status().message();
  Result<FetchedModule> fetched = Fetch(Ref("1.0.0"));
  ASSERT_TRUE(fetched.ok()) << fetched.status().message();
  EXPECT_TRUE(Contains(ReadAll(fetched->dir / "cmod.c"), "edited"));
  EXPECT_FALSE(fs::exists(fetched->dir / "untracked.txt"));
  test::Ran head = test::Run({"git", "-C", dir, "rev-parse", "HEAD"});
  nlohmann::json index = nlohmann::json::parse(ReadAll(fetched->dir.parent_path() / "index.json"));
  EXPECT_EQ(index["annotations"]["org.opencontainers.image.revision"],
            head.out.substr(0, head.out.find('\n')));
}

TEST_F(OciModuleTest, ATamperedBlobIsRefusedAndNothingIsStored) {
  Result<std::string> published = Publish(Request("1.0.0"));
  ASSERT_TRUE(published.ok()) << published.status().message();
  // The source archive: the first layer of the source manifest.
  images::RegistryClient client{images::Config{}};
  images::ImageReference ref{address_, "acme/cmod", "1.0.0", ""};
  Result<images::FetchedManifest> index = client.GetManifest(ref, "1.0.0");
  ASSERT_TRUE(index.ok());
  const std::string source_manifest_digest =
      nlohmann::json::parse(index->body)["manifests"][0]["digest"];
  Result<images::FetchedManifest> source = client.GetManifest(ref, source_manifest_digest);
  ASSERT_TRUE(source.ok());
  const std::string archive_digest = nlohmann::json::parse(source->body)["layers"][0]["digest"];
  std::string bytes = ReadAll(RegistryBlob(archive_digest));
  ASSERT_FALSE(bytes.empty());
  bytes[bytes.size() / 2] ^= 0x5a;  // the same size, other bytes
  WriteAll(RegistryBlob(archive_digest), bytes);

  Result<FetchedModule> fetched = Fetch(Ref("1.0.0"));
  ASSERT_FALSE(fetched.ok());
  EXPECT_TRUE(Contains(fetched.status().message(), archive_digest)) << fetched.status().message();
  EXPECT_EQ(StoredModules(), 0u);
}

// A gzip'd tar with one entry made by add.
std::string HostileArchive(const std::function<void(archive_entry*)>& add,
                           const std::string& data = "") {
  std::string out;
  archive* writer = archive_write_new();
  archive_write_set_format_pax_restricted(writer);
  archive_write_add_filter_gzip(writer);
  archive_write_open(
      writer, &out, nullptr,
      [](archive*, void* sink, const void* buffer, size_t size) -> la_ssize_t {
        static_cast<std::string*>(sink)->append(static_cast<const char*>(buffer), size);
        return static_cast<la_ssize_t>(size);
      },
      nullptr);
  archive_entry* module_json = archive_entry_new();
  archive_entry_set_pathname(module_json, "module.json");
  archive_entry_set_filetype(module_json, AE_IFREG);
  archive_entry_set_perm(module_json, 0644);
  archive_entry_set_size(module_json, 2);
  archive_write_header(writer, module_json);
  archive_write_data(writer, "{}", 2);
  archive_entry_free(module_json);
  archive_entry* entry = archive_entry_new();
  archive_entry_set_perm(entry, 0644);
  add(entry);
  archive_entry_set_size(entry, static_cast<la_int64_t>(data.size()));
  archive_write_header(writer, entry);
  if (!data.empty()) archive_write_data(writer, data.data(), data.size());
  archive_entry_free(entry);
  archive_write_close(writer);
  archive_write_free(writer);
  return out;
}

TEST(ModuleArchiveTest, HostileArchivesAreRefusedWithNothingLeft) {
  const fs::path root = test::TempDir();
  struct Case {
    const char* what;
    std::function<void(archive_entry*)> add;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"dot-dot",
       [](archive_entry* e) {
         archive_entry_set_pathname(e, "../x");
         archive_entry_set_filetype(e, AE_IFREG);
       },
       "\"..\""},
      {"absolute",
       [](archive_entry* e) {
         archive_entry_set_pathname(e, "/etc/x");
         archive_entry_set_filetype(e, AE_IFREG);
       },
       "absolute"},
      {"escaping link",
       [](archive_entry* e) {
         archive_entry_set_pathname(e, "sub/link");
         archive_entry_set_filetype(e, AE_IFLNK);
         archive_entry_set_symlink(e, "../../etc");
       },
       "outside the module"},
      {"absolute link",
       [](archive_entry* e) {
         archive_entry_set_pathname(e, "link");
         archive_entry_set_filetype(e, AE_IFLNK);
         archive_entry_set_symlink(e, "/etc/passwd");
       },
       "outside the module"},
      {"link through a link",
       [](archive_entry* e) {
         archive_entry_set_pathname(e, "link");
         archive_entry_set_filetype(e, AE_IFLNK);
         archive_entry_set_symlink(e, "self/..");
       },
       "\"..\" after a name"},
      {"hard link",
       [](archive_entry* e) {
         archive_entry_set_pathname(e, "hard");
         archive_entry_set_filetype(e, AE_IFREG);
         archive_entry_set_hardlink(e, "/etc/shadow");
       },
       "hard link"},
      {"device",
       [](archive_entry* e) {
         archive_entry_set_pathname(e, "dev");
         archive_entry_set_filetype(e, AE_IFCHR);
         archive_entry_set_rdevmajor(e, 1);
         archive_entry_set_rdevminor(e, 3);
       },
       "device"},
      {"setuid",
       [](archive_entry* e) {
         archive_entry_set_pathname(e, "tool");
         archive_entry_set_filetype(e, AE_IFREG);
         archive_entry_set_perm(e, 04755);
       },
       "set-id"},
      {"git folder",
       [](archive_entry* e) {
         archive_entry_set_pathname(e, ".git/config");
         archive_entry_set_filetype(e, AE_IFREG);
       },
       ".git"},
  };
  for (const Case& c : cases) {
    const fs::path blob = root / (std::string(c.what) + ".tar.gz");
    WriteAll(blob, HostileArchive(c.add));
    const fs::path out = root / (std::string(c.what) + "-out");
    Status status = UnpackModuleSource(blob, out);
    EXPECT_FALSE(status.ok()) << c.what;
    EXPECT_TRUE(Contains(status.message(), c.expected)) << c.what << ": " << status.message();
    EXPECT_FALSE(fs::exists(out)) << c.what;
  }
  // A link that stays inside is fine.
  const fs::path blob = root / "inside.tar.gz";
  WriteAll(blob, HostileArchive([](archive_entry* e) {
             archive_entry_set_pathname(e, "sub/link");
             archive_entry_set_filetype(e, AE_IFLNK);
             archive_entry_set_symlink(e, "../module.json");
           }));
  Status status = UnpackModuleSource(blob, root / "inside");
  EXPECT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(ReadAll(root / "inside" / "sub" / "link"), "{}");
  // Too many entries.
  ModuleArchiveLimits limits;
  limits.max_entries = 1;
  status = UnpackModuleSource(blob, root / "limited", limits);
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(Contains(status.message(), "more than 1 entries")) << status.message();
  fs::remove_all(root);
}

// An archive libarchive refuses without an error text of its own (found by module_archive_fuzz).
TEST(ModuleArchiveTest, AnArchiveRefusedWithoutErrorTextIsAnError) {
  const fs::path root = test::TempDir();
  const fs::path blob = fs::path(HOST_SOURCE_DIR) / "tests" / "fuzz" / "corpus" / "module_archive" /
                        "no-error-text.tar.gz";
  Status status = UnpackModuleSource(blob, root / "out");
  EXPECT_FALSE(status.ok());
  EXPECT_FALSE(fs::exists(root / "out"));
  fs::remove_all(root);
}

TEST_F(OciModuleTest, AHostileSourceFromTheRegistryIsRefusedAndNothingIsStored) {
  // An artifact published by someone else, by hand: its source escapes through "..".
  images::RegistryClient client{images::Config{}};
  images::ImageReference ref{address_, "acme/cmod", "", ""};
  const std::string tarball = HostileArchive(
      [](archive_entry* e) {
        archive_entry_set_pathname(e, "../escaped");
        archive_entry_set_filetype(e, AE_IFREG);
      },
      "boo");
  const std::string empty = "{}";
  ASSERT_TRUE(client.PushBlob(ref, images::DigestOf(tarball), tarball).ok());
  ASSERT_TRUE(client.PushBlob(ref, images::DigestOf(empty), empty).ok());
  nlohmann::json manifest = {{"schemaVersion", 2},
                             {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                             {"config",
                              {{"mediaType", "application/vnd.oci.empty.v1+json"},
                               {"digest", images::DigestOf(empty)},
                               {"size", 2}}},
                             {"layers",
                              {{{"mediaType", kModuleSourceType},
                                {"digest", images::DigestOf(tarball)},
                                {"size", tarball.size()}}}}};
  const std::string manifest_text = manifest.dump();
  Result<std::string> child =
      client.PutManifest(ref, "", "application/vnd.oci.image.manifest.v1+json", manifest_text);
  ASSERT_TRUE(child.ok()) << child.status().message();
  nlohmann::json index = {{"schemaVersion", 2},
                          {"mediaType", "application/vnd.oci.image.index.v1+json"},
                          {"artifactType", kModuleArtifactType},
                          {"manifests",
                           {{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                             {"digest", *child},
                             {"size", manifest_text.size()},
                             {"annotations", {{kPartAnnotation, "source"}}}}}}};
  ASSERT_TRUE(
      client.PutManifest(ref, "evil", "application/vnd.oci.image.index.v1+json", index.dump())
          .ok());
  Result<FetchedModule> fetched = Fetch(Ref("evil"));
  ASSERT_FALSE(fetched.ok());
  EXPECT_TRUE(Contains(fetched.status().message(), "\"..\"")) << fetched.status().message();
  EXPECT_EQ(StoredModules(), 0u);
  EXPECT_FALSE(fs::exists(state_ / "modules" / "escaped"));
}

TEST_F(OciModuleTest, AStoredModuleIsUsedWithTheRegistryStopped) {
  Result<std::string> published = Publish(Request("1.0.0"));
  ASSERT_TRUE(published.ok()) << published.status().message();
  Result<FetchedModule> online = Fetch(Ref("1.0.0"));
  ASSERT_TRUE(online.ok()) << online.status().message();
  StopRegistry();

  Result<FetchedModule> by_tag = Fetch(Ref("1.0.0"), /*offline=*/true);
  ASSERT_TRUE(by_tag.ok()) << by_tag.status().message();
  EXPECT_EQ(by_tag->pin, online->pin);
  EXPECT_EQ(by_tag->hash, online->hash);
  EXPECT_EQ(by_tag->prebuilt, online->prebuilt);
  // A pinned digest needs no tag resolution at all, offline or not.
  Result<FetchedModule> pinned = Fetch(Ref("2.0.0"), /*offline=*/false, online->pin);
  ASSERT_TRUE(pinned.ok()) << pinned.status().message();
  EXPECT_EQ(pinned->dir, online->dir);

  Result<FetchedModule> unknown = Fetch(Ref("3.0.0"), /*offline=*/true);
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(Contains(unknown.status().message(), "oci://" + address_ + "/acme/cmod:3.0.0"))
      << unknown.status().message();
}

TEST_F(OciModuleTest, SignaturesAreStoredBesideTheIndex) {
  Result<std::string> published = Publish(Request("1.0.0"));
  ASSERT_TRUE(published.ok()) << published.status().message();
  images::RegistryClient client{images::Config{}};
  Result<std::optional<std::string>> none =
      FetchSignature(client, Ref(""), DigestOf(*published), state_);
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_FALSE(none->has_value());
  const std::string signature =
      "-----BEGIN SSH SIGNATURE-----\nbytes\n-----END SSH SIGNATURE-----\n";
  Status pushed = PushSignature(client, Ref(""), DigestOf(*published), signature);
  ASSERT_TRUE(pushed.ok()) << pushed.message();
  Result<std::optional<std::string>> got =
      FetchSignature(client, Ref(""), DigestOf(*published), state_);
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, signature);
  Result<images::FetchedManifest> tagged =
      client.GetManifest(images::ImageReference{address_, "acme/cmod", "", ""},
                         "sha256-" + images::DigestHex(DigestOf(*published)) + ".sig");
  EXPECT_TRUE(tagged.ok()) << tagged.status().message();
}

TEST_F(OciModuleTest, ARebuiltBinaryOfTheSameFilesLeavesTheTagWhereItIs) {
  Result<std::string> first = Publish(Request("1.0.0"));
  ASSERT_TRUE(first.ok()) << first.status().message();
  // Another build of the same files: other bytes in the shared object.
  const fs::path rebuilt = root_ / "rebuilt" / "libcmod.so";
  WriteAll(rebuilt, ReadAll(prebuilt_) + std::string(16, '\0'));
  PublishRequest again = Request("1.0.0");
  again.prebuilt = rebuilt;
  Result<std::string> second = Publish(again);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(*second, *first);
  // --force replaces the index (here: with the rebuilt binary).
  again.force = true;
  Result<std::string> forced = Publish(again);
  ASSERT_TRUE(forced.ok()) << forced.status().message();
  EXPECT_NE(DigestOf(*forced), DigestOf(*first));
  Result<FetchedModule> fetched = Fetch(Ref("1.0.0"));
  ASSERT_TRUE(fetched.ok()) << fetched.status().message();
  EXPECT_EQ(ReadAll(fetched->prebuilt), ReadAll(rebuilt));
}

TEST_F(OciModuleTest, ABinaryForAnotherAbiOrANewerGlibcIsNotOffered) {
  Result<std::string> published = Publish(Request("1.0.0"));
  ASSERT_TRUE(published.ok()) << published.status().message();
  images::RegistryClient client{images::Config{}};
  images::ImageReference ref{address_, "acme/cmod", "", ""};
  Result<images::FetchedManifest> index = client.GetManifest(ref, "1.0.0");
  ASSERT_TRUE(index.ok());
  const std::vector<std::pair<std::string, std::string>> changes = {{kAbiAnnotation, "999"},
                                                                    {kGlibcAnnotation, "99.1"}};
  for (const auto& [key, value] : changes) {
    nlohmann::json changed = nlohmann::json::parse(index->body);
    changed["manifests"][1]["annotations"][key] = value;
    const std::string tag = "other-" + std::string(key == kAbiAnnotation ? "abi" : "glibc");
    ASSERT_TRUE(client.PutManifest(ref, tag, kIndexType, changed.dump()).ok());
    Result<FetchedModule> fetched = Fetch(Ref(tag));
    ASSERT_TRUE(fetched.ok()) << fetched.status().message();
    EXPECT_TRUE(fetched->prebuilt.empty()) << key;  // the caller builds the source instead
    EXPECT_TRUE(fs::exists(fetched->dir / "cmod.c"));
  }
}

TEST_F(OciModuleTest, ConcurrentFetchesOfOneModuleAllSucceedWithOneCopy) {
  Result<std::string> published = Publish(Request("1.0.0"));
  ASSERT_TRUE(published.ok()) << published.status().message();
  std::vector<std::thread> threads;
  std::vector<Result<FetchedModule>> results(4, Status::Failed("not run"));
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([this, i, &results] { results[i] = Fetch(Ref("1.0.0")); });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->dir, results[0]->dir);
    EXPECT_EQ(result->hash, results[0]->hash);
  }
  EXPECT_EQ(StoredModules(), 1u);  // no staging folder left behind
}

TEST_F(OciModuleTest, AnEditedStoredBinaryIsAnErrorNotASourceBuild) {
  Result<std::string> published = Publish(Request("1.0.0"));
  ASSERT_TRUE(published.ok()) << published.status().message();
  Result<FetchedModule> fetched = Fetch(Ref("1.0.0"));
  ASSERT_TRUE(fetched.ok()) << fetched.status().message();
  ASSERT_FALSE(fetched->prebuilt.empty());
  const std::string good = images::DigestOf(ReadAll(fetched->prebuilt));
  WriteAll(fetched->prebuilt, ReadAll(fetched->prebuilt) + "evil");
  Result<FetchedModule> edited = Fetch(Ref("1.0.0"), /*offline=*/true);
  ASSERT_FALSE(edited.ok());
  const std::string& message = edited.status().message();
  EXPECT_TRUE(Contains(message, good)) << message;
  EXPECT_TRUE(Contains(message, images::DigestOf(ReadAll(fetched->prebuilt)))) << message;
  EXPECT_TRUE(Contains(message, "remove " + fetched->dir.parent_path().string())) << message;

  fs::remove(fetched->prebuilt);  // missing: the same, not a silent source build
  Result<FetchedModule> missing = Fetch(Ref("1.0.0"), /*offline=*/true);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(Contains(missing.status().message(), good)) << missing.status().message();
}

TEST_F(OciModuleTest, ASignatureTagHoldingSomethingElseIsAnError) {
  Result<std::string> published = Publish(Request("1.0.0"));
  ASSERT_TRUE(published.ok()) << published.status().message();
  images::RegistryClient client{images::Config{}};
  images::ImageReference ref{address_, "acme/cmod", "", ""};
  const std::string empty = "{}";
  ASSERT_TRUE(client.PushBlob(ref, images::DigestOf(empty), empty).ok());
  // Not a signature artifact: its artifactType is a number.
  nlohmann::json manifest = {{"schemaVersion", 2},
                             {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                             {"artifactType", 5},
                             {"config",
                              {{"mediaType", "application/vnd.oci.empty.v1+json"},
                               {"digest", images::DigestOf(empty)},
                               {"size", 2}}},
                             {"layers", nlohmann::json::array()}};
  const std::string tag = "sha256-" + images::DigestHex(DigestOf(*published)) + ".sig";
  Result<std::string> put =
      client.PutManifest(ref, tag, "application/vnd.oci.image.manifest.v1+json", manifest.dump());
  ASSERT_TRUE(put.ok()) << put.status().message();
  Result<std::optional<std::string>> got =
      FetchSignature(client, Ref(""), DigestOf(*published), state_);
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(Contains(got.status().message(), "not a module signature")) << got.status().message();
}

TEST_F(OciModuleTest, HostPublishBuildsLoadsAndPublishesAModuleFolder) {
  const std::string home = (root_ / "home").string();
  const std::vector<std::string> env = {"HOST_STATE_DIR=" + state_.string(), "HOME=" + home};
  test::Ran init = test::RunHost(
      {"-q", "init", "--name", "greeter", "--sdk", "c", (root_ / "greeter").string()}, env);
  ASSERT_EQ(init.exit_code, 0) << init.err;
  const std::string target = "oci://" + address_ + "/acme/greeter:0.1.0";
  test::Ran published =
      test::RunHost({"-q", "-m", (root_ / "greeter").string(), "publish", target}, env);
  ASSERT_EQ(published.exit_code, 0) << published.err;
  EXPECT_EQ(published.out.rfind(address_ + "/acme/greeter:0.1.0@sha256:", 0), 0u) << published.out;
  // Again from inside the folder: the same digest, nothing to do.
  test::Ran again = test::RunHost({"-q", "publish", target}, env, (root_ / "greeter").string());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, published.out);

  OciModuleRef ref = Ref("0.1.0");
  ref.repository = "acme/greeter";
  Result<FetchedModule> fetched = Fetch(ref);
  ASSERT_TRUE(fetched.ok()) << fetched.status().message();
  EXPECT_FALSE(fetched->prebuilt.empty());
  EXPECT_FALSE(fs::exists(fetched->dir / "build"));
  nlohmann::json schema =
      nlohmann::json::parse(ReadAll(fetched->dir.parent_path() / "schema.json"), nullptr, false);
  EXPECT_TRUE(Contains(schema.dump(), "hello")) << schema.dump();

  test::Ran untagged = test::RunHost(
      {"-q", "-m", (root_ / "greeter").string(), "publish", "oci://" + address_ + "/greeter"}, env);
  EXPECT_EQ(untagged.exit_code, 2);
  EXPECT_TRUE(Contains(untagged.err, "tag")) << untagged.err;
  test::Ran by_digest =
      test::RunHost({"-q", "-m", (root_ / "greeter").string(), "publish",
                     "oci://" + address_ + "/acme/greeter@sha256:" + std::string(64, 'a')},
                    env);
  EXPECT_EQ(by_digest.exit_code, 2);
  EXPECT_TRUE(Contains(by_digest.err, ":VERSION")) << by_digest.err;
}

}  // namespace
}  // namespace host::modules
