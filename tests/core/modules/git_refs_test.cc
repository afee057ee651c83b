#include "core/modules/git_refs.h"
#include "core/modules/git_command.h"

#include <string>

#include <gtest/gtest.h>

namespace host::modules {
namespace {

const std::string A(40, 'a'), B(40, 'b'), C(40, 'c'), D(40, 'd'), E(40, 'e'), F(40, 'f');

RemoteRefs Refs() {
  Result<RemoteRefs> refs = ParseLsRemote(
      "ref: refs/heads/main\tHEAD\n" + A + "\tHEAD\n" + A + "\trefs/heads/main\n" + B +
      "\trefs/heads/dev\n" + C + "\trefs/tags/mod/v1.0.0\n" + D + "\trefs/tags/mod/v1.0.0^{}\n" +
      E + "\trefs/tags/mod/v1.10.0\n" + F + "\trefs/tags/mod/v1.9.0\n" + B +
      "\trefs/tags/mod/v1.11.0-rc.1\n" + C + "\trefs/tags/v1.0.0\n" + F + "\trefs/tags/v3.0.0\n");
  EXPECT_TRUE(refs.ok()) << refs.status().message();
  return refs.ok() ? *refs : RemoteRefs{};
}

Resolution Resolve(const std::string& subpath, const std::string& version) {
  Result<std::optional<Resolution>> resolved = ResolveVersion(Refs(), "host/o/r", subpath, version);
  EXPECT_TRUE(resolved.ok()) << resolved.status().message();
  EXPECT_TRUE(resolved.ok() && resolved->has_value());
  return resolved.ok() && resolved->has_value() ? **resolved : Resolution{};
}

TEST(GitRefsTest, ParsesHeadBranchesAndPeeledTags) {
  RemoteRefs refs = Refs();
  EXPECT_EQ(refs.head_branch, "main");
  EXPECT_EQ(refs.head_commit, A);
  EXPECT_EQ(refs.branches.at("dev"), B);
  EXPECT_EQ(refs.tags.at("mod/v1.0.0"), D);  // the annotated tag's commit
  EXPECT_FALSE(ParseLsRemote("zz\trefs/heads/x\n").ok());
  // Names git never makes are left out: they would reach messages and the state folder.
  Result<RemoteRefs> odd =
      ParseLsRemote(A + "\trefs/tags/v1\r\n" + A + "\trefs/heads/a b\n" + A + "\trefs/tags/ok\n");
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(odd->tags.size(), 1u);
  EXPECT_TRUE(odd->branches.empty());
  EXPECT_FALSE(ParseLsRemote("no tab here\n").ok());
}

TEST(GitRefsTest, ConstraintComparesNumbersAndSkipsPrereleases) {
  Resolution r = Resolve("mod", "v1");
  EXPECT_EQ(r.resolved, "mod/v1.10.0");  // 10 > 9 as numbers
  EXPECT_EQ(r.kind, ResolutionKind::kMoving);
  EXPECT_EQ(Resolve("mod", "v1.9").resolved, "mod/v1.9.0");
  EXPECT_EQ(Resolve("mod", "1.0").resolved, "mod/v1.0.0");
  // No folder tags for "other": the top-level ones.
  EXPECT_EQ(Resolve("other", "v3").resolved, "v3.0.0");
  // The folder has tags: top-level ones are not considered.
  EXPECT_FALSE(ResolveVersion(Refs(), "host/o/r", "mod", "v3").ok());
}

TEST(GitRefsTest, ExactTagsBranchesCommitsAndDefault) {
  Resolution tag = Resolve("mod", "v1.0.0");
  EXPECT_EQ(tag.resolved, "mod/v1.0.0");
  EXPECT_EQ(tag.commit, D);
  EXPECT_EQ(tag.fetch_ref, "refs/tags/mod/v1.0.0");
  EXPECT_EQ(tag.kind, ResolutionKind::kTag);
  EXPECT_EQ(Resolve("", "v1.0.0").resolved, "v1.0.0");
  EXPECT_EQ(Resolve("mod", "1.0.0").resolved, "mod/v1.0.0");
  Resolution dev = Resolve("mod", "dev");
  EXPECT_EQ(dev.fetch_ref, "refs/heads/dev");
  EXPECT_EQ(dev.kind, ResolutionKind::kMoving);
  Resolution head = Resolve("mod", "");
  EXPECT_EQ(head.resolved, "main");
  EXPECT_EQ(head.commit, A);
  EXPECT_EQ(Resolve("mod", std::string(40, '1')).kind, ResolutionKind::kCommit);
  Resolution short_commit = Resolve("mod", "eeeeeee");
  EXPECT_EQ(short_commit.commit, E);
  // A short commit no ref names: looked up in the history by the caller.
  Result<std::optional<Resolution>> unknown = ResolveVersion(Refs(), "host/o/r", "mod", "1234567");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
}

TEST(GitRefsTest, NotFoundListsTheNearestTagsOfTheFolderFirst) {
  Result<std::optional<Resolution>> missing = ResolveVersion(Refs(), "host/o/r", "mod", "v1.0.1");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(
                "host/o/r has no tag 'v1.0.1' for the module in mod/; the nearest tags: "
                "mod/v1.0.0, "),
            std::string::npos)
      << missing.status().message();
}

TEST(GitRefsTest, SemVer) {
  EXPECT_TRUE(ParseSemVer("v1.2.3"));
  EXPECT_TRUE(ParseSemVer("1.2.3-rc.1+build.5"));
  EXPECT_FALSE(ParseSemVer("v1.2"));
  EXPECT_FALSE(ParseSemVer("v01.2.3"));
  EXPECT_FALSE(ParseSemVer("v1.2.3-"));
  EXPECT_FALSE(ParseSemVer("v1.2.99999999999999999999"));
}

// A token goes only to an https host, or plain http on loopback; never ssh, file or plain http
// elsewhere, where it would cross the network in clear.
TEST(GitRefsTest, TokensGoOnlyToHttpsOrLoopback) {
  EXPECT_EQ(TokenHost("https://github.com/acme/modules"), "github.com");
  EXPECT_EQ(TokenHost("https://user@git.example.com:8443/a/b.git"), "git.example.com:8443");
  EXPECT_EQ(TokenHost("http://127.0.0.1:8080/git/acme"), "127.0.0.1:8080");
  EXPECT_EQ(TokenHost("http://localhost/x"), "localhost");
  EXPECT_EQ(TokenHost("http://[::1]:99/x"), "[::1]:99");
  EXPECT_EQ(TokenHost("http://evil.example.com/acme"), "");
  EXPECT_EQ(TokenHost("http://127.0.0.1.evil.com/acme"), "");
  EXPECT_EQ(TokenHost("ssh://git@github.com/acme/m"), "");
  EXPECT_EQ(TokenHost("file:///srv/git"), "");
  EXPECT_EQ(TokenHost("https:///nohost"), "");
}

}  // namespace
}  // namespace host::modules
