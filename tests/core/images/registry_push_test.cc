// Pushing blobs and manifests with the distribution client: against Debian's docker-registry on
// loopback, and against a stand-in token server for the push scope.
#include <gtest/gtest.h>

#include "core/base/random_hex.h"
#include "core/images/digest.h"
#include "core/images/registry_client.h"
#include "tests/core/images/fixtures.h"

namespace host::images {
namespace {

using test::HttpReply;
using test::HttpRequest;
using test::HttpStandIn;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class RegistryPushTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const test::LocalRegistry& registry = test::TestRegistry();
    if (!registry.installed) GTEST_SKIP() << "docker-registry is not installed";
    ASSERT_TRUE(registry.error.empty()) << registry.error;
    ref_.registry = registry.address;
    ref_.repository = "pushed/artifact";
  }

  ImageReference ref_;
};

TEST_F(RegistryPushTest, PushedBlobsAndManifestsComeBackByDigestAndTag) {
  RegistryClient client{Config{}};
  const std::string config_bytes = "{}";
  const std::string layer = "a layer made of these bytes " + RandomHex(16);
  const std::string config_digest = DigestOf(config_bytes);
  const std::string layer_digest = DigestOf(layer);

  Result<bool> before = client.HasBlob(ref_, layer_digest);
  ASSERT_TRUE(before.ok()) << before.status().message();
  EXPECT_FALSE(*before);
  ASSERT_TRUE(client.PushBlob(ref_, config_digest, config_bytes).ok());
  Status pushed = client.PushBlob(ref_, layer_digest, layer);
  ASSERT_TRUE(pushed.ok()) << pushed.message();
  Result<bool> after = client.HasBlob(ref_, layer_digest);
  ASSERT_TRUE(after.ok()) << after.status().message();
  EXPECT_TRUE(*after);
  // A second push of a blob the registry has is a no-op.
  EXPECT_TRUE(client.PushBlob(ref_, layer_digest, layer).ok());

  const std::string manifest =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
      R"("config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":")" +
      config_digest +
      R"(","size":2},"layers":[{"mediaType":"application/octet-stream","digest":")" + layer_digest +
      R"(","size":)" + std::to_string(layer.size()) + "}]}";
  Result<std::string> digest = client.PutManifest(ref_, "v1", kOciManifestType, manifest);
  ASSERT_TRUE(digest.ok()) << digest.status().message();
  EXPECT_EQ(*digest, DigestOf(manifest));

  Result<FetchedManifest> by_tag = client.GetManifest(ref_, "v1");
  ASSERT_TRUE(by_tag.ok()) << by_tag.status().message();
  EXPECT_EQ(by_tag->body, manifest);
  EXPECT_EQ(by_tag->digest, *digest);
  EXPECT_EQ(by_tag->media_type, kOciManifestType);
}

TEST_F(RegistryPushTest, BytesThatDoNotMatchTheirDigestAreNotSent) {
  RegistryClient client{Config{}};
  Status pushed = client.PushBlob(ref_, DigestOf("other bytes"), "these bytes");
  ASSERT_FALSE(pushed.ok());
  EXPECT_TRUE(Contains(pushed.message(), DigestOf("other bytes"))) << pushed.message();
  Result<bool> has = client.HasBlob(ref_, DigestOf("other bytes"));
  ASSERT_TRUE(has.ok());
  EXPECT_FALSE(*has);
}

TEST_F(RegistryPushTest, AManifestNamingMissingBlobsIsRefusedWithTheRegistrysReason) {
  RegistryClient client{Config{}};
  const std::string missing = DigestOf("never pushed " + RandomHex(16));
  const std::string manifest =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
      R"("config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":")" +
      missing + R"(","size":2},"layers":[]})";
  Result<std::string> digest = client.PutManifest(ref_, "broken", kOciManifestType, manifest);
  ASSERT_FALSE(digest.ok());
  EXPECT_TRUE(Contains(digest.status().message(), ref_.registry)) << digest.status().message();
  EXPECT_TRUE(Contains(digest.status().message(), "BLOB_UNKNOWN")) << digest.status().message();
}

// A registry behind a token server: pushes ask for a token with the push scope.
TEST(RegistryPushAuthTest, PushesAskTheTokenServerForThePushScope) {
  std::unique_ptr<HttpStandIn> server;
  server = std::make_unique<HttpStandIn>([&server](const HttpRequest& request) {
    HttpReply reply;
    if (request.path == "/token") {
      reply.body = R"({"token":"t0ken"})";
      return reply;
    }
    if (request.Header("authorization") != "Bearer t0ken") {
      reply.status = 401;
      reply.headers.push_back({"WWW-Authenticate", "Bearer realm=\"http://" + server->address() +
                                                       "/token\",service=\"stand-in\""});
      return reply;
    }
    reply.status = 404;
    return reply;
  });
  ImageReference ref;
  ref.registry = server->address();
  ref.repository = "acme/mod";
  RegistryClient client{Config{}};
  Result<bool> has = client.HasBlob(ref, DigestOf("x"));
  ASSERT_TRUE(has.ok()) << has.status().message();
  EXPECT_FALSE(*has);
  bool asked_push = false;
  for (const HttpRequest& request : server->requests()) {
    if (request.path == "/token") {
      asked_push = Contains(request.query, "scope=repository%3Aacme%2Fmod%3Apull%2Cpush");
    }
  }
  EXPECT_TRUE(asked_push);
}

// An upload URL on another host (a storage service) is sent the bytes but not the token.
TEST(RegistryPushAuthTest, AnUploadElsewhereGetsNoCredentials) {
  HttpStandIn storage([](const HttpRequest&) {
    HttpReply reply;
    reply.status = 201;
    return reply;
  });
  std::unique_ptr<HttpStandIn> server;
  server = std::make_unique<HttpStandIn>([&](const HttpRequest& request) {
    HttpReply reply;
    if (request.path == "/token") {
      reply.body = R"({"token":"t0ken"})";
      return reply;
    }
    if (request.Header("authorization") != "Bearer t0ken") {
      reply.status = 401;
      reply.headers.push_back({"WWW-Authenticate", "Bearer realm=\"http://" + server->address() +
                                                       "/token\",service=\"stand-in\""});
      return reply;
    }
    if (request.method == "HEAD") {
      reply.status = 404;
    } else if (request.method == "POST") {
      reply.status = 202;
      reply.headers.push_back({"Location", "http://" + storage.address() + "/upload/1"});
    }
    return reply;
  });
  ImageReference ref;
  ref.registry = server->address();
  ref.repository = "acme/mod";
  RegistryClient client{Config{}};
  Status pushed = client.PushBlob(ref, DigestOf("bytes"), "bytes");
  ASSERT_TRUE(pushed.ok()) << pushed.message();
  const std::vector<HttpRequest> uploads = storage.requests();
  ASSERT_EQ(uploads.size(), 1u);
  EXPECT_EQ(uploads[0].method, "PUT");
  EXPECT_TRUE(Contains(uploads[0].query, "digest=" + DigestOf("bytes"))) << uploads[0].query;
  EXPECT_EQ(uploads[0].Header("authorization"), "");
}

}  // namespace
}  // namespace host::images
