#include <gtest/gtest.h>

#include "core/base/names.h"
#include "core/base/sha256.h"

namespace host {
namespace {

TEST(Names, KebabCaseFromEveryConvention) {
  EXPECT_EQ(KebabCase("withPulumiToken"), "with-pulumi-token");
  EXPECT_EQ(KebabCase("with_pulumi_token"), "with-pulumi-token");
  EXPECT_EQ(KebabCase("with-pulumi-token"), "with-pulumi-token");
  EXPECT_EQ(KebabCase("HTTPServer"), "http-server");
  EXPECT_EQ(KebabCase("bump_major"), "bump-major");
  EXPECT_EQ(KebabCase("join0"), "join0");
}

TEST(Names, SnakeAndPascalCase) {
  EXPECT_EQ(SnakeCase("withPulumiToken"), "with_pulumi_token");
  EXPECT_EQ(PascalCase("my-module"), "MyModule");
  EXPECT_EQ(PascalCase("semver"), "Semver");
}

TEST(Names, EditDistance) {
  EXPECT_EQ(EditDistance("bump", "bmp"), 1u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string million(1000000, 'a');
  EXPECT_EQ(Sha256Hex(million), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, IncrementalEqualsOneShot) {
  std::string text(1000, 'x');
  for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>(i * 7);
  Sha256 sha;
  for (size_t i = 0; i < text.size(); i += 37) sha.Update(text.substr(i, 37));
  EXPECT_EQ(sha.HexDigest(), Sha256Hex(text));
}

}  // namespace
}  // namespace host
