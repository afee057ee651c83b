#include "core/executor/layer_export.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <fstream>

#include "tests/core/executor/scratch_dir.h"
#include "tests/core/executor/tar_listing.h"

namespace host {
namespace {

namespace fs = std::filesystem;
using test::ReadWholeFile;
using test::ScratchDir;

// An upper folder in overlay form with every kind of entry.
class LayerExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (whiteout devices, trusted.* attributes)";
    upper_ = scratch_.path() / "upper";
    fs::create_directories(upper_ / "etc");
    fs::create_directories(upper_ / "opaque/inner");
    fs::create_directories(upper_ / "b-dir");
    std::ofstream(upper_ / "etc/config") << "key=value\n";
    std::ofstream(upper_ / "opaque/inner/kept") << "kept";
    std::ofstream(upper_ / "a-file") << "alpha";
    fs::create_hard_link(upper_ / "a-file", upper_ / "b-dir/same-as-a");
    fs::create_symlink("../etc/config", upper_ / "b-dir/link");
    ASSERT_EQ(chown((upper_ / "etc/config").c_str(), 1234, 5678), 0);
    ASSERT_EQ(chmod((upper_ / "etc/config").c_str(), 0640), 0);
    ASSERT_EQ(mknod((upper_ / "deleted").c_str(), S_IFCHR | 0, makedev(0, 0)), 0);
    ASSERT_EQ(mknod((upper_ / "etc/gone").c_str(), S_IFCHR | 0, makedev(0, 0)), 0);
    ASSERT_EQ(setxattr((upper_ / "opaque").c_str(), "trusted.overlay.opaque", "y", 1, 0), 0);
    ASSERT_EQ(setxattr((upper_ / "a-file").c_str(), "user.note", "hello", 5, 0), 0);
    ASSERT_EQ(setxattr((upper_ / "a-file").c_str(), "trusted.overlay.origin", "x", 1, 0), 0);
  }

  std::vector<test::TarEntry> Export(const fs::path& tar, LayerExportOptions options) {
    Status exported = ExportLayerToFile(upper_, tar, options);
    EXPECT_TRUE(exported.ok()) << exported.message();
    return test::ReadTar(tar);
  }

  ScratchDir scratch_;
  fs::path upper_;
};

TEST_F(LayerExportTest, WritesOciWhiteoutsInSortedOrder) {
  auto entries = Export(scratch_.path() / "layer.tar", {.zero_mtime = true});
  std::vector<std::string> names;
  for (const auto& e : entries) names.push_back(e.path);
  EXPECT_EQ(names, (std::vector<std::string>{".wh.deleted", "a-file", "b-dir/", "b-dir/link",
                                             "b-dir/same-as-a", "etc/", "etc/.wh.gone",
                                             "etc/config", "opaque/", "opaque/.wh..wh..opq",
                                             "opaque/inner/", "opaque/inner/kept"}))
      << "depth-first, archive names in byte order within each folder";
}

TEST_F(LayerExportTest, KeepsContentOwnersLinksAndAttributes) {
  auto entries = Export(scratch_.path() / "layer.tar", {.zero_mtime = true});
  std::map<std::string, test::TarEntry> by_name;
  for (auto& e : entries) by_name[e.path] = e;
  EXPECT_EQ(by_name["a-file"].data, "alpha");
  EXPECT_EQ(by_name["a-file"].xattrs, (std::map<std::string, std::string>{{"user.note", "hello"}}));
  EXPECT_TRUE(by_name["b-dir/same-as-a"].hardlink);
  EXPECT_EQ(by_name["b-dir/same-as-a"].link, "a-file");
  EXPECT_EQ(by_name["b-dir/link"].type, S_IFLNK);
  EXPECT_EQ(by_name["b-dir/link"].link, "../etc/config");
  EXPECT_EQ(by_name["etc/config"].uid, 1234);
  EXPECT_EQ(by_name["etc/config"].gid, 5678);
  EXPECT_EQ(by_name["etc/config"].perm, 0640);
  EXPECT_EQ(by_name["etc/config"].uname, "") << "numeric owners only";
  EXPECT_EQ(by_name[".wh.deleted"].type, S_IFREG);
  EXPECT_EQ(by_name[".wh.deleted"].data, "");
  for (const auto& e : entries) EXPECT_EQ(e.mtime, 0) << e.path;
}

TEST_F(LayerExportTest, IsDeterministic) {
  Export(scratch_.path() / "one.tar", {.zero_mtime = true});
  // Touch everything: with zero mtimes the bytes must not change.
  ASSERT_EQ(utimensat(AT_FDCWD, (upper_ / "a-file").c_str(), nullptr, 0), 0);
  Export(scratch_.path() / "two.tar", {.zero_mtime = true});
  std::string one = ReadWholeFile(scratch_.path() / "one.tar");
  EXPECT_FALSE(one.empty());
  EXPECT_EQ(one, ReadWholeFile(scratch_.path() / "two.tar"));
}

TEST_F(LayerExportTest, KeepsMtimesUnlessAskedNotTo) {
  struct timespec times[2] = {{1000000000, 0}, {1000000000, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, (upper_ / "a-file").c_str(), times, 0), 0);
  auto entries = Export(scratch_.path() / "layer.tar", {});
  ASSERT_GT(entries.size(), 1u);
  EXPECT_EQ(entries[1].path, "a-file");
  EXPECT_EQ(entries[1].mtime, 1000000000);
}

TEST_F(LayerExportTest, RefusesWhatOciCannotExpress) {
  ASSERT_EQ(setxattr((upper_ / "b-dir").c_str(), "trusted.overlay.redirect", "/x", 2, 0), 0);
  Status exported = ExportLayerToFile(upper_, scratch_.path() / "layer.tar");
  ASSERT_FALSE(exported.ok());
  EXPECT_NE(exported.message().find("redirect"), std::string::npos) << exported.message();
}

TEST_F(LayerExportTest, MissingFolderIsAUsageError) {
  Status exported = ExportLayerToFile(scratch_.path() / "nope", scratch_.path() / "layer.tar");
  ASSERT_FALSE(exported.ok());
  EXPECT_EQ(exported.kind(), ErrorKind::kUsage);
}

}  // namespace
}  // namespace host
