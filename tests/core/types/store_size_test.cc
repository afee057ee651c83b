// What a run stores is counted in the state folder's size index as it is written: after a run,
// the index says what a walk of the stores finds, without one.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/base/store_size_index.h"
#include "core/engine/cache_admin.h"
#include "tests/support/container_fixture.h"
#include "tests/support/run.h"

namespace host {
namespace {

using StoreSizeTest = ContainerTest;

TEST_F(StoreSizeTest, TheIndexCountsTheBlobsLayersAndStepsARunStores) {
  std::vector<std::string> env = {"HOST_STATE_DIR=" + state_};
  // The first run's end finds no index and walks once to build it.
  test::Ran first =
      test::RunHost({"-q", "call", "container", "from", "--address", address_ + "/busybox:latest",
                     "with-exec", "--args", "echo,first", "stdout"},
                    env);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_TRUE(ReadStoreSizeIndex(state_).has_value());
  // From here on, only the writers count: the pull (blobs, layers) and three new steps.
  ASSERT_EQ(test::RunHost({"cache", "prune"}, env).exit_code, 0);
  test::Ran second =
      test::RunHost({"-q", "call", "container", "from", "--address", address_ + "/busybox:latest",
                     "with-exec", "--args", "sh,-c,head -c 100000 /dev/zero > /big", "with-exec",
                     "--args", "echo,second", "with-exec", "--args", "echo,third", "stdout"},
                    env);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  std::optional<StoreSizeIndex> index = ReadStoreSizeIndex(state_);
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(index->stores["steps"].entries, 3u);
  EXPECT_GE(index->stores["layers"].entries, 1u);
  EXPECT_GE(index->stores["blobs"].entries, 3u);  // manifest, config, a layer
  EXPECT_GE(index->stores["steps"].bytes, 100000u);
  // A walk finds the same.
  for (const StoreUsage& usage : CacheUsage(state_)) {
    if (usage.name == "caches") continue;
    EXPECT_EQ(index->stores[usage.name].bytes, usage.bytes) << usage.name;
    EXPECT_EQ(index->stores[usage.name].entries, usage.entries) << usage.name;
  }
}

}  // namespace
}  // namespace host
