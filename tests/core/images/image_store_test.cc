// End-to-end pulls from a real docker-registry on loopback, filled by tests/fixtures/images.
#include "core/images/image_store.h"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "core/images/digest.h"
#include "tests/core/images/fixtures.h"

namespace host::images {
namespace {
namespace fs = std::filesystem;

using test::CountEntries;
using test::HttpReply;
using test::HttpRequest;
using test::HttpStandIn;
using test::ReadFile;
using test::ScratchDir;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class ImageStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const test::LocalRegistry& registry = test::TestRegistry();
    if (!registry.installed) GTEST_SKIP() << "docker-registry is not installed";
    ASSERT_TRUE(registry.error.empty()) << registry.error;
    address_ = registry.address;
    state_ = ScratchDir();
  }

  // A stand-in registry serving the test images, which counts what is asked of it.
  static std::unique_ptr<HttpStandIn> LayoutRegistry() {
    return std::make_unique<HttpStandIn>(
        [layout = test::TestImages().layout](const HttpRequest& request) {
          return test::ServeLayout(layout, request);
        });
  }

  // busybox:latest pulled from server by a new store of state_, as a later process would.
  Result<Image> PullLatest(const HttpStandIn& server, const Config& config = {}) const {
    return ImageStore(state_, config).Pull(server.address() + "/busybox:latest");
  }

  std::string address_;
  std::string state_;
};

TEST_F(ImageStoreTest, PullsBusyboxFromTheLocalRegistry) {
  ImageStore store(state_, Config{});
  Result<Image> image = store.Pull(address_ + "/busybox:latest");
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(image->reference.registry, address_);
  EXPECT_EQ(image->manifest_digest, test::TestImages().busybox_digest);
  EXPECT_EQ(image->index_digest, "");
  EXPECT_EQ(image->env, (std::vector<std::string>{
                            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}));
  EXPECT_EQ(image->cmd, (std::vector<std::string>{"sh"}));
  EXPECT_TRUE(image->entrypoint.empty());
  EXPECT_EQ(image->working_dir, "");
  EXPECT_EQ(image->user, "");
  ASSERT_EQ(image->layers.size(), 1u);
  ASSERT_EQ(image->diff_ids.size(), 1u);
  EXPECT_EQ(image->layers[0], fs::path(state_) / "layers" / image->diff_ids[0].substr(7));

  const std::string root = image->layers[0].string();
  struct stat busybox {};
  ASSERT_EQ(lstat((root + "/bin/busybox").c_str(), &busybox), 0);
  EXPECT_TRUE(S_ISREG(busybox.st_mode));
  EXPECT_EQ(busybox.st_mode & 07777, 0755u);
  EXPECT_EQ(busybox.st_uid, 0u);
  EXPECT_EQ(fs::read_symlink(root + "/bin/sh"), "busybox");
  EXPECT_EQ(fs::read_symlink(root + "/bin/ls"), "busybox");
  EXPECT_EQ(ReadFile(root + "/etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
  struct stat tmp {};
  ASSERT_EQ(lstat((root + "/tmp").c_str(), &tmp), 0);
  EXPECT_EQ(tmp.st_mode & 07777, 01777u);
  // The store holds the manifest, the config and the layer blob, and no leftovers.
  const ContentStore& content = store.content();
  EXPECT_TRUE(content.Has(image->manifest_digest));
  EXPECT_TRUE(content.Has(image->config_digest));
  EXPECT_EQ(CountEntries(state_ + "/blobs/sha256"), 3u);
  EXPECT_EQ(CountEntries(state_ + "/tmp"), 0u);
}

std::string Xattr(const std::string& path, const char* name) {
  char value[64];
  ssize_t n = lgetxattr(path.c_str(), name, value, sizeof value);
  return n < 0 ? std::string("<none>") : std::string(value, static_cast<size_t>(n));
}

TEST_F(ImageStoreTest, WhiteoutsAreUnpackedInOverlayForm) {
  ImageStore store(state_, Config{});
  Result<Image> image = store.Pull(address_ + "/whiteout:latest");
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(image->manifest_digest, test::TestImages().whiteout_digest);
  ASSERT_EQ(image->layers.size(), 2u);
  const std::string lower = image->layers[0].string();
  const std::string upper = image->layers[1].string();
  EXPECT_EQ(ReadFile(lower + "/data/gone"), "gone\n");
  EXPECT_EQ(ReadFile(lower + "/opaque/old"), "old\n");
  struct stat gone {};
  ASSERT_EQ(lstat((upper + "/data/gone").c_str(), &gone), 0);
  EXPECT_TRUE(S_ISCHR(gone.st_mode));
  EXPECT_EQ(gone.st_rdev, makedev(0, 0));
  EXPECT_FALSE(fs::exists(upper + "/data/.wh.gone"));
  EXPECT_EQ(Xattr(upper + "/opaque", "trusted.overlay.opaque"), "y");
  EXPECT_FALSE(fs::exists(upper + "/opaque/.wh..wh..opq"));
  EXPECT_EQ(ReadFile(upper + "/opaque/new"), "new\n");
  EXPECT_EQ(Xattr(lower + "/opaque", "trusted.overlay.opaque"), "<none>");

  // Mounted as overlay lower dirs, the deleted file is gone and the opaque folder shows only
  // the upper layer's file.
  const std::string merged = ScratchDir();
  const std::string options = "lowerdir=" + upper + ":" + lower;
  if (mount("overlay", merged.c_str(), "overlay", 0, options.c_str()) != 0) {
    GTEST_SKIP() << "cannot mount overlayfs here: " << std::strerror(errno);
  }
  EXPECT_FALSE(fs::exists(merged + "/data/gone"));
  EXPECT_EQ(ReadFile(merged + "/data/keep"), "keep\n");
  EXPECT_FALSE(fs::exists(merged + "/opaque/old"));
  EXPECT_EQ(ReadFile(merged + "/opaque/new"), "new\n");
  EXPECT_TRUE(fs::exists(merged + "/bin/busybox"));
  umount2(merged.c_str(), MNT_DETACH);
}

TEST_F(ImageStoreTest, SecondPullByDigestMakesNoNetworkRequest) {
  {
    ImageStore store(state_, Config{});
    Result<Image> first = store.Pull(address_ + "/busybox:latest");
    ASSERT_TRUE(first.ok()) << first.status().message();
  }
  // Blobs are content-addressed: the same digest from a registry that is not there at all must
  // come from the store alone.
  ImageStore store(state_, Config{});
  const std::string nowhere = "127.0.0.1:" + std::to_string(test::ClosedPort());
  Result<Image> again = store.Pull(nowhere + "/busybox@" + test::TestImages().busybox_digest);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->manifest_digest, test::TestImages().busybox_digest);
  EXPECT_EQ(again->cmd, (std::vector<std::string>{"sh"}));
  ASSERT_EQ(again->layers.size(), 1u);
  EXPECT_TRUE(fs::exists(again->layers[0] / "bin" / "busybox"));
}

TEST_F(ImageStoreTest, SecondPullByTagWithinItsTtlMakesNoRequest) {
  std::unique_ptr<HttpStandIn> server = LayoutRegistry();
  Result<Image> first = PullLatest(*server);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(server->CountRequests("/blobs/"), 2u);
  EXPECT_EQ(server->CountRequests("/manifests/latest"), 1u);
  const size_t asked = server->requests().size();
  Result<Image> again = PullLatest(*server);  // the default tag_ttl is 5 minutes
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(server->requests().size(), asked);  // not one request more
  EXPECT_EQ(again->manifest_digest, first->manifest_digest);
  EXPECT_EQ(again->cmd, first->cmd);
  EXPECT_EQ(again->layers, first->layers);
  EXPECT_EQ(again->layer_blobs.size(), first->layer_blobs.size());
}

TEST_F(ImageStoreTest, WithTagTtlZeroTheTagIsAskedOnEveryPull) {
  std::unique_ptr<HttpStandIn> server = LayoutRegistry();
  Config always;
  always.tag_ttl = std::chrono::seconds(0);
  Result<Image> first = PullLatest(*server, always);
  ASSERT_TRUE(first.ok()) << first.status().message();
  Result<Image> again = PullLatest(*server, always);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(server->CountRequests("/manifests/latest"), 2u);
  EXPECT_EQ(server->CountRequests("/blobs/"), 2u);  // the blobs are here: only the tag is asked
  EXPECT_EQ(again->layers, first->layers);
}

TEST_F(ImageStoreTest, AnExpiredTagIsAskedAgainAndItsAnswerRenewed) {
  std::unique_ptr<HttpStandIn> server = LayoutRegistry();
  Result<Image> first = PullLatest(*server);
  ASSERT_TRUE(first.ok()) << first.status().message();
  // The registry's answer, as if it had been given 6 minutes ago.
  const TagStore tags(state_);
  const auto now = std::chrono::system_clock::now();
  ASSERT_TRUE(
      tags.Record(first->reference, first->manifest_digest, now - std::chrono::minutes(6)).ok());
  Result<Image> again = PullLatest(*server);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(server->CountRequests("/manifests/latest"), 2u);
  EXPECT_EQ(server->CountRequests("/blobs/"), 2u);
  EXPECT_EQ(tags.Lookup(first->reference, std::chrono::minutes(5)), first->manifest_digest);
}

TEST_F(ImageStoreTest, AMovedTagIsSeenOnlyOnceItsAnswerExpires) {
  const std::string layout = test::TestImages().layout;
  std::atomic<bool> moved{false};
  HttpStandIn server([&](const HttpRequest& request) {
    HttpRequest asked = request;
    if (moved && Contains(asked.path, "/manifests/latest")) {
      asked.path.replace(asked.path.find("/manifests/latest"), 17, "/manifests/whiteout");
    }
    return test::ServeLayout(layout, asked);
  });
  const std::string address = server.address() + "/busybox:latest";
  ASSERT_TRUE(ImageStore(state_, Config{}).Pull(address).ok());
  moved = true;  // the tag now names the whiteout image
  Result<Image> cached = ImageStore(state_, Config{}).Pull(address);
  ASSERT_TRUE(cached.ok()) << cached.status().message();
  EXPECT_EQ(cached->manifest_digest, test::TestImages().busybox_digest);  // within the ttl
  Config always;
  always.tag_ttl = std::chrono::seconds(0);
  Result<Image> fresh = ImageStore(state_, always).Pull(address);
  ASSERT_TRUE(fresh.ok()) << fresh.status().message();
  EXPECT_EQ(fresh->manifest_digest, test::TestImages().whiteout_digest);
  // The new answer is what later pulls within the ttl get.
  Result<Image> later = ImageStore(state_, Config{}).Pull(address);
  ASSERT_TRUE(later.ok()) << later.status().message();
  EXPECT_EQ(later->manifest_digest, test::TestImages().whiteout_digest);
}

TEST_F(ImageStoreTest, AFreshTagWithAMissingLayerIsPulledAgain) {
  std::unique_ptr<HttpStandIn> server = LayoutRegistry();
  Result<Image> first = PullLatest(*server);
  ASSERT_TRUE(first.ok()) << first.status().message();
  fs::remove_all(first->layers.at(0));  // evicted, say
  Result<Image> again = PullLatest(*server);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_TRUE(fs::exists(again->layers.at(0) / "bin" / "busybox"));
  EXPECT_EQ(server->CountRequests("/manifests/latest"), 2u);
}

// Flips the bits of the first byte of a stored blob.
void FlipFirstByte(const fs::path& blob) {
  std::string bytes = ReadFile(blob.string());
  ASSERT_FALSE(bytes.empty());
  bytes[0] = static_cast<char>(bytes[0] ^ 0xff);
  std::ofstream(blob, std::ios::binary | std::ios::trunc) << bytes;
}

TEST_F(ImageStoreTest, ACorruptStoredConfigIsReportedAndFetchedAgain) {
  std::unique_ptr<HttpStandIn> server = LayoutRegistry();
  Result<Image> first = PullLatest(*server);
  ASSERT_TRUE(first.ok()) << first.status().message();
  const fs::path config = ContentStore(state_).Path(first->config_digest);
  const std::string good = ReadFile(config.string());
  FlipFirstByte(config);
  // Within the tag's ttl (the offline path) and with ttl 0 (the path that asks the registry).
  Config always;
  always.tag_ttl = std::chrono::seconds(0);
  for (const Config& settings : {Config{}, always}) {
    const size_t config_requests = server->CountRequests("/blobs/" + first->config_digest);
    testing::internal::CaptureStderr();
    Result<Image> again = PullLatest(*server, settings);
    const std::string warned = testing::internal::GetCapturedStderr();
    ASSERT_TRUE(again.ok()) << again.status().message();
    EXPECT_NE(warned.find("host: warning: blob " + first->config_digest), std::string::npos)
        << warned;
    EXPECT_NE(warned.find("is corrupt"), std::string::npos) << warned;
    EXPECT_EQ(server->CountRequests("/blobs/" + first->config_digest), config_requests + 1);
    EXPECT_EQ(ReadFile(config.string()), good);  // replaced by the registry's bytes
    EXPECT_EQ(again->config_digest, first->config_digest);
    EXPECT_EQ(again->cmd, first->cmd);
    EXPECT_EQ(again->env, first->env);
    FlipFirstByte(config);
  }
}

TEST_F(ImageStoreTest, MissingImageQuotesTheRegistryError) {
  ImageStore store(state_, Config{});
  Result<Image> image = store.Pull(address_ + "/busybox:no-such-tag");
  ASSERT_FALSE(image.ok());
  const std::string& message = image.status().message();
  EXPECT_EQ(image.status().kind(), ErrorKind::kUsage);
  EXPECT_TRUE(Contains(message, "MANIFEST_UNKNOWN")) << message;
  EXPECT_TRUE(Contains(message, address_ + "/busybox:no-such-tag")) << message;
  EXPECT_TRUE(Contains(message, "not found")) << message;
  Result<Image> repository = store.Pull(address_ + "/no/such/repository");
  ASSERT_FALSE(repository.ok());
  EXPECT_TRUE(Contains(repository.status().message(), "_UNKNOWN")) << repository.status().message();
}

TEST_F(ImageStoreTest, UnreachableRegistryNamesAddressAndCause) {
  const std::string nowhere = "127.0.0.1:" + std::to_string(test::ClosedPort());
  ImageStore store(state_, Config{});
  Result<Image> image = store.Pull(nowhere + "/busybox:latest");
  ASSERT_FALSE(image.ok());
  const std::string& message = image.status().message();
  EXPECT_EQ(image.status().kind(), ErrorKind::kFailed);
  EXPECT_TRUE(Contains(message, "registry " + nowhere + " unreachable")) << message;
  EXPECT_TRUE(Contains(message, "Couldn't connect to server")) << message;
  EXPECT_EQ(CountEntries(state_ + "/blobs/sha256"), 0u);
}

TEST_F(ImageStoreTest, PullsThroughAMirrorFromTheConfigFile) {
  const std::string file = ScratchDir() + "/config.json";
  test::WriteFile(file, R"({"mirrors": {"docker.io": ["http://)" + address_ + R"("]}})");
  setenv("HOST_CONFIG", file.c_str(), 1);
  Result<Config> config = LoadConfig();
  unsetenv("HOST_CONFIG");
  ASSERT_TRUE(config.ok()) << config.status().message();
  ImageStore store(state_, *config);
  Result<Image> image = store.Pull("busybox:latest");
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(image->reference.String(), "docker.io/library/busybox:latest");
  EXPECT_EQ(image->manifest_digest, test::TestImages().busybox_digest);
  EXPECT_TRUE(fs::exists(image->layers.at(0) / "bin" / "busybox"));
}

TEST_F(ImageStoreTest, FailingMirrorFallsBackAndIsNamed) {
  Config config;
  const std::string dead = "http://127.0.0.1:" + std::to_string(test::ClosedPort());
  config.mirrors["docker.io"] = {dead};
  ImageStore store(state_, config);
  // The mirror is down and docker.io is not reachable from here: both are named.
  Result<Image> image = store.Pull("busybox:latest");
  ASSERT_FALSE(image.ok());
  EXPECT_TRUE(Contains(image.status().message(), "mirror " + dead)) << image.status().message();
  EXPECT_TRUE(Contains(image.status().message(), "registry docker.io")) << image.status().message();
}

TEST_F(ImageStoreTest, ConcurrentPullsOfOneImageBothSucceed) {
  std::vector<Result<Image>> results(2, Status::Failed("not run"));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] {
      ImageStore store(state_, Config{});  // separate stores, one state dir: like two processes
      results[i] = store.Pull(address_ + "/whiteout:latest");
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.status().message();
  }
  EXPECT_EQ(results[0]->layers, results[1]->layers);
  EXPECT_EQ(CountEntries(state_ + "/layers"), 2u);
  EXPECT_EQ(CountEntries(state_ + "/tmp"), 0u);
  EXPECT_EQ(ReadFile(results[0]->layers[0].string() + "/data/keep"), "keep\n");
}

TEST_F(ImageStoreTest, LeftoversOfKilledPullsAreRemoved) {
  const std::string tmp = state_ + "/tmp";
  test::WriteFile(tmp + "/blob-old", "partial");
  fs::create_directories(tmp + "/layer-old/usr");
  test::WriteFile(tmp + "/blob-recent", "in progress");
  test::WriteFile(tmp + "/someone-elses", "kept");
  const auto two_days_ago = fs::file_time_type::clock::now() - std::chrono::hours(48);
  for (const char* name : {"/blob-old", "/layer-old", "/someone-elses"}) {
    fs::last_write_time(tmp + name, two_days_ago);
  }
  // A download and an unpack of this image's layer that were killed a moment ago: the next
  // pull holds their locks, so it knows nobody is still writing them.
  const std::string layout = test::TestImages().layout;
  Result<ManifestDocument> manifest =
      ParseManifest(test::LayoutBlob(layout, test::TestImages().busybox_digest), kOciManifestType);
  ASSERT_TRUE(manifest.ok());
  const std::string layer_hex = manifest->layers.at(0).digest.substr(7);
  const std::string diff_id_hex =
      ParseImageConfig(test::LayoutBlob(layout, manifest->config.digest))->diff_ids.at(0).substr(7);
  test::WriteFile(tmp + "/blob-" + layer_hex + "-Ab12Cd", "half a blob");
  test::WriteFile(tmp + "/layer-" + diff_id_hex + "-Ab12Cd/bin/half", "half a layer");

  ImageStore store(state_, Config{});
  Result<Image> image = store.Pull(address_ + "/busybox:latest");
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_FALSE(fs::exists(tmp + "/blob-" + layer_hex + "-Ab12Cd"));
  EXPECT_FALSE(fs::exists(tmp + "/layer-" + diff_id_hex + "-Ab12Cd"));
  EXPECT_FALSE(fs::exists(tmp + "/blob-old"));
  EXPECT_FALSE(fs::exists(tmp + "/layer-old"));
  EXPECT_TRUE(fs::exists(tmp + "/blob-recent"));
  EXPECT_TRUE(fs::exists(tmp + "/someone-elses"));
}

// An index listing the busybox manifest for linux/amd64 and a missing one for linux/arm64/v8.
TEST_F(ImageStoreTest, IndexesArePlatformSelected) {
  const std::string layout = test::TestImages().layout;
  const std::string manifest = test::LayoutBlob(layout, test::TestImages().busybox_digest);
  const std::string index =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)"
      R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:)" +
      std::string(64, 'a') +
      R"(","size":10,"platform":{"os":"linux","architecture":"arm64",)"
      R"("variant":"v8"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
      test::TestImages().busybox_digest + R"(","size":)" + std::to_string(manifest.size()) +
      R"(,"platform":{"os":"linux","architecture":"amd64"}}]})";
  HttpStandIn server([&](const HttpRequest& request) {
    if (Contains(request.path, "/manifests/multi")) {
      return HttpReply{200, {{"Content-Type", kOciIndexType}}, index};
    }
    return test::ServeLayout(layout, request);
  });
  ImageStore store(state_, Config{});
  Result<Image> image = store.Pull(server.address() + "/busybox:multi");
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(image->index_digest, DigestOf(index));
  EXPECT_EQ(image->manifest_digest, test::TestImages().busybox_digest);
  // Within the tag's ttl, the index and the platform's manifest come from the store.
  const size_t asked = server.requests().size();
  Result<Image> again = ImageStore(state_, Config{}).Pull(server.address() + "/busybox:multi");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(server.requests().size(), asked);
  EXPECT_EQ(again->index_digest, DigestOf(index));
  EXPECT_EQ(again->manifest_digest, test::TestImages().busybox_digest);

  ImageStore s390x(ScratchDir(), Config{}, Platform{"linux", "s390x", ""});
  Result<Image> missing = s390x.Pull(server.address() + "/busybox:multi");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().kind(), ErrorKind::kUsage);
  EXPECT_TRUE(Contains(missing.status().message(),
                       "no linux/s390x variant; it has linux/arm64/v8, linux/amd64"))
      << missing.status().message();
}

TEST_F(ImageStoreTest, ConfigWithAWrongDiffIdIsRefused) {
  const std::string layout = test::TestImages().layout;
  const std::string manifest_body = test::LayoutBlob(layout, test::TestImages().busybox_digest);
  Result<ManifestDocument> manifest = ParseManifest(manifest_body, kOciManifestType);
  ASSERT_TRUE(manifest.ok());
  std::string config = test::LayoutBlob(layout, manifest->config.digest);
  const std::string real_diff_id = ParseImageConfig(config)->diff_ids.at(0);
  const std::string fake_diff_id = "sha256:" + std::string(64, 'f');
  config.replace(config.find(real_diff_id), real_diff_id.size(), fake_diff_id);
  std::string lying = manifest_body;
  lying.replace(lying.find(manifest->config.digest), manifest->config.digest.size(),
                DigestOf(config));
  HttpStandIn server([&](const HttpRequest& request) {
    if (Contains(request.path, "/manifests/lying")) {
      return HttpReply{200, {{"Content-Type", kOciManifestType}}, lying};
    }
    if (Contains(request.path, "/blobs/" + DigestOf(config))) return HttpReply{200, {}, config};
    return test::ServeLayout(layout, request);
  });
  ImageStore store(state_, Config{});
  Result<Image> image = store.Pull(server.address() + "/busybox:lying");
  ASSERT_FALSE(image.ok());
  EXPECT_TRUE(Contains(image.status().message(), "unpacks to " + real_diff_id))
      << image.status().message();
  EXPECT_TRUE(Contains(image.status().message(), fake_diff_id)) << image.status().message();
  EXPECT_EQ(CountEntries(state_ + "/layers"), 0u);
  EXPECT_EQ(CountEntries(state_ + "/tmp"), 0u);
}

}  // namespace
}  // namespace host::images
