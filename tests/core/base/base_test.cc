#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include "core/base/file_lock.h"
#include "core/base/names.h"
#include "core/base/sha256.h"
#include "core/base/sha256_blocks.h"
#include "core/base/size.h"

namespace host {
namespace {

TEST(FileLockTest, ALinkInPlaceOfTheLockFileIsNotFollowed) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("host-lock-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path target = dir / "victim";
  fs::create_symlink(target, dir / "build.lock");
  Result<FileLock> lock = FileLock::Acquire(dir / "build.lock");
  EXPECT_FALSE(lock.ok());
  if (!lock.ok()) {
    EXPECT_NE(lock.status().message().find("symbolic link"), std::string::npos)
        << lock.status().message();
  }
  EXPECT_FALSE(fs::exists(target));
  fs::remove_all(dir);
}

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

TEST(Size, ParsesUnitsAndRefusesWhatDoesNotFit) {
  EXPECT_EQ(*ParseSize("1.5GiB"), 1610612736u);
  EXPECT_EQ(*ParseSize("500MB"), 500000000u);
  for (const char* bad : {"1e300GB", "inf", "nan", "-1", "9.3e18", "", "GB", "12 parsecs"}) {
    EXPECT_FALSE(ParseSize(bad).ok()) << bad;
  }
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string million(1000000, 'a');
  EXPECT_EQ(Sha256Hex(million), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, ShaExtensionsFoldBlocksAsThePortableCodeDoes) {
  if (!sha256::HasShaExtensions()) GTEST_SKIP() << "this CPU has no SHA extensions";
  std::mt19937 random(7);
  std::vector<uint8_t> data(64 * 40);
  for (auto& byte : data) byte = static_cast<uint8_t>(random());
  for (size_t count = 1; count <= 40; ++count) {
    uint32_t portable[8], extensions[8];
    for (int i = 0; i < 8; ++i) portable[i] = extensions[i] = static_cast<uint32_t>(random());
    sha256::BlocksPortable(portable, data.data(), count);
    sha256::BlocksShaExtensions(extensions, data.data(), count);
    EXPECT_TRUE(std::equal(portable, portable + 8, extensions)) << count << " blocks";
  }
}

TEST(Sha256, IncrementalEqualsOneShot) {
  std::string text(1000, 'x');
  for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>(i * 7);
  Sha256 sha;
  for (size_t i = 0; i < text.size(); i += 37) sha.Update(text.substr(i, 37));
  EXPECT_EQ(sha.HexDigest(), Sha256Hex(text));
}

TEST(Sha256, HmacKnownVectors) {  // RFC 4231 test cases 1 and 2
  EXPECT_EQ(HmacSha256Hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  std::string long_key(131, '\xaa');  // test case 6: a key longer than a block
  EXPECT_EQ(HmacSha256Hex(long_key, "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

}  // namespace
}  // namespace host
