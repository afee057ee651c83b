#include "core/images/reference.h"

#include <gtest/gtest.h>

namespace host::images {
namespace {

const std::string kDigest =
    "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

TEST(ImageReference, SingleNameGetsDockerHubLibraryAndLatest) {
  Result<ImageReference> ref = ParseImageReference("busybox");
  ASSERT_TRUE(ref.ok()) << ref.status().message();
  EXPECT_EQ(ref->registry, "docker.io");
  EXPECT_EQ(ref->repository, "library/busybox");
  EXPECT_EQ(ref->tag, "latest");
  EXPECT_EQ(ref->digest, "");
  EXPECT_EQ(ref->Identifier(), "latest");
  EXPECT_EQ(ref->String(), "docker.io/library/busybox:latest");
}

TEST(ImageReference, TagAndOrganization) {
  Result<ImageReference> alpine = ParseImageReference("alpine:3.19");
  ASSERT_TRUE(alpine.ok());
  EXPECT_EQ(alpine->repository, "library/alpine");
  EXPECT_EQ(alpine->tag, "3.19");
  Result<ImageReference> pulumi = ParseImageReference("pulumi/pulumi-go:3.99.0");
  ASSERT_TRUE(pulumi.ok());
  EXPECT_EQ(pulumi->registry, "docker.io");
  EXPECT_EQ(pulumi->repository, "pulumi/pulumi-go");
  EXPECT_EQ(pulumi->tag, "3.99.0");
}

TEST(ImageReference, RegistryWithPort) {
  Result<ImageReference> ref = ParseImageReference("127.0.0.1:5000/busybox:latest");
  ASSERT_TRUE(ref.ok()) << ref.status().message();
  EXPECT_EQ(ref->registry, "127.0.0.1:5000");
  EXPECT_EQ(ref->repository, "busybox");  // no library/ outside Docker Hub
  EXPECT_EQ(ref->tag, "latest");
  Result<ImageReference> untagged = ParseImageReference("localhost:5000/a/b");
  ASSERT_TRUE(untagged.ok());
  EXPECT_EQ(untagged->registry, "localhost:5000");
  EXPECT_EQ(untagged->repository, "a/b");
  EXPECT_EQ(untagged->tag, "latest");
  Result<ImageReference> localhost = ParseImageReference("localhost/x");
  ASSERT_TRUE(localhost.ok());
  EXPECT_EQ(localhost->registry, "localhost");
}

TEST(ImageReference, Digest) {
  Result<ImageReference> ref = ParseImageReference("ghcr.io/o/r@" + kDigest);
  ASSERT_TRUE(ref.ok()) << ref.status().message();
  EXPECT_EQ(ref->registry, "ghcr.io");
  EXPECT_EQ(ref->repository, "o/r");
  EXPECT_EQ(ref->digest, kDigest);
  EXPECT_EQ(ref->tag, "");
  EXPECT_EQ(ref->Identifier(), kDigest);
  EXPECT_EQ(ref->String(), "ghcr.io/o/r@" + kDigest);
  Result<ImageReference> both = ParseImageReference("alpine:3.19@" + kDigest);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->tag, "3.19");
  EXPECT_EQ(both->Identifier(), kDigest);  // the digest wins
}

TEST(ImageReference, DockerHubAliasesAreNormalized) {
  Result<ImageReference> ref = ParseImageReference("index.docker.io/library/busybox:1");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->registry, "docker.io");
  EXPECT_EQ(ref->repository, "library/busybox");
  Result<ImageReference> hub = ParseImageReference("docker.io/busybox");
  ASSERT_TRUE(hub.ok());
  EXPECT_EQ(hub->repository, "library/busybox");
}

void ExpectUsage(const std::string& text, const std::string& fragment) {
  Result<ImageReference> ref = ParseImageReference(text);
  ASSERT_FALSE(ref.ok()) << text << " parsed as " << ref->String();
  EXPECT_EQ(ref.status().kind(), ErrorKind::kUsage) << text;
  EXPECT_NE(ref.status().message().find(fragment), std::string::npos)
      << text << ": " << ref.status().message();
}

TEST(ImageReference, BadReferencesAreUsageErrors) {
  ExpectUsage("", "empty");
  ExpectUsage("Busybox", "lowercase");
  ExpectUsage("busybox:", "tag");
  ExpectUsage("busybox:-x", "tag");
  ExpectUsage("busybox:a b", "tag");
  ExpectUsage("a//b", "repository component");
  ExpectUsage("a/-b", "repository component");
  ExpectUsage("ghcr.io/", "repository name is missing");
  ExpectUsage("busybox@sha256:abc", "64");
  ExpectUsage("busybox@md5:0123", "unsupported digest algorithm");
  ExpectUsage("bad_host.io:x/y", "registry");
  ExpectUsage("@" + kDigest, "repository name is missing");
  ExpectUsage("invalid image/with space", "invalid image reference \"invalid image/with space\"");
}

}  // namespace
}  // namespace host::images
