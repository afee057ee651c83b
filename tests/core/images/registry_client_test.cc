// The distribution client against a stand-in registry that serves the test images with the
// authentication, redirects and faults a real registry can show.
#include "core/images/registry_client.h"

#include <gtest/gtest.h>

#include "core/images/digest.h"
#include "core/images/image_store.h"
#include "tests/core/images/fixtures.h"

namespace host::images {
namespace {

using test::CountEntries;
using test::HttpReply;
using test::HttpRequest;
using test::HttpStandIn;
using test::ScratchDir;
using test::ServeLayout;

constexpr char kUserPassBase64[] = "dXNlcjpwYXNz";  // "user:pass"

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Config with credentials for the stand-in at address.
Config WithCredentials(const std::string& address, const std::string& password = "pass") {
  Config config;
  config.source = "/etc/host/test-config.json";
  config.auths[address] = RegistryCredentials{"user", password, ""};
  return config;
}

class RegistryClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const test::BuiltImages& images = test::TestImages();
    ASSERT_TRUE(images.error.empty()) << images.error;
    layout_ = images.layout;
    state_ = ScratchDir();
  }

  // A registry that wants "Bearer good-token", handed out by its /token endpoint; with
  // need_password the token is only for user:pass.
  std::unique_ptr<HttpStandIn> TokenRegistry(bool need_password) {
    return std::make_unique<HttpStandIn>([this, need_password](const HttpRequest& request) {
      if (request.path == "/token") {
        if (need_password &&
            request.Header("authorization") != std::string("Basic ") + kUserPassBase64) {
          return HttpReply{401, {}, R"({"details":"bad credentials"})"};
        }
        return HttpReply{200, {}, R"({"token":"good-token","expires_in":300})"};
      }
      if (request.Header("authorization") != "Bearer good-token") {
        return HttpReply{
            401,
            {{"WWW-Authenticate",
              "Bearer realm=\"http://" + *address_ +
                  "/token\",service=\"stand-in\",scope=\"repository:busybox:pull\""}},
            R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})"};
      }
      return ServeLayout(layout_, request);
    });
  }

  Result<Image> PullFrom(const HttpStandIn& server, Config config) {
    *address_ = server.address();
    ImageStore store(state_, std::move(config));
    return store.Pull(server.address() + "/busybox:latest");
  }

  std::string layout_;
  std::string state_;
  std::shared_ptr<std::string> address_ = std::make_shared<std::string>();
};

TEST_F(RegistryClientTest, BearerTokenFlowWithCredentials) {
  auto server = TokenRegistry(true);
  Result<Image> image = PullFrom(*server, WithCredentials(server->address()));
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(image->manifest_digest, test::TestImages().busybox_digest);
  bool asked_for_token = false;
  for (const auto& request : server->requests()) {
    if (request.path != "/token") continue;
    asked_for_token = true;
    EXPECT_EQ(request.Header("authorization"), std::string("Basic ") + kUserPassBase64);
    EXPECT_TRUE(Contains(request.query, "service=stand-in")) << request.query;
    EXPECT_TRUE(Contains(request.query, "scope=repository%3Abusybox%3Apull")) << request.query;
  }
  EXPECT_TRUE(asked_for_token);
  // The token is reused: one token request for the manifest, config and layer.
  EXPECT_EQ(server->CountRequests("/token"), 1u);
}

TEST_F(RegistryClientTest, AnonymousBearerToken) {
  auto server = TokenRegistry(false);
  Result<Image> image = PullFrom(*server, Config{});
  ASSERT_TRUE(image.ok()) << image.status().message();
  for (const auto& request : server->requests()) {
    if (request.path == "/token") {
      EXPECT_EQ(request.Header("authorization"), "");
    }
  }
}

TEST_F(RegistryClientTest, RefusedCredentialsAreAnAuthenticationFailure) {
  auto server = TokenRegistry(true);
  Result<Image> image = PullFrom(*server, WithCredentials(server->address(), "wrong"));
  ASSERT_FALSE(image.ok());
  const std::string& message = image.status().message();
  EXPECT_TRUE(Contains(message, "authentication to registry " + server->address() + " failed"))
      << message;
  EXPECT_TRUE(Contains(message, "HTTP 401")) << message;
  EXPECT_TRUE(Contains(message, "bad credentials")) << message;
  EXPECT_TRUE(Contains(message, "/etc/host/test-config.json")) << message;
  EXPECT_EQ(CountEntries(state_ + "/blobs/sha256"), 0u);
}

TEST_F(RegistryClientTest, NoCredentialsForAPrivateRegistry) {
  auto server = TokenRegistry(true);
  Result<Image> image = PullFrom(*server, Config{});
  ASSERT_FALSE(image.ok());
  EXPECT_TRUE(Contains(image.status().message(), "has no credentials for \"" + server->address()))
      << image.status().message();
}

TEST_F(RegistryClientTest, BasicAuthentication) {
  auto handler = [this](const HttpRequest& request) {
    if (request.Header("authorization") != std::string("Basic ") + kUserPassBase64) {
      return HttpReply{401, {{"WWW-Authenticate", "Basic realm=\"stand-in\""}}, ""};
    }
    return ServeLayout(layout_, request);
  };
  HttpStandIn server(handler);
  Result<Image> image = PullFrom(server, WithCredentials(server.address()));
  ASSERT_TRUE(image.ok()) << image.status().message();

  HttpStandIn locked(handler);
  state_ = ScratchDir();
  Result<Image> refused = PullFrom(locked, Config{});
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(Contains(refused.status().message(), "asks for a username and password"))
      << refused.status().message();
}

TEST_F(RegistryClientTest, BlobRedirectsAreFollowed) {
  HttpStandIn server([this](const HttpRequest& request) {
    if (auto blobs = request.path.find("/blobs/"); blobs != std::string::npos) {
      return HttpReply{
          307,
          {{"Location", "http://" + *address_ + "/storage/" + request.path.substr(blobs + 7)}},
          ""};
    }
    if (request.path.rfind("/storage/", 0) == 0) {
      return HttpReply{200, {}, test::LayoutBlob(layout_, request.path.substr(9))};
    }
    return ServeLayout(layout_, request);
  });
  Result<Image> image = PullFrom(server, Config{});
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(server.CountRequests("/storage/"), 2u);  // config and layer
}

TEST_F(RegistryClientTest, TamperedBlobIsRefusedAndNothingIsStored) {
  std::string layer_digest;
  HttpStandIn server([this, &layer_digest](const HttpRequest& request) {
    HttpReply reply = ServeLayout(layout_, request);
    if (!layer_digest.empty() && Contains(request.path, "/blobs/" + layer_digest)) {
      reply.body[reply.body.size() / 2] ^= 0x01;  // same size, different bytes
    }
    return reply;
  });
  Result<ManifestDocument> manifest =
      ParseManifest(test::LayoutBlob(layout_, test::TestImages().busybox_digest), kOciManifestType);
  ASSERT_TRUE(manifest.ok());
  layer_digest = manifest->layers.at(0).digest;

  Result<Image> image = PullFrom(server, Config{});
  ASSERT_FALSE(image.ok());
  const std::string& message = image.status().message();
  EXPECT_EQ(image.status().kind(), ErrorKind::kFailed);
  EXPECT_TRUE(Contains(message, "expected " + layer_digest)) << message;
  EXPECT_TRUE(Contains(message, ", got sha256:")) << message;
  EXPECT_TRUE(Contains(message, "nothing was stored")) << message;
  ContentStore store(state_);
  EXPECT_FALSE(store.Has(layer_digest));
  EXPECT_EQ(CountEntries(state_ + "/tmp"), 0u);
  EXPECT_EQ(CountEntries(state_ + "/layers"), 0u);
}

TEST_F(RegistryClientTest, OversizedBlobIsRefused) {
  HttpStandIn server([this](const HttpRequest& request) {
    HttpReply reply = ServeLayout(layout_, request);
    if (Contains(request.path, "/blobs/")) reply.body += "trailing junk";
    return reply;
  });
  Result<Image> image = PullFrom(server, Config{});
  ASSERT_FALSE(image.ok());
  EXPECT_TRUE(Contains(image.status().message(), "more than")) << image.status().message();
  EXPECT_EQ(CountEntries(state_ + "/tmp"), 0u);
}

TEST_F(RegistryClientTest, ManifestByDigestIsVerified) {
  HttpStandIn server([this](const HttpRequest& request) {
    HttpReply reply = ServeLayout(layout_, request);
    if (Contains(request.path, "/manifests/")) reply.body += " ";
    return reply;
  });
  RegistryClient client(Config{});
  Result<ImageReference> ref = ParseImageReference(server.address() + "/busybox");
  ASSERT_TRUE(ref.ok());
  Result<FetchedManifest> manifest = client.GetManifest(*ref, test::TestImages().busybox_digest);
  ASSERT_FALSE(manifest.ok());
  EXPECT_TRUE(
      Contains(manifest.status().message(), "expected " + test::TestImages().busybox_digest))
      << manifest.status().message();
}

TEST_F(RegistryClientTest, AcceptHeaderListsOciAndDockerTypes) {
  HttpStandIn server([this](const HttpRequest& request) { return ServeLayout(layout_, request); });
  Result<Image> image = PullFrom(server, Config{});
  ASSERT_TRUE(image.ok()) << image.status().message();
  for (const auto& request : server.requests()) {
    if (!Contains(request.path, "/manifests/")) continue;
    const std::string accept = request.Header("accept");
    for (const char* type :
         {kOciManifestType, kOciIndexType, kDockerManifestType, kDockerManifestListType}) {
      EXPECT_TRUE(Contains(accept, type)) << accept;
    }
  }
}

}  // namespace
}  // namespace host::images
