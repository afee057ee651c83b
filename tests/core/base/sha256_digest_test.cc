#include <gtest/gtest.h>

#include "core/base/sha256.h"
#include "core/images/digest.h"

namespace host {
namespace {

constexpr char kAbcHex[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

TEST(Sha256DigestTest, DigestIsThePrefixedHexDigest) {
  Sha256 sha;
  sha.Update("abc");
  EXPECT_EQ(sha.Digest(), std::string("sha256:") + kAbcHex);
  EXPECT_EQ(Sha256Digest("abc"), std::string("sha256:") + kAbcHex);
  EXPECT_TRUE(images::IsSha256Digest(Sha256Digest("")));
}

TEST(Sha256DigestTest, HmacDigestIsThePrefixedHmac) {
  EXPECT_EQ(HmacSha256Digest("key", "message"), "sha256:" + HmacSha256Hex("key", "message"));
  EXPECT_NE(HmacSha256Digest("key", "message"), HmacSha256Digest("other", "message"));
}

}  // namespace
}  // namespace host
