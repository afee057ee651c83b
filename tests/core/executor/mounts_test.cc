// How many overlay lower folders fit in mount(2)'s page of options.
#include "core/executor/mounts.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "tests/core/executor/scratch_dir.h"

namespace host {
namespace {
namespace fs = std::filesystem;

// The option string MountOverlay gives mount(2), minus its fixed flags.
size_t OptionsLength(const std::vector<fs::path>& lowers, const fs::path& upper,
                     const fs::path& work) {
  std::string data = "lowerdir=";
  for (size_t i = 0; i < lowers.size(); ++i) data += (i == 0 ? "" : ":") + lowers[i].string();
  data += ",upperdir=" + upper.string() + ",workdir=" + work.string() + ",";
  return data.size() + std::string("redirect_dir=off,metacopy=off,index=off,volatile").size();
}

TEST(Mounts, LowersFittingOnePageLeaveRoomForTheMergedBottomLayer) {
  const fs::path upper = "/var/lib/host/tmp/step-abcdef/upper";
  const fs::path work = "/var/lib/host/tmp/step-abcdef/work";
  const fs::path merged = "/var/lib/host/flattened/" + std::string(64, 'f');
  std::vector<fs::path> top_first;
  for (int i = 0; i < 200; ++i) {
    top_first.push_back("/var/lib/host/layers/" + std::string(60, 'a') + std::to_string(1000 + i));
  }
  size_t count = LowersFittingOnePage(top_first, merged.string().size(), upper, work);
  ASSERT_GT(count, 2u);
  ASSERT_LT(count, top_first.size());
  // count - 1 layers from the top, then the merged one: within the page; one more is not.
  std::vector<fs::path> mounted(top_first.begin(), top_first.begin() + (count - 1));
  mounted.push_back(merged);
  EXPECT_LE(OptionsLength(mounted, upper, work), 4095u);
  mounted.insert(mounted.end() - 1, top_first[count - 1]);
  EXPECT_GT(OptionsLength(mounted, upper, work), 4095u);
  // Few layers fit as they are.
  std::vector<fs::path> few(top_first.begin(), top_first.begin() + 5);
  EXPECT_EQ(LowersFittingOnePage(few, merged.string().size(), upper, work), 5u);
}

TEST(Mounts, TooManyLowerLayersNameTheKernelsLimitNotItsVersion) {
  if (geteuid() != 0 || !OverlayTakesLowersOneByOne()) GTEST_SKIP() << "needs root and lowerdir+";
  test::ScratchDir scratch;
  std::vector<fs::path> lowers;
  for (int i = 0; i < 501; ++i) {
    lowers.push_back(scratch.path() / ("l" + std::to_string(i)));
    fs::create_directories(lowers.back());
  }
  for (const char* dir : {"upper", "work", "merged"}) fs::create_directories(scratch.path() / dir);
  Status mounted = MountOverlay(lowers, scratch.path() / "upper", scratch.path() / "work",
                                scratch.path() / "merged");
  ASSERT_FALSE(mounted.ok());
  EXPECT_NE(mounted.message().find("lower layer 501 of 501"), std::string::npos)
      << mounted.message();
  EXPECT_EQ(mounted.message().find("6.8"), std::string::npos) << mounted.message();
}

}  // namespace
}  // namespace host
