#include "core/modules/module_ref.h"

#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace host::modules {
namespace {

ModuleRef Parse(const std::string& text, const std::map<std::string, std::string>& rewrites = {}) {
  Result<ModuleRef> ref = ParseModuleRef(text, rewrites);
  EXPECT_TRUE(ref.ok()) << text << ": " << ref.status().message();
  return ref.ok() ? *ref : ModuleRef{};
}

std::string Error(const std::string& text,
                  const std::map<std::string, std::string>& rewrites = {}) {
  Result<ModuleRef> ref = ParseModuleRef(text, rewrites);
  EXPECT_FALSE(ref.ok()) << text << " was accepted";
  if (ref.ok()) return "";
  EXPECT_EQ(ref.status().kind(), ErrorKind::kUsage);
  EXPECT_NE(ref.status().message().find("accepted forms:"), std::string::npos)
      << ref.status().message();
  return ref.status().message();
}

TEST(ModuleRefTest, GithubRepositoryIsTwoSegmentsAndTheRestIsTheSubfolder) {
  ModuleRef ref = Parse("github.com/acme/modules/pulumi@v1.2.0");
  EXPECT_EQ(ref.kind, RefKind::kGit);
  EXPECT_EQ(ref.text, "github.com/acme/modules/pulumi@v1.2.0");
  EXPECT_EQ(ref.git.repo, "github.com/acme/modules");
  EXPECT_EQ(ref.git.url, "https://github.com/acme/modules");
  EXPECT_TRUE(ref.git.try_git_suffix);
  EXPECT_EQ(ref.git.subpath, "pulumi");
  EXPECT_EQ(ref.git.version, "v1.2.0");
  EXPECT_EQ(ref.Unversioned(), "github.com/acme/modules/pulumi");
}

TEST(ModuleRefTest, NoVersionAndNoSubfolder) {
  ModuleRef ref = Parse("github.com/acme/probe");
  EXPECT_EQ(ref.git.repo, "github.com/acme/probe");
  EXPECT_EQ(ref.git.subpath, "");
  EXPECT_EQ(ref.git.version, "");
  EXPECT_EQ(ref.Unversioned(), "github.com/acme/probe");
}

TEST(ModuleRefTest, DeepSubfolderAndBranchWithSlash) {
  ModuleRef ref = Parse("bitbucket.org/acme/mods/a/b/c@feature/x-1");
  EXPECT_EQ(ref.git.repo, "bitbucket.org/acme/mods");
  EXPECT_EQ(ref.git.subpath, "a/b/c");
  EXPECT_EQ(ref.git.version, "feature/x-1");
}

TEST(ModuleRefTest, SchemesAreKept) {
  EXPECT_EQ(Parse("https://github.com/acme/m").git.url, "https://github.com/acme/m");
  ModuleRef http = Parse("http://127.0.0.1:8080/acme/m/sub@main");
  EXPECT_EQ(http.git.url, "http://127.0.0.1:8080/acme/m");
  EXPECT_EQ(http.git.repo, "127.0.0.1:8080/acme/m");
  EXPECT_EQ(http.git.subpath, "sub");
  EXPECT_EQ(http.git.version, "main");
}

TEST(ModuleRefTest, GitlabSubgroupEndsAtDotGit) {
  ModuleRef ref = Parse("gitlab.com/g/sub/repo.git/mod@v1");
  EXPECT_EQ(ref.git.repo, "gitlab.com/g/sub/repo");
  EXPECT_EQ(ref.git.url, "https://gitlab.com/g/sub/repo.git");
  EXPECT_FALSE(ref.git.try_git_suffix);
  EXPECT_EQ(ref.git.subpath, "mod");
  EXPECT_EQ(ref.Unversioned(), "gitlab.com/g/sub/repo/mod");
}

TEST(ModuleRefTest, OtherHostsEndAtDotGitElseTwoSegments) {
  ModuleRef dotted = Parse("git.example.org/a/b/c.git/d/e");
  EXPECT_EQ(dotted.git.repo, "git.example.org/a/b/c");
  EXPECT_EQ(dotted.git.subpath, "d/e");
  ModuleRef plain = Parse("git.example.org/a/b/c/d");
  EXPECT_EQ(plain.git.repo, "git.example.org/a/b");
  EXPECT_EQ(plain.git.subpath, "c/d");
  ModuleRef single = Parse("https://git.example.org/repo.git/mod");
  EXPECT_EQ(single.git.repo, "git.example.org/repo");
  EXPECT_EQ(single.git.subpath, "mod");
}

TEST(ModuleRefTest, SshWithPortKeepsThePort) {
  ModuleRef ref = Parse("ssh://git@host.example:2222/acme/modules.git/probe@v1.0.0");
  EXPECT_EQ(ref.git.url, "ssh://git@host.example:2222/acme/modules.git");
  EXPECT_EQ(ref.git.repo, "host.example:2222/acme/modules");
  EXPECT_EQ(ref.git.subpath, "probe");
  EXPECT_EQ(ref.git.version, "v1.0.0");
  EXPECT_FALSE(ref.git.try_git_suffix);
}

TEST(ModuleRefTest, ScpLikeAndSlashGitAt) {
  ModuleRef scp = Parse("git@github.com:acme/modules/probe@v1");
  EXPECT_EQ(scp.git.url, "ssh://git@github.com/acme/modules");
  EXPECT_EQ(scp.git.repo, "github.com/acme/modules");
  EXPECT_EQ(scp.git.subpath, "probe");
  EXPECT_EQ(scp.git.version, "v1");
  ModuleRef slash = Parse("git@github.com/acme/modules.git");
  EXPECT_EQ(slash.git.url, "ssh://git@github.com/acme/modules.git");
  EXPECT_EQ(slash.git.repo, "github.com/acme/modules");
  EXPECT_EQ(slash.git.subpath, "");
}

TEST(ModuleRefTest, RewriteWithLongestPrefixOnSegmentBoundaries) {
  const std::map<std::string, std::string> rewrites = {
      {"github.com", "https://mirror.example/gh"},
      {"github.com/acme", "http://127.0.0.1:8080/git/acme"},
      {"github.com/ac", "http://wrong.example"},
  };
  ModuleRef ref = Parse("github.com/acme/modules/probe@v1", rewrites);
  EXPECT_EQ(ref.git.url, "http://127.0.0.1:8080/git/acme/modules");
  EXPECT_TRUE(ref.git.try_git_suffix);
  EXPECT_EQ(ref.git.subpath, "probe");
  EXPECT_EQ(ref.git.repo, "github.com/acme/modules");
  EXPECT_EQ(ref.git.version, "v1");
  EXPECT_EQ(ref.Unversioned(), "github.com/acme/modules/probe");
  // "github.com/acmex" does not start with "github.com/acme" on a boundary.
  EXPECT_EQ(Parse("github.com/acmex/m", rewrites).git.url, "https://mirror.example/gh/acmex/m");
  // A scheme in the reference does not change what the rewrite matches.
  EXPECT_EQ(Parse("https://github.com/acme/m", rewrites).git.url,
            "http://127.0.0.1:8080/git/acme/m");
  EXPECT_EQ(Parse("git@github.com:acme/m", rewrites).git.url, "http://127.0.0.1:8080/git/acme/m");
  // No rewrite for other hosts.
  EXPECT_EQ(Parse("gitlab.com/acme/m", rewrites).git.url, "https://gitlab.com/acme/m");
}

TEST(ModuleRefTest, RewriteWithoutSchemeGetsHttpsAndTrailingSlashesAreIgnored) {
  ModuleRef ref = Parse("github.com/acme/m", {{"github.com/", "mirror.example/gh/"}});
  EXPECT_EQ(ref.git.url, "https://mirror.example/gh/acme/m");
}

TEST(ModuleRefTest, RewriteReachingIntoTheSubfolderNamesTheRepository) {
  ModuleRef ref = Parse("github.com/acme/modules/probe/inner@v2",
                        {{"github.com/acme/modules/probe", "http://127.0.0.1:9/probe.git"}});
  EXPECT_EQ(ref.git.url, "http://127.0.0.1:9/probe.git");
  EXPECT_FALSE(ref.git.try_git_suffix);
  EXPECT_EQ(ref.git.repo, "github.com/acme/modules/probe");
  EXPECT_EQ(ref.git.subpath, "inner");
  EXPECT_EQ(ref.git.version, "v2");
}

TEST(ModuleRefTest, OciWithTagDigestOrBoth) {
  ModuleRef tag = Parse("oci://127.0.0.1:5000/acme/pulumi:1.2.0");
  EXPECT_EQ(tag.kind, RefKind::kOci);
  EXPECT_EQ(tag.oci.registry, "127.0.0.1:5000");
  EXPECT_EQ(tag.oci.repository, "acme/pulumi");
  EXPECT_EQ(tag.oci.tag, "1.2.0");
  EXPECT_EQ(tag.oci.digest, "");
  EXPECT_EQ(tag.Unversioned(), "oci://127.0.0.1:5000/acme/pulumi");
  const std::string digest = "sha256:" + std::string(64, 'a');
  ModuleRef by_digest = Parse("oci://ghcr.io/acme/pulumi@" + digest);
  EXPECT_EQ(by_digest.oci.tag, "");
  EXPECT_EQ(by_digest.oci.digest, digest);
  ModuleRef both = Parse("oci://ghcr.io/a/b/c:v1@" + digest);
  EXPECT_EQ(both.oci.repository, "a/b/c");
  EXPECT_EQ(both.oci.tag, "v1");
  EXPECT_EQ(both.oci.digest, digest);
}

TEST(ModuleRefTest, OciErrorsSayWhatIsWrong) {
  EXPECT_NE(Error("oci://ghcr.io/acme/pulumi").find("needs a tag"), std::string::npos);
  EXPECT_NE(Error("oci://ghcr.io/acme/p@sha256:abc").find("64 lowercase hex"), std::string::npos);
  EXPECT_NE(Error("oci://ghcr.io/acme/p@sha256:" + std::string(64, 'A')).find("64 lowercase hex"),
            std::string::npos);
  EXPECT_NE(Error("oci://ghcr.io/Acme/p:1").find("repository part 'Acme'"), std::string::npos);
  EXPECT_NE(Error("oci://ghcr.io/acme/p:-x").find("the tag '-x'"), std::string::npos);
  EXPECT_NE(Error("oci://ghcr.io").find("no repository"), std::string::npos);
  EXPECT_NE(Error("oci://gh_cr.io/a/b:1").find("registry is invalid"), std::string::npos);
  EXPECT_NE(Error("oci://ghcr.io/a//b:1").find("repository part ''"), std::string::npos);
  EXPECT_NE(Error("oci://ghcr.io/a/b:1 x").find("space"), std::string::npos);
}

TEST(ModuleRefTest, GitErrorsSayWhatIsWrong) {
  EXPECT_NE(Error("").find("it is empty"), std::string::npos);
  EXPECT_NE(Error("github.com/acme/m/../x").find("'.' and '..'"), std::string::npos);
  EXPECT_NE(Error("github.com/acme/m/./x").find("'.' and '..'"), std::string::npos);
  EXPECT_NE(Error("github.com/acme//m").find("empty path part"), std::string::npos);
  EXPECT_NE(Error("github.com/acme/m/-x").find("cannot start with '-'"), std::string::npos);
  EXPECT_NE(Error("github.com/acme/m/").find("empty path part"), std::string::npos);
  EXPECT_NE(Error("github.com/acme/m@").find("version after '@' is empty"), std::string::npos);
  EXPECT_NE(Error("github.com/acme/m@v1;rm").find("the version has the character ';'"),
            std::string::npos);
  EXPECT_NE(Error("github.com/acme/m@--upload-pack=x").find("cannot start or end"),
            std::string::npos);
  EXPECT_NE(Error("github.com/acme/m@a..b").find("'..'"), std::string::npos);
  EXPECT_NE(Error("github.com/acme/m x").find("it has a space"), std::string::npos);
  const std::string control = Error(std::string("github.com/acme/m\n@v1"));
  EXPECT_NE(control.find("control character"), std::string::npos);
  EXPECT_NE(control.find("\\x0a"), std::string::npos);  // shown escaped
  EXPECT_NE(Error("https://github.com/acme").find("an owner and a repository"), std::string::npos);
  EXPECT_NE(Error("https://github.com").find("no repository"), std::string::npos);
  EXPECT_NE(Error("https://user:secret@github.com/a/b").find("do not belong"), std::string::npos);
  EXPECT_NE(Error("ftp://github.com/a/b").find("scheme"), std::string::npos);
  EXPECT_NE(Error("https://git hub.com/a/b").find("space"), std::string::npos);
  EXPECT_NE(Error("https://-x.com/a/b").find("host '-x.com' is invalid"), std::string::npos);
  EXPECT_NE(Error("https://x.com:99999/a/b").find("out of range"), std::string::npos);
  EXPECT_NE(Error("https://x.com:/a/b").find("port"), std::string::npos);
  EXPECT_NE(Error("github.com/acme/.git").find("only '.git'"), std::string::npos);
  EXPECT_NE(Error("github.com/acme/m?x=1/y").find("character '?'"), std::string::npos);
  EXPECT_NE(Error("github.com/a/b", {{"github.com", ""}}).find("rewrite"), std::string::npos);
  const std::string long_ref = "github.com/acme/m/" + std::string(5000, 'a');
  const std::string too_long = Error(long_ref);
  EXPECT_NE(too_long.find("longer than 4096"), std::string::npos);
  EXPECT_LT(too_long.size(), 1000u);  // the text is cut in the message
}

TEST(ModuleRefTest, LocalNamesAndPathsStayLocal) {
  EXPECT_EQ(Parse("probe").kind, RefKind::kLocal);
  EXPECT_EQ(Parse("./mods/a/b").kind, RefKind::kLocal);
  EXPECT_EQ(Parse("../mods/a/b").kind, RefKind::kLocal);
  EXPECT_EQ(Parse("/abs/my mods/x").kind, RefKind::kLocal);
  EXPECT_EQ(Parse("/abs/my mods/x").Unversioned(), "/abs/my mods/x");
}

TEST(ModuleRefTest, IsRemoteRef) {
  EXPECT_TRUE(IsRemoteRef("github.com/acme/modules"));
  EXPECT_TRUE(IsRemoteRef("github.com/acme/modules/probe@v1"));
  EXPECT_TRUE(IsRemoteRef("127.0.0.1:8080/acme/m"));
  EXPECT_TRUE(IsRemoteRef("oci://r/a/b:1"));
  EXPECT_TRUE(IsRemoteRef("https://x/y"));
  EXPECT_TRUE(IsRemoteRef("http://x/y"));
  EXPECT_TRUE(IsRemoteRef("ssh://x/y"));
  EXPECT_TRUE(IsRemoteRef("git@github.com:a/b"));
  EXPECT_FALSE(IsRemoteRef("github.com/acme"));  // two segments: a folder name
  EXPECT_FALSE(IsRemoteRef("probe"));
  EXPECT_FALSE(IsRemoteRef("mods/a/b"));  // no host-like first segment
  EXPECT_FALSE(IsRemoteRef("./a.b/c/d"));
  EXPECT_FALSE(IsRemoteRef("/a.b/c/d"));
  EXPECT_FALSE(IsRemoteRef(""));
  // A folder that exists is local, whatever it looks like.
  char templ[] = "/tmp/host-module-ref-XXXXXX";
  const std::filesystem::path root = mkdtemp(templ);
  const std::filesystem::path old = std::filesystem::current_path();
  std::filesystem::create_directories(root / "example.com" / "acme" / "m");
  std::filesystem::current_path(root);
  EXPECT_FALSE(IsRemoteRef("example.com/acme/m"));
  EXPECT_TRUE(IsRemoteRef("example.com/acme/other"));
  std::filesystem::current_path(old);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace host::modules
