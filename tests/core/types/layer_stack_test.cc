// The layer list of container states: shared between copies, pushed in O(1), released without
// recursion.
#include "core/types/layer_stack.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace host {
namespace {

namespace fs = std::filesystem;

TEST(LayerStack, CopiesShareTheLayersBelowAndPushOnlyOnTheirOwn) {
  LayerStack image(std::vector<fs::path>{"/l/a", "/l/b"});
  LayerStack step = image;
  step.push_back("/l/c");
  LayerStack other = image;
  other.push_back("/l/d");
  EXPECT_EQ(image.BottomFirst(), (std::vector<fs::path>{"/l/a", "/l/b"}));
  EXPECT_EQ(step.BottomFirst(), (std::vector<fs::path>{"/l/a", "/l/b", "/l/c"}));
  EXPECT_EQ(other.BottomFirst(), (std::vector<fs::path>{"/l/a", "/l/b", "/l/d"}));
  EXPECT_EQ(step.size(), 3u);
  EXPECT_EQ(step.top(), "/l/c");
  EXPECT_FALSE(step == other);
  LayerStack same(std::vector<fs::path>{"/l/a", "/l/b", "/l/c"});
  EXPECT_TRUE(step == same);
  EXPECT_TRUE(LayerStack().empty());
  EXPECT_TRUE(LayerStack().BottomFirst().empty());
}

TEST(LayerStack, AMillionLayersAreReleasedWithoutRecursion) {
  // A recursive release would need about a hundred bytes of stack per layer: far more than a
  // thread's 256 KiB here.
  std::vector<LayerStack> kept;
  {
    LayerStack stack;
    for (int i = 0; i < 1000000; ++i) {
      stack.push_back("/l/" + std::to_string(i % 10));
      if (i % 250000 == 0) kept.push_back(stack);  // shared parts released by their last holder
    }
    EXPECT_EQ(stack.size(), 1000000u);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_t thread;
    auto release = [](void* arg) -> void* {
      delete static_cast<LayerStack*>(arg);
      return nullptr;
    };
    ASSERT_EQ(pthread_create(&thread, &attr, release, new LayerStack(std::move(stack))), 0);
    pthread_join(thread, nullptr);
    pthread_attr_destroy(&attr);
  }
  EXPECT_EQ(kept.back().size(), 750001u);
  EXPECT_EQ(kept.back().top(), "/l/0");
}

}  // namespace
}  // namespace host
