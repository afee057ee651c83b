// A chain of more steps than overlayfs takes layers, for real: its lowest layers are merged block
// by block, the merges leased while used and pruned like any other entry afterwards.
#include <gtest/gtest.h>
#include <pthread.h>

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

// Chains of calls that run no container: no registry needed.
class LongChain : public ContainerTest {
 protected:
  static void SetUpTestSuite() {}
  static void TearDownTestSuite() {}
  void SetUp() override { state_ = test::TempDir(); }
};

TEST_F(LongChain, ThreeThousandCallsAreEvaluatedOnAQuarterMegabyteOfStack) {
  // Each call of a chain evaluates its receiver first: done by recursion, every call would take
  // a level of the stack (about 1.5 KiB, several times that under AddressSanitizer).
  {
    auto made = MakeEngine();
    Runtime& engine = *made;
    std::vector<Step> steps = {{"container", {}}};
    for (int i = 0; i < 3000; ++i) {
      steps.push_back({"with-workdir", {{"path", S("/w" + std::to_string(i))}}});
    }
    auto chain = Chain(engine, steps);
    ASSERT_TRUE(chain.ok()) << chain.status().message();
    struct Job {
      Runtime* engine;
      v1::ObjectValue container;
      Result<v1::Value> out = Status::Failed("not run");
    } job{&engine, chain->object_value()};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_t thread;
    auto run = [](void* arg) -> void* {
      auto* job = static_cast<Job*>(arg);
      v1::Call call;
      call.set_module("core");
      call.set_object("Container");
      call.set_function("workdir");
      *call.mutable_receiver() = job->container;
      job->out = job->engine->Call(call);
      return nullptr;
    };
    ASSERT_EQ(pthread_create(&thread, &attr, run, &job), 0);
    pthread_join(thread, nullptr);
    pthread_attr_destroy(&attr);
    ASSERT_TRUE(job.out.ok()) << job.out.status().message();
    EXPECT_EQ(job.out->string_value(), "/w2999");
  }
}

}  // namespace
}  // namespace host
