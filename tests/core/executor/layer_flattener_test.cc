// Flattening the lowest layers of a tall stack: what the merged folder shows, and its reuse.
#include "core/executor/layer_flattener.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "core/executor/mounts.h"
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

// A stack of small layers whose changes cross every border of blocks of `block` layers: files
// added, replaced and whited out, folders made opaque, removed and made again, a file becoming a
// folder and back. Layer i is root/l<i>.
std::vector<fs::path> MakeChangingLayers(const fs::path& root, int count, int block) {
  std::vector<fs::path> layers;
  auto file = [](const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  };
  auto whiteout = [](const fs::path& path) {
    fs::create_directories(path.parent_path());
    EXPECT_EQ(mknod(path.c_str(), S_IFCHR, makedev(0, 0)), 0) << path;
  };
  for (int i = 0; i < count; ++i) {
    const fs::path layer = root / ("l" + std::to_string(i));
    fs::create_directories(layer);
    layers.push_back(layer);
    const std::string n = std::to_string(i);
    file(layer / ("f" + n), "made in " + n);
    if (i % 3 == 1) file(layer / ("f" + std::to_string(i - 1)), "replaced in " + n);
    // A whiteout in the first layer of a block removes a file of the block below.
    if (i % block == 0 && i >= 2) whiteout(layer / ("f" + std::to_string(i - 2)));
    file(layer / "d" / ("x" + n), n);
    // An opaque folder in the first layer of a block hides what the blocks below put there.
    if (i % block == 0 && i % 2 == 0 && i > 0) {
      EXPECT_EQ(setxattr((layer / "d").c_str(), "trusted.overlay.opaque", "y", 1, 0), 0);
    }
    // A folder removed at the end of one block and made again at the start of the next.
    if (i % block == block - 1) whiteout(layer / "e");
    if (i % block == 0) file(layer / "e" / ("new" + n), n);
    // A path that is a file, then a folder, then a file again.
    if (i % 5 == 0) file(layer / "swap", "file " + n);
    if (i % 5 == 2) file(layer / "swap" / "inside", "folder " + n);
  }
  return layers;
}

// What a folder shows: each path below it with its type and, for files, contents.
std::map<std::string, std::string> View(const fs::path& root) {
  std::map<std::string, std::string> view;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const std::string relative = it->path().lexically_relative(root).string();
    if (it->is_symlink()) {
      view[relative] = "link " + fs::read_symlink(it->path()).string();
    } else if (it->is_directory()) {
      view[relative] = "folder";
    } else if (it->is_regular_file()) {
      view[relative] = "file " + Read(it->path());
    } else {
      view[relative] = "other";
    }
  }
  return view;
}

// What an overlay of layers (bottom first) shows, mounted under work.
std::map<std::string, std::string> OverlayView(const std::vector<fs::path>& layers,
                                               const fs::path& work) {
  fs::create_directories(work / "upper");
  fs::create_directories(work / "work");
  fs::create_directories(work / "merged");
  std::vector<fs::path> top_first(layers.rbegin(), layers.rend());
  Status mounted = MountOverlay(top_first, work / "upper", work / "work", work / "merged");
  EXPECT_TRUE(mounted.ok()) << mounted.message();
  if (!mounted.ok()) return {};
  std::map<std::string, std::string> view = View(work / "merged");
  EXPECT_TRUE(Unmount(work / "merged").ok());
  fs::remove_all(work);
  return view;
}

TEST(LayerFlattener, BlockMergesShowWhatTheWholeStackShows) {
  if (geteuid() != 0) GTEST_SKIP() << "whiteouts, trusted xattrs and overlay mounts need root";
  ScratchDir scratch;
  const fs::path root = scratch.path();
  constexpr int kBlock = 4;
  const std::vector<fs::path> all = MakeChangingLayers(root / "layers", 40, kBlock);
  // The stack grows a layer at a time, as a chain of steps does: each height shows through its
  // merges exactly what the unmerged stack shows.
  for (size_t height = 7; height <= all.size(); ++height) {
    const std::vector<fs::path> layers(all.begin(), all.begin() + static_cast<ptrdiff_t>(height));
    Result<std::vector<fs::path>> flat = FlattenLowestLayers(layers, root / "state", 6, kBlock);
    ASSERT_TRUE(flat.ok()) << flat.status().message();
    ASSERT_LE(flat->size(), static_cast<size_t>(kBlock + 1));
    EXPECT_EQ(flat->back(), layers.back());
    const auto expected = OverlayView(layers, root / "whole");
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(OverlayView(*flat, root / "flat"), expected) << "a stack of " << height;
  }
  // Each merge was built once, on the one below: as many folders as whole blocks were merged.
  std::error_code ec;
  EXPECT_EQ(
      std::distance(fs::directory_iterator(root / "state/flattened", ec), fs::directory_iterator()),
      (all.size() - 1) / kBlock);
  EXPECT_TRUE(fs::is_empty(root / "state/tmp"));
}

TEST(LayerFlattener, AGrowingStackReusesTheMergeBelowAndHardlinksItsFiles) {
  ScratchDir scratch;
  const fs::path root = scratch.path();
  std::vector<fs::path> layers;
  for (int i = 0; i < 30; ++i) {
    layers.push_back(root / ("l" + std::to_string(i)));
    fs::create_directories(layers.back());
    std::ofstream(layers.back() / ("f" + std::to_string(i))) << i;
  }
  std::set<fs::path> seen;
  for (size_t height = 11; height <= layers.size(); ++height) {
    const std::vector<fs::path> stack(layers.begin(),
                                      layers.begin() + static_cast<ptrdiff_t>(height));
    Result<std::vector<fs::path>> flat = FlattenLowestLayers(stack, root / "state", 10, 5);
    ASSERT_TRUE(flat.ok()) << flat.status().message();
    // The merge of the lowest whole blocks, then the 1 to 5 layers above them.
    const size_t merged = (height - 1) / 5 * 5;
    ASSERT_EQ(flat->size(), height - merged + 1);
    EXPECT_TRUE(std::equal(flat->begin() + 1, flat->end(), stack.begin() + merged));
    seen.insert(flat->front());
    for (size_t i = 0; i < merged; ++i) {
      struct stat in_layer {
      }, in_merge{};
      const std::string name = "f" + std::to_string(i);
      ASSERT_EQ(stat((layers[i] / name).c_str(), &in_layer), 0);
      ASSERT_EQ(stat((flat->front() / name).c_str(), &in_merge), 0) << name;
      EXPECT_EQ(in_layer.st_ino, in_merge.st_ino) << name << " was copied, not linked";
    }
    EXPECT_FALSE(fs::exists(flat->front() / ("f" + std::to_string(merged))));
  }
  // Heights 11 to 30 used the merges of 10, 15, 20 and 25 layers, one folder each.
  EXPECT_EQ(seen.size(), 4u);
  std::error_code ec;
  EXPECT_EQ(
      std::distance(fs::directory_iterator(root / "state/flattened", ec), fs::directory_iterator()),
      5);  // and the merge of 5 that the merge of 10 was built on
}

TEST(LayerFlattener, EachMergeUsedIsLeasedAndOnePrunedMeanwhileIsBuiltAgain) {
  ScratchDir scratch;
  const fs::path root = scratch.path();
  std::vector<fs::path> layers;
  for (int i = 0; i < 9; ++i) {
    layers.push_back(root / ("l" + std::to_string(i)));
    fs::create_directories(layers.back());
    std::ofstream(layers.back() / ("f" + std::to_string(i))) << i;
  }
  std::vector<fs::path> leased;
  HoldEntries hold = [&](const std::vector<fs::path>& paths) -> Result<bool> {
    for (const auto& path : paths) {
      if (!fs::is_directory(path)) return false;
      leased.push_back(path);
    }
    return true;
  };
  Result<std::vector<fs::path>> first = FlattenLowestLayers(layers, root / "state", 4, 3, hold);
  ASSERT_TRUE(first.ok()) << first.status().message();
  ASSERT_EQ(first->size(), 4u);  // the merge of 6, then 3 layers
  EXPECT_EQ(leased.back(), first->front());

  // A prune removes the merge between the look and the lease: it is built again, whole.
  leased.clear();
  int pruned = 0;
  HoldEntries pruning = [&](const std::vector<fs::path>& paths) -> Result<bool> {
    if (pruned++ == 0) {
      fs::rename(paths[0], paths[0].string() + ".tmp1");  // as a prune does before removing it
      return false;
    }
    return hold(paths);
  };
  Result<std::vector<fs::path>> again = FlattenLowestLayers(layers, root / "state", 4, 3, pruning);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->front(), first->front());
  EXPECT_EQ(leased.back(), first->front());
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(Read(again->front() / ("f" + std::to_string(i))), std::to_string(i));
  }

  // A prune that removes every merge as soon as it is built is reported, with nothing left.
  HoldEntries always = [&](const std::vector<fs::path>& paths) -> Result<bool> {
    fs::remove_all(paths[0]);
    return false;
  };
  Result<std::vector<fs::path>> lost = FlattenLowestLayers(layers, root / "state", 4, 3, always);
  ASSERT_FALSE(lost.ok());
  EXPECT_NE(lost.status().message().find("a prune removed the merged layers"), std::string::npos)
      << lost.status().message();
  EXPECT_TRUE(fs::is_empty(root / "state/tmp"));

  // A lease that cannot be taken is an error, not an unleased merge.
  HoldEntries broken = [](const std::vector<fs::path>&) -> Result<bool> {
    return Status::Failed("cannot lock the leases");
  };
  Result<std::vector<fs::path>> unleased =
      FlattenLowestLayers(layers, root / "state", 4, 3, broken);
  ASSERT_FALSE(unleased.ok());
  EXPECT_NE(unleased.status().message().find("cannot lock the leases"), std::string::npos);
}

TEST(LayerFlattener, AHalfBuiltMergeIsNeverUsed) {
  ScratchDir scratch;
  const fs::path root = scratch.path();
  std::vector<fs::path> layers;
  for (int i = 0; i < 5; ++i) {
    layers.push_back(root / ("l" + std::to_string(i)));
    fs::create_directories(layers.back());
    std::ofstream(layers.back() / ("f" + std::to_string(i))) << i;
  }
  // A layer that cannot be read fails the build: nothing is left under a final name, and the
  // next try, with the layer readable, builds the whole merge.
  fs::remove_all(layers[3]);
  Result<std::vector<fs::path>> broken = FlattenLowestLayers(layers, root / "state", 2, 1);
  ASSERT_FALSE(broken.ok());
  std::error_code ec;
  const auto built_before =
      std::distance(fs::directory_iterator(root / "state/flattened", ec), fs::directory_iterator());
  EXPECT_EQ(built_before, 3);  // the merges of 1, 2 and 3 layers, each whole
  EXPECT_TRUE(fs::is_empty(root / "state/tmp"));
  fs::create_directories(layers[3]);
  std::ofstream(layers[3] / "f3") << 3;
  Result<std::vector<fs::path>> whole = FlattenLowestLayers(layers, root / "state", 2, 1);
  ASSERT_TRUE(whole.ok()) << whole.status().message();
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(Read(whole->front() / ("f" + std::to_string(i))), std::to_string(i));
  }
}

}  // namespace
}  // namespace host
