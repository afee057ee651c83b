// Flattening the lowest layers of a tall stack: what the merged folder shows, and its reuse.
#include "core/executor/layer_flattener.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tests/core/executor/scratch_dir.h"

namespace host {
namespace {
namespace fs = std::filesystem;
using test::ScratchDir;

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(LayerFlattener, FewLayersAreLeftAlone) {
  ScratchDir scratch;
  std::vector<fs::path> layers = {scratch.path() / "a", scratch.path() / "b"};
  Result<std::vector<fs::path>> result = FlattenLowestLayers(layers, scratch.path(), 2);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, layers);
}

TEST(LayerFlattener, MergesTheLowestLayersWithWhiteoutsAndOpaqueFolders) {
  if (geteuid() != 0) GTEST_SKIP() << "whiteout devices and trusted xattrs need root";
  ScratchDir scratch;
  const fs::path root = scratch.path();
  std::vector<fs::path> layers;
  for (const char* name : {"l0", "l1", "l2", "l3", "top"}) {
    fs::create_directories(root / name);
    layers.push_back(root / name);
  }
  std::ofstream(root / "l0/kept") << "kept";
  std::ofstream(root / "l0/gone") << "gone";
  fs::create_directories(root / "l0/dir/sub");
  std::ofstream(root / "l0/dir/old") << "old";
  fs::create_directories(root / "outside");
  fs::create_directory_symlink(root / "outside", root / "l0/link");
  ASSERT_EQ(mknod((root / "l1/gone").c_str(), S_IFCHR, makedev(0, 0)), 0);
  fs::create_directories(root / "l1/dir");
  ASSERT_EQ(setxattr((root / "l1/dir").c_str(), "trusted.overlay.opaque", "y", 1, 0), 0);
  std::ofstream(root / "l1/dir/new") << "new";
  // A folder over the symlink: the link is replaced, never followed.
  fs::create_directories(root / "l2/link");
  std::ofstream(root / "l2/link/inside") << "inside";
  std::ofstream(root / "l3/kept") << "again";

  Result<std::vector<fs::path>> result = FlattenLowestLayers(layers, root / "state", 2);
  ASSERT_TRUE(result.ok()) << result.status().message();
  ASSERT_EQ(result->size(), 2u);
  EXPECT_EQ(result->back(), root / "top");
  const fs::path merged = result->front();
  EXPECT_EQ(merged.parent_path(), root / "state/flattened");
  EXPECT_EQ(Read(merged / "kept"), "again");
  EXPECT_FALSE(fs::exists(fs::symlink_status(merged / "gone")));
  EXPECT_TRUE(fs::exists(merged / "dir/new"));
  EXPECT_FALSE(fs::exists(merged / "dir/old"));
  EXPECT_FALSE(fs::exists(merged / "dir/sub"));
  char value[4];
  EXPECT_LT(lgetxattr((merged / "dir").c_str(), "trusted.overlay.opaque", value, sizeof value), 0);
  EXPECT_FALSE(fs::is_symlink(merged / "link"));
  EXPECT_EQ(Read(merged / "link/inside"), "inside");
  EXPECT_TRUE(fs::is_empty(root / "outside"));
  // The layers themselves are untouched.
  EXPECT_EQ(Read(root / "l0/kept"), "kept");
  EXPECT_TRUE(fs::is_symlink(root / "l0/link"));

  // Built once: the next call finds it, and a different stack gets its own folder.
  fs::remove(merged / "kept");
  Result<std::vector<fs::path>> again = FlattenLowestLayers(layers, root / "state", 2);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->front(), merged);
  EXPECT_FALSE(fs::exists(merged / "kept"));
  Result<std::vector<fs::path>> other = FlattenLowestLayers(layers, root / "state", 3);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->front(), merged);
  EXPECT_TRUE(fs::is_empty(root / "state/tmp"));
}

TEST(LayerFlattener, AMissingLayerFailsAndLeavesNothing) {
  ScratchDir scratch;
  std::vector<fs::path> layers = {scratch.path() / "missing", scratch.path() / "b",
                                  scratch.path() / "c"};
  fs::create_directories(scratch.path() / "b");
  Result<std::vector<fs::path>> result = FlattenLowestLayers(layers, scratch.path() / "state", 2);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("missing"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(scratch.path() / "state/flattened"));
  EXPECT_TRUE(fs::is_empty(scratch.path() / "state/tmp"));
}

}  // namespace
}  // namespace host
