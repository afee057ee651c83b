// A chain of more steps than overlayfs takes layers, for real: its lowest layers are merged block
// by block, the merges leased while used and pruned like any other entry afterwards.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/engine/cache_admin.h"
#include "core/executor/layer_flattener.h"
#include "tests/support/container_fixture.h"

namespace host {
namespace {

namespace fs = std::filesystem;

// How many entries of the state folder's leases name a merged layer folder.
int LeasedMerges(const fs::path& state) {
  int count = 0;
  std::error_code ec;
  for (const auto& file : fs::directory_iterator(state / "leases", ec)) {
    std::ifstream in(file.path());
    for (std::string line; std::getline(in, line);) count += line.rfind("flattened/", 0) == 0;
  }
  return count;
}

size_t Entries(const fs::path& folder) {
  std::error_code ec;
  return static_cast<size_t>(
      std::distance(fs::directory_iterator(folder, ec), fs::directory_iterator()));
}

TEST_F(ContainerTest, AChainOfMoreThanFiveHundredStepsRuns) {
  // 510 layers from cheap steps (each with-new-file is a layer of its own), a file removed by a
  // command near the bottom, and a command on top of them all: step 512 of the chain.
  std::vector<Step> steps = From();
  for (int i = 0; i < 510; ++i) {
    const std::string n = std::to_string(i);
    steps.push_back({"with-new-file", {{"path", S("/n-" + n)}, {"contents", S(n + "\n")}}});
    if (i == 30) steps.push_back({"with-exec", {{"args", L({"rm", "/n-3"})}}});
  }
  steps.push_back(
      {"with-exec",
       {{"args",
         L({"sh", "-c", "ls / | grep -c '^n-'; cat /n-0 /n-509; test -e /n-3 || echo gone"})}}});
  steps.push_back({"stdout", {}});
  const std::string expected = "509\n0\n509\ngone\n";
  const size_t layers = 1 + 510 + 1;  // the image's, the files', the removal's
  {
    auto engine = MakeEngine();
    auto out = Chain(*engine, steps);
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ(out->string_value(), expected);
    // Each merge of whole blocks was built once, on the one below, and is leased.
    EXPECT_EQ(Entries(fs::path(state_) / "flattened"), (layers - 1) / kFlattenBlock);
    EXPECT_GE(LeasedMerges(state_), 1);
    // A prune while the engine lives keeps what it leases.
    size_t removed = 0;
    ASSERT_TRUE(PruneCache(state_, 0, &removed).ok());
    EXPECT_EQ(Entries(fs::path(state_) / "flattened"), (layers - 1) / kFlattenBlock);
  }
  // Merged folders are a store like the others: a prune with no engine running removes them.
  size_t removed = 0;
  ASSERT_TRUE(PruneCache(state_, 0, &removed).ok());
  EXPECT_EQ(Entries(fs::path(state_) / "flattened"), 0u);
}

}  // namespace
}  // namespace host
