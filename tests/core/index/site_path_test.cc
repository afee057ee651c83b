#include "core/index/site_path.h"

#include <gtest/gtest.h>

#include "core/index/index_server.h"

namespace host::index {
namespace {

TEST(SitePathTest, FoldersNameTheirIndexPage) {
  EXPECT_EQ(*SiteRelativePath("/"), "index.html");
  EXPECT_EQ(*SiteRelativePath("//"), "index.html");
  EXPECT_EQ(*SiteRelativePath("/modules/pulumi/"), "modules/pulumi/index.html");
  EXPECT_EQ(*SiteRelativePath("/modules//pulumi/1.2.0/"), "modules/pulumi/1.2.0/index.html");
  EXPECT_EQ(*SiteRelativePath("/assets/site.css"), "assets/site.css");
  EXPECT_EQ(*SiteRelativePath("/modules/pulumi"), "modules/pulumi");
}

TEST(SitePathTest, NothingOutsideTheSiteNorItsHiddenFiles) {
  for (const char* bad : {"", "relative", "/..", "/../etc/passwd", "/a/../../b", "/a/..",
                          "/.host-index-site", "/a/.git/config", "/a\\..\\b", "/a\tb", "/a\x7f"}) {
    Result<std::string> path = SiteRelativePath(bad);
    EXPECT_FALSE(path.ok()) << bad << " gave " << (path.ok() ? *path : "");
  }
  EXPECT_FALSE(SiteRelativePath("/" + std::string(1100, 'a')).ok());
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "/a";
  EXPECT_FALSE(SiteRelativePath(deep).ok());
}

TEST(SitePathTest, ContentTypes) {
  EXPECT_EQ(ContentTypeOf("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeOf("assets/search.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeOf("search.json"), "application/json");
  EXPECT_EQ(ContentTypeOf("x.exe"), "application/octet-stream");
}

TEST(ListenAddressTest, FormsAndErrors) {
  EXPECT_EQ(ParseListenAddress("127.0.0.1:8080")->second, 8080);
  EXPECT_EQ(ParseListenAddress("localhost:0")->first, "127.0.0.1");
  EXPECT_EQ(ParseListenAddress("[::1]:9000")->first, "::1");
  for (const char* bad : {"8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:70000", "host:80", "::1:80",
                          "127.0.0.1:-1", "127.0.0.1:1234567"}) {
    Result<std::pair<std::string, int>> parsed = ParseListenAddress(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.status().message().find("HOST:PORT"), std::string::npos);
  }
}

}  // namespace
}  // namespace host::index
