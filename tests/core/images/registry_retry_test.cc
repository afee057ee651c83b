// Stands in for registries that are busy (503, 429 with Retry-After) or silent, to check that
// idempotent requests are retried with backoff and that silence is reported after registry_timeout.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>

#include "core/images/image_store.h"
#include "tests/core/images/fixtures.h"

namespace host::images {
namespace {

using test::HttpReply;
using test::HttpRequest;
using test::HttpStandIn;
using test::ScratchDir;
using test::ServeLayout;
using Clock = std::chrono::steady_clock;

// A registry that takes connections (the kernel completes the handshake) and never says a word.
class SilentServer {
 public:
  SilentServer() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    listen(fd_, 16);
    socklen_t length = sizeof address;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~SilentServer() { close(fd_); }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;

  // "127.0.0.1:PORT".
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class RegistryRetryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const test::BuiltImages& images = test::TestImages();
    ASSERT_TRUE(images.error.empty()) << images.error;
    layout_ = images.layout;
    state_ = ScratchDir();
  }

  // A registry answering the first failures requests for the manifest with reply, then serving.
  std::unique_ptr<HttpStandIn> BusyRegistry(int failures, HttpReply reply) {
    auto count = std::make_shared<std::atomic<int>>(0);
    return std::make_unique<HttpStandIn>([=, this](const HttpRequest& request) {
      if (request.path.find("/manifests/") != std::string::npos && (*count)++ < failures) {
        return reply;
      }
      return ServeLayout(layout_, request);
    });
  }

  Result<Image> Pull(const std::string& address, Config config = {}) {
    ImageStore store(state_, std::move(config));
    return store.Pull(address + "/busybox:latest");
  }

  std::string layout_;
  std::string state_;
};

TEST_F(RegistryRetryTest, A503IsRetriedWithBackoffUntilTheRegistryServes) {
  auto server = BusyRegistry(
      2, HttpReply{503, {}, R"({"errors":[{"code":"UNAVAILABLE","message":"busy"}]})"});
  auto started = Clock::now();
  Result<Image> image = Pull(server->address());
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(server->CountRequests("/manifests/latest"), 3u);
  // Backoff 0.5 s then 1 s.
  EXPECT_GE(Clock::now() - started, std::chrono::milliseconds(1400));
}

TEST_F(RegistryRetryTest, A429WaitsForRetryAfter) {
  auto server = BusyRegistry(1, HttpReply{429, {{"Retry-After", "1"}}, "slow down"});
  auto started = Clock::now();
  Result<Image> image = Pull(server->address());
  ASSERT_TRUE(image.ok()) << image.status().message();
  auto waited = Clock::now() - started;
  EXPECT_GE(waited, std::chrono::milliseconds(950));
  EXPECT_LT(waited, std::chrono::seconds(3));
  EXPECT_EQ(server->CountRequests("/manifests/latest"), 2u);
}

TEST_F(RegistryRetryTest, ABusyTokenServerIsRetriedToo) {
  auto busy = std::make_shared<std::atomic<int>>(0);
  auto address = std::make_shared<std::string>();
  HttpStandIn server([=, this](const HttpRequest& request) {
    if (request.path == "/token") {
      if ((*busy)++ == 0) return HttpReply{503, {{"Retry-After", "0"}}, "busy"};
      return HttpReply{200, {}, R"({"token":"good-token"})"};
    }
    if (request.Header("authorization") != "Bearer good-token") {
      return HttpReply{401,
                       {{"WWW-Authenticate", "Bearer realm=\"http://" + *address + "/token\""}},
                       R"({"errors":[{"code":"UNAUTHORIZED"}]})"};
    }
    return ServeLayout(layout_, request);
  });
  *address = server.address();
  Result<Image> image = Pull(server.address());
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(server.CountRequests("/token"), 2u);
}

TEST_F(RegistryRetryTest, ARegistryFailingEveryTryIsReportedAfterFourTries) {
  for (int status : {500, 502}) {
    auto server = BusyRegistry(100, HttpReply{status, {{"Retry-After", "0"}}, "broken"});
    Result<Image> image = Pull(server->address());
    ASSERT_FALSE(image.ok());
    EXPECT_TRUE(Contains(image.status().message(),
                         "HTTP " + std::to_string(status) + " (the last of 4 tries)"))
        << image.status().message();
    EXPECT_EQ(server->CountRequests("/manifests/latest"), 4u);
  }
}

TEST_F(RegistryRetryTest, ANotFoundIsNotRetried) {
  auto server =
      BusyRegistry(100, HttpReply{404, {}, R"({"errors":[{"code":"MANIFEST_UNKNOWN"}]})"});
  Result<Image> image = Pull(server->address());
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(server->CountRequests("/manifests/latest"), 1u);
}

TEST_F(RegistryRetryTest, ASilentRegistryIsReportedAfterTheConfiguredTimeout) {
  SilentServer silent;
  // The registry answered over http before, so only http is tried.
  const std::string memory = state_ + "/registries";
  std::filesystem::create_directories(memory);
  test::WriteFile(memory + "/127.0.0.1_" + silent.address().substr(10), "http\n");
  Config config;
  config.source = "/etc/host/config.json";
  config.registry_timeout = std::chrono::seconds(2);
  auto started = Clock::now();
  Result<Image> image = Pull(silent.address(), config);
  auto waited = Clock::now() - started;
  ASSERT_FALSE(image.ok());
  EXPECT_TRUE(Contains(image.status().message(), "did not answer within 2 s"))
      << image.status().message();
  EXPECT_TRUE(Contains(image.status().message(), "registry_timeout")) << image.status().message();
  EXPECT_GE(waited, std::chrono::milliseconds(1900));
  EXPECT_LT(waited, std::chrono::milliseconds(3500));
}

TEST_F(RegistryRetryTest, AnUnknownSilentRegistryIsTriedOverHttpsThenHttp) {
  SilentServer silent;
  Config config;
  config.registry_timeout = std::chrono::seconds(1);
  auto started = Clock::now();
  Result<Image> image = Pull(silent.address(), config);
  auto waited = Clock::now() - started;
  ASSERT_FALSE(image.ok());
  EXPECT_TRUE(Contains(image.status().message(), "did not answer within 1 s over https and http"))
      << image.status().message();
  EXPECT_LT(waited, std::chrono::milliseconds(3500));
}

}  // namespace
}  // namespace host::images
