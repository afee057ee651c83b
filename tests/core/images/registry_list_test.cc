// Listing repositories and tags: against Debian's docker-registry on loopback (pages of a few
// names), and against stand-ins for hostile or catalog-less registries.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/base/random_hex.h"
#include "core/images/digest.h"
#include "core/images/link_header.h"
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

Config InsecureFor(const std::string& address) {
  Config config;
  config.insecure.push_back(address);
  return config;
}

// Tags repository:tag with a tiny manifest in the test registry.
void PushTag(RegistryClient& client, const ImageReference& repo, const std::string& tag) {
  ASSERT_TRUE(client.PushBlob(repo, DigestOf("{}"), "{}").ok());
  const std::string manifest =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
      R"("config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":")" +
      DigestOf("{}") + R"(","size":2},"layers":[]})";
  Result<std::string> put = client.PutManifest(repo, tag, kOciManifestType, manifest);
  ASSERT_TRUE(put.ok()) << put.status().message();
}

TEST(RegistryListTest, RepositoriesAndTagsAreReadAcrossPages) {
  const test::LocalRegistry& registry = test::TestRegistry();
  if (!registry.installed) GTEST_SKIP() << "docker-registry is not installed";
  ASSERT_TRUE(registry.error.empty()) << registry.error;
  RegistryClient client{Config{}};
  ImageReference repo;
  repo.registry = registry.address;
  repo.repository = "listed/r" + RandomHex(6);
  std::vector<std::string> tags;
  for (int i = 0; i < 7; ++i) {
    tags.push_back("1.0." + std::to_string(i));
    PushTag(client, repo, tags.back());
  }
  client.set_page_size(3);  // 7 tags: three pages
  Result<std::vector<std::string>> listed = client.ListTags(repo);
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  std::vector<std::string> sorted = *listed;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, tags);

  client.set_page_size(2);
  Result<std::vector<std::string>> repositories = client.ListRepositories(registry.address);
  ASSERT_TRUE(repositories.ok()) << repositories.status().message();
  EXPECT_GE(repositories->size(), 4u);
  for (const char* name : {"busybox", "library/busybox", "whiteout"}) {
    EXPECT_NE(std::find(repositories->begin(), repositories->end(), name), repositories->end())
        << name;
  }
  EXPECT_NE(std::find(repositories->begin(), repositories->end(), repo.repository),
            repositories->end());
  // No name twice: each page continues where the last one ended.
  std::vector<std::string> unique = *repositories;
  std::sort(unique.begin(), unique.end());
  EXPECT_EQ(std::unique(unique.begin(), unique.end()), unique.end());

  ImageReference missing = repo;
  missing.repository = "listed/never-pushed";
  Result<std::vector<std::string>> none = client.ListTags(missing);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().kind(), ErrorKind::kUsage);
}

TEST(RegistryListTest, ARegistryWithoutACatalogSaysSo) {
  HttpStandIn server([](const HttpRequest&) {
    HttpReply reply;
    reply.status = 404;
    reply.body = "404 page not found\n";
    return reply;
  });
  RegistryClient client{InsecureFor(server.address())};
  Result<std::vector<std::string>> listed = client.ListRepositories(server.address());
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.status().kind(), ErrorKind::kUsage);
  EXPECT_TRUE(Contains(listed.status().message(), "no catalog API")) << listed.status().message();
}

TEST(RegistryListTest, ANextPageOnAnotherHostIsRefused) {
  HttpStandIn server([](const HttpRequest&) {
    HttpReply reply;
    reply.body = R"({"repositories":["a","b"]})";
    reply.headers.push_back({"Link", R"(<http://evil.example/v2/_catalog?last=b>; rel="next")"});
    return reply;
  });
  RegistryClient client{InsecureFor(server.address())};
  Result<std::vector<std::string>> listed = client.ListRepositories(server.address());
  ASSERT_FALSE(listed.ok());
  EXPECT_TRUE(Contains(listed.status().message(), "another host")) << listed.status().message();
  EXPECT_EQ(server.CountRequests("_catalog"), 1u);
}

TEST(RegistryListTest, RelativeAndAbsoluteNextLinksAreFollowedOnTheRegistry) {
  std::unique_ptr<HttpStandIn> server;
  server = std::make_unique<HttpStandIn>([&server](const HttpRequest& request) {
    HttpReply reply;
    if (request.query.find("last=b") != std::string::npos) {
      reply.body = R"({"repositories":["c"]})";
      reply.headers.push_back(
          {"Link", "<http://" + server->address() + "/v2/_catalog?n=2&last=c>; rel=\"next\""});
    } else if (request.query.find("last=c") != std::string::npos) {
      reply.body = R"({"repositories":["d"]})";
    } else {
      reply.body = R"({"repositories":["a","b"]})";
      reply.headers.push_back({"Link", R"(</v2/_catalog?n=2&last=b>; rel="next")"});
    }
    return reply;
  });
  RegistryClient client{InsecureFor(server->address())};
  Result<std::vector<std::string>> listed = client.ListRepositories(server->address());
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  EXPECT_EQ(*listed, (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(RegistryListTest, AnEmptyPageLinkingOnIsRefusedInsteadOfLoopingForever) {
  HttpStandIn server([](const HttpRequest&) {
    HttpReply reply;
    reply.body = R"({"repositories":[]})";
    reply.headers.push_back({"Link", R"(</v2/_catalog?last=x>; rel="next")"});
    return reply;
  });
  RegistryClient client{InsecureFor(server.address())};
  Result<std::vector<std::string>> listed = client.ListRepositories(server.address());
  ASSERT_FALSE(listed.ok());
  EXPECT_TRUE(Contains(listed.status().message(), "empty page")) << listed.status().message();
}

TEST(LinkHeaderTest, TheNextLinkIsFoundAmongOthers) {
  EXPECT_EQ(NextLinkTarget(R"(</a>; rel="prev", </b?x=1,2>; title="a, b"; rel="next")"),
            "/b?x=1,2");
  EXPECT_EQ(NextLinkTarget("</c>; rel=next"), "/c");
  EXPECT_EQ(NextLinkTarget(R"(</d>; rel="prev next")"), "/d");
  EXPECT_EQ(NextLinkTarget(R"(</e>; rel="prev")"), "");
  EXPECT_EQ(NextLinkTarget("garbage"), "");
  EXPECT_EQ(NextLinkTarget(""), "");
}

TEST(LinkHeaderTest, NextPagesStayOnTheSameListOfTheSameRegistry) {
  const std::string catalog = "/v2/_catalog?n=2";
  EXPECT_EQ(*NextPagePath(R"(</v2/_catalog?n=2&last=b>; rel="next")", "r:5000", catalog),
            "/v2/_catalog?n=2&last=b");
  EXPECT_EQ(*NextPagePath(R"(<?last=b>; rel="next")", "r:5000", catalog), "/v2/_catalog?last=b");
  EXPECT_EQ(*NextPagePath(R"(<_catalog?last=b>; rel="next")", "r:5000", catalog),
            "/v2/_catalog?last=b");
  EXPECT_EQ(*NextPagePath(R"(<https://R:5000/v2/_catalog?last=b>; rel="next")", "r:5000", catalog),
            "/v2/_catalog?last=b");
  EXPECT_EQ(*NextPagePath("", "r:5000", catalog), "");
  EXPECT_FALSE(NextPagePath(R"(<//evil/v2/_catalog>; rel="next")", "r:5000", catalog).ok());
  EXPECT_FALSE(NextPagePath(R"(<http://r:5001/v2/_catalog>; rel="next")", "r:5000", catalog).ok());
  EXPECT_FALSE(NextPagePath(R"(</v2/other/tags/list>; rel="next")", "r:5000", catalog).ok());
  EXPECT_FALSE(NextPagePath(R"(</v2/_catalog/../x>; rel="next")", "r:5000", catalog).ok());
  EXPECT_FALSE(NextPagePath("</v2/_catalog?a b>; rel=\"next\"", "r:5000", catalog).ok());
}

}  // namespace
}  // namespace host::images
