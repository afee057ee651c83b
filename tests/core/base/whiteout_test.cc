#include "core/base/whiteout.h"

#include <gtest/gtest.h>

namespace host {
namespace {

TEST(WhiteoutTest, NamesStartingWithTheWhiteoutPrefixAreWhiteouts) {
  EXPECT_TRUE(IsWhiteoutName(".wh.file"));
  EXPECT_TRUE(IsWhiteoutName(".wh..wh..opq"));
  EXPECT_FALSE(IsWhiteoutName("file.wh."));
  EXPECT_FALSE(IsWhiteoutName(".wh"));
  EXPECT_FALSE(IsWhiteoutName(""));
}

TEST(WhiteoutTest, TheTargetIsTheNameAfterThePrefix) {
  EXPECT_EQ(WhiteoutTarget(".wh.file"), "file");
  EXPECT_EQ(WhiteoutTarget(".wh..hidden"), ".hidden");
  EXPECT_EQ(WhiteoutTarget(".wh."), "");
  EXPECT_EQ(WhiteoutTarget("file"), "");
  EXPECT_EQ(WhiteoutName("file"), ".wh.file");
  EXPECT_EQ(WhiteoutTarget(WhiteoutName("a b")), "a b");
}

TEST(WhiteoutTest, OnlyTheExactMarkerIsOpaqueButAllAufsNamesAreMetadata) {
  EXPECT_TRUE(IsOpaqueMarker(".wh..wh..opq"));
  EXPECT_FALSE(IsOpaqueMarker(".wh..wh..opqx"));
  EXPECT_FALSE(IsOpaqueMarker(".wh.opq"));
  EXPECT_TRUE(IsAufsMetadata(".wh..wh..opq"));
  EXPECT_TRUE(IsAufsMetadata(".wh..wh.plnk"));
  EXPECT_FALSE(IsAufsMetadata(".wh.file"));
}

TEST(WhiteoutTest, OnlyACharacterDeviceZeroZeroIsAnOverlayWhiteout) {
  struct stat st {};
  st.st_mode = S_IFCHR | 0;
  st.st_rdev = makedev(0, 0);
  EXPECT_TRUE(IsOverlayWhiteout(st));
  st.st_rdev = makedev(1, 3);  // /dev/null
  EXPECT_FALSE(IsOverlayWhiteout(st));
  st.st_mode = S_IFREG | 0644;
  st.st_rdev = makedev(0, 0);
  EXPECT_FALSE(IsOverlayWhiteout(st));
}

}  // namespace
}  // namespace host
