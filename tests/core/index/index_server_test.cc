#include "core/index/index_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <gtest/gtest.h>

namespace host::index {
namespace {

namespace fs = std::filesystem;

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// One HTTP/1.1 request over a fresh connection to port on 127.0.0.1, read to the end.
Reply Http(int port, const std::string& method, const std::string& target,
           const std::string& extra_headers = "") {
  Reply reply;
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return reply;
  }
  const std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                              extra_headers + "Content-Length: 0\r\nConnection: close\r\n\r\n";
  EXPECT_EQ(write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  std::string all;
  char buffer[65536];
  for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) all.append(buffer, n);
  close(fd);
  const size_t head_end = all.find("\r\n\r\n");
  if (head_end == std::string::npos) return reply;
  const std::string head = all.substr(0, head_end);
  reply.body = all.substr(head_end + 4);
  reply.status = std::stoi(head.substr(head.find(' ') + 1, 3));
  size_t line = head.find("\r\n");
  while (line != std::string::npos) {
    const size_t next = head.find("\r\n", line + 2);
    const std::string text =
        head.substr(line + 2, next == std::string::npos ? std::string::npos : next - line - 2);
    if (const size_t colon = text.find(':'); colon != std::string::npos) {
      std::string name = text.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      reply.headers[name] = text.substr(text.find_first_not_of(' ', colon + 1));
    }
    line = next;
  }
  return reply;
}

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

int PortOf(const std::string& url) { return std::stoi(url.substr(url.rfind(':') + 1)); }

class IndexServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("host-index-server-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    site_ = dir_ / "site";
    Write(site_ / "index.html", "<!doctype html><title>home</title>");
    Write(site_ / "modules" / "pulumi" / "index.html", "pulumi page");
    Write(site_ / "assets" / "site.css", "body{}");
    Write(site_ / "search.json", "{\"plain\":true}");
    Write(site_ / "search.json.gz", "GZIPPED-BYTES");
    Write(site_ / ".host-index-site", "marker");
    Write(dir_ / "secret.txt", "outside the site");
    fs::create_symlink(dir_ / "secret.txt", site_ / "link.html");
    fs::create_directory_symlink(dir_, site_ / "up");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<IndexServer> Start(std::function<Status()> rebuild = {},
                                     std::chrono::seconds interval = std::chrono::seconds(0)) {
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.site_dir = site_;
    options.rebuild = std::move(rebuild);
    options.interval = interval;
    options.min_gap = std::chrono::seconds(0);
    Result<std::unique_ptr<IndexServer>> server = IndexServer::Start(std::move(options));
    EXPECT_TRUE(server.ok()) << server.status().message();
    return server.ok() ? std::move(*server) : nullptr;
  }

  fs::path dir_;
  fs::path site_;
};

TEST_F(IndexServerTest, ServesTheSiteWithItsHeaders) {
  auto server = Start();
  ASSERT_NE(server, nullptr);
  const int port = PortOf(server->url());
  Reply home = Http(port, "GET", "/");
  EXPECT_EQ(home.status, 200);
  EXPECT_EQ(home.body, "<!doctype html><title>home</title>");
  EXPECT_EQ(home.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_NE(home.headers["content-security-policy"].find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(home.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(Http(port, "GET", "/modules/pulumi/").body, "pulumi page");
  EXPECT_EQ(Http(port, "GET", "/assets/site.css").headers["content-type"],
            "text/css; charset=utf-8");
  EXPECT_EQ(Http(port, "GET", "/modules/p%75lumi/index.html").body, "pulumi page");
  // A folder without its '/' is redirected, so that the page's relative links work.
  Reply folder = Http(port, "GET", "/modules/pulumi");
  EXPECT_EQ(folder.status, 301);
  EXPECT_EQ(folder.headers["location"], "/modules/pulumi/");
  // The location is the site's own path: "//modules" must not become a link to host "modules".
  for (const char* other_host : {"//modules", "/%2Fmodules", "//modules/pulumi"}) {
    Reply redirect = Http(port, "GET", other_host);
    EXPECT_EQ(redirect.status, 301) << other_host;
    const std::string location = redirect.headers["location"];
    EXPECT_EQ(location.substr(0, 1), "/") << other_host;
    EXPECT_NE(location.substr(0, 2), "//") << other_host << " redirects to " << location;
  }
  Reply head = Http(port, "HEAD", "/modules/pulumi/");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.headers["content-length"], "11");
}

TEST_F(IndexServerTest, SendsTheGzipSiblingOnlyToClientsThatTakeIt) {
  auto server = Start();
  ASSERT_NE(server, nullptr);
  const int port = PortOf(server->url());
  Reply plain = Http(port, "GET", "/search.json");
  EXPECT_EQ(plain.body, "{\"plain\":true}");
  EXPECT_EQ(plain.headers.count("content-encoding"), 0u);
  Reply packed = Http(port, "GET", "/search.json", "Accept-Encoding: gzip, deflate\r\n");
  EXPECT_EQ(packed.body, "GZIPPED-BYTES");
  EXPECT_EQ(packed.headers["content-encoding"], "gzip");
  EXPECT_EQ(packed.headers["content-type"], "application/json");
  EXPECT_EQ(packed.headers["vary"], "Accept-Encoding");
}

TEST_F(IndexServerTest, NothingOutsideTheSiteAndNoOtherMethods) {
  auto server = Start();
  ASSERT_NE(server, nullptr);
  const int port = PortOf(server->url());
  for (const char* path :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/modules/../../secret.txt", "/link.html",
        "/up/secret.txt", "/.host-index-site", "/missing", "/modules/%00x"}) {
    Reply reply = Http(port, "GET", path);
    EXPECT_TRUE(reply.status == 404 || reply.status == 400) << path << ": " << reply.status;
    EXPECT_EQ(reply.body.find("outside the site"), std::string::npos) << path;
    EXPECT_EQ(reply.body.find("marker"), std::string::npos) << path;
  }
  EXPECT_EQ(Http(port, "PUT", "/index.html").status, 405);
  EXPECT_EQ(Http(port, "DELETE", "/index.html").status, 405);
  EXPECT_EQ(Http(port, "GET", "/-/rebuild").status, 405);
  // A server without registries has nothing to rebuild from.
  EXPECT_EQ(Http(port, "POST", "/-/rebuild").status, 409);
  // A page of another site may not make a browser rebuild it; the site's own pages may.
  EXPECT_EQ(Http(port, "POST", "/-/rebuild", "Origin: http://evil.example\r\n").status, 403);
  EXPECT_EQ(Http(port, "POST", "/-/rebuild", "Origin: null\r\n").status, 403);
  EXPECT_EQ(Http(port, "POST", "/-/rebuild", "Origin: http://127.0.0.1\r\n").status, 409);
  EXPECT_EQ(Http(port, "GET", "/index.html").status, 200);  // still serving
}

TEST_F(IndexServerTest, RebuildsOnRequestAndKeepsServingWhenABuildFails) {
  std::atomic<int> calls{0};
  auto server = Start([&]() -> Status {
    const int call = ++calls;
    if (call == 2) return Status::Failed("the registry is down");
    Write(site_ / "index.html", "build " + std::to_string(call));
    return {};
  });
  ASSERT_NE(server, nullptr);
  const int port = PortOf(server->url());
  EXPECT_EQ(Http(port, "GET", "/").body, "<!doctype html><title>home</title>");  // none yet
  for (int wanted = 1; wanted <= 3; ++wanted) {
    EXPECT_EQ(Http(port, "POST", "/-/rebuild").status, 202);
    for (int i = 0; i < 500 && server->builds() < wanted; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(server->builds(), wanted);
  }
  // The failed build (2) left build 1's page, and build 3 replaced it.
  EXPECT_EQ(Http(port, "GET", "/").body, "build 3");
  Reply status = Http(port, "GET", "/-/status");
  EXPECT_EQ(status.status, 200);
  EXPECT_NE(status.body.find("\"builds\":3"), std::string::npos) << status.body;
  EXPECT_NE(status.body.find("\"failures\":1"), std::string::npos) << status.body;
}

TEST_F(IndexServerTest, RequestsCannotMakeItCrawlWithoutPause) {
  // Anyone who reaches the server may POST /-/rebuild: by default a second requested build waits
  // well beyond a few seconds after the first, however often it is asked for.
  std::atomic<int> calls{0};
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.site_dir = site_;
  options.rebuild = [&]() -> Status {
    ++calls;
    return {};
  };
  Result<std::unique_ptr<IndexServer>> server = IndexServer::Start(std::move(options));
  ASSERT_TRUE(server.ok()) << server.status().message();
  const int port = PortOf((*server)->url());
  EXPECT_EQ(Http(port, "POST", "/-/rebuild").status, 202);
  for (int i = 0; i < 500 && calls < 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(calls.load(), 1);
  for (int i = 0; i < 35; ++i) {
    EXPECT_EQ(Http(port, "POST", "/-/rebuild").status, 202);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(calls.load(), 1);
  EXPECT_NE(Http(port, "GET", "/-/status").body.find("\"queued\":true"), std::string::npos);
}

TEST_F(IndexServerTest, RebuildsOnItsSchedule) {
  std::atomic<int> calls{0};
  auto server = Start(
      [&]() -> Status {
        ++calls;
        return {};
      },
      std::chrono::seconds(1));
  ASSERT_NE(server, nullptr);
  for (int i = 0; i < 400 && calls < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(calls.load(), 2);
}

TEST_F(IndexServerTest, AnAddressInUseIsAClearError) {
  auto first = Start();
  ASSERT_NE(first, nullptr);
  ServerOptions options;
  options.listen = "127.0.0.1:" + std::to_string(PortOf(first->url()));
  options.site_dir = site_;
  Result<std::unique_ptr<IndexServer>> second = IndexServer::Start(std::move(options));
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("cannot listen on 127.0.0.1:"), std::string::npos);
}

}  // namespace
}  // namespace host::index
