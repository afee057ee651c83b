// What a running step uses stays: prunes and evictions of other processes honour its leases, and
// a step whose lower layers vanish anyway fails and is not cached.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/types/store_leases.h"
#include "tests/support/container_fixture.h"
#include "tests/support/run.h"

namespace host {
namespace {

namespace fs = std::filesystem;

class LeaseTest : public ContainerTest {
 protected:
  std::vector<std::string> Pipeline(const std::string& script) const {
    return {"-q",        "call",      "container",
            "from",      "--address", address_ + "/busybox:latest",
            "with-exec", "--args",    "sh,-c," + script,
            "stdout"};
  }
  std::vector<std::string> Env() const { return {"HOST_STATE_DIR=" + state_}; }

  // Waits until some process leases an image layer (its pull is done and its step starts).
  bool WaitForALeasedLayer() const {
    for (int i = 0; i < 200; ++i) {
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(state_ + "/leases", ec)) {
        std::ifstream in(e.path());
        std::string text((std::istreambuf_iterator<char>(in)), {});
        if (e.path().extension() == ".lease" && text.find("layers/") != std::string::npos) {
          return true;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
};

TEST_F(LeaseTest, APruneWhileAStepRunsRemovesNothingTheStepUses) {
  test::Ran expected = test::RunHost(Pipeline("ls /bin | wc -l"), Env());
  ASSERT_EQ(expected.exit_code, 0) << expected.err;
  ASSERT_NE(expected.out, "0\n");
  ASSERT_EQ(test::RunHost({"cache", "prune"}, Env()).exit_code, 0);

  test::Ran running;
  std::thread step([&] { running = test::RunHost(Pipeline("sleep 2; ls /bin | wc -l"), Env()); });
  ASSERT_TRUE(WaitForALeasedLayer());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  test::Ran prune = test::RunHost({"cache", "prune"}, Env());
  step.join();
  ASSERT_EQ(prune.exit_code, 0) << prune.err;
  ASSERT_EQ(running.exit_code, 0) << running.err;
  EXPECT_EQ(running.out, expected.out);
  test::Ran again = test::RunHost(Pipeline("sleep 2; ls /bin | wc -l"), Env());
  EXPECT_EQ(again.out, expected.out);

  // Once the processes ended, their leases count no more and everything can be pruned.
  ASSERT_EQ(test::RunHost({"cache", "prune"}, Env()).exit_code, 0);
  EXPECT_TRUE(fs::is_empty(state_ + "/layers"));
}

TEST_F(LeaseTest, AStepWhoseLayersVanishFailsAndIsNotCached) {
  test::Ran running;
  std::thread step([&] { running = test::RunHost(Pipeline("sleep 2; ls /bin | wc -l"), Env()); });
  ASSERT_TRUE(WaitForALeasedLayer());
  // What a prune ignoring leases would do: the step's image layer goes while it runs.
  for (const auto& e : fs::directory_iterator(state_ + "/layers")) {
    fs::path gone = e.path().string() + "-gone";
    fs::rename(e.path(), gone);
    fs::remove_all(gone);
  }
  step.join();
  EXPECT_NE(running.exit_code, 0) << running.out;
  EXPECT_NE(running.err.find("removed from the state folder while the step ran"), std::string::npos)
      << running.err;
  std::error_code ec;  // no step result stored (its lock file may stay)
  for (const auto& e : fs::directory_iterator(state_ + "/steps", ec)) {
    EXPECT_NE(e.path().extension(), "") << e.path() << " was stored";
  }
}

TEST(StoreLeasesTest, EntriesAreNamedByStore) {
  EXPECT_EQ(StoreEntryOf("/s", "/s/layers/abc"), "layers/abc");
  EXPECT_EQ(StoreEntryOf("/s", "/s/steps/abc/layer"), "steps/abc");
  EXPECT_EQ(StoreEntryOf("/s", "/s/blobs/sha256/abc"), "blobs/sha256/abc");
  EXPECT_EQ(StoreEntryOf("/s", "/elsewhere/layers/abc"), "");
  EXPECT_EQ(StoreEntryOf("/s", "/s/layers"), "");
}

TEST(StoreLeasesTest, APruneLockSeesLiveLeasesOnly) {
  const std::string state = test::TempDir();
  fs::create_directories(state + "/derived/kept");
  fs::create_directories(state + "/derived/free");
  {
    StoreLeases leases(state);
    Result<bool> held = leases.Hold({state + "/derived/kept", state + "/derived/missing"});
    ASSERT_TRUE(held.ok());
    EXPECT_FALSE(*held);  // one of them is not there
    Result<PruneLock> lock = PruneLock::Acquire(state);
    ASSERT_TRUE(lock.ok()) << lock.status().message();
    EXPECT_TRUE(lock->Leased("derived/kept"));
    EXPECT_FALSE(lock->Leased("derived/free"));
  }
  Result<PruneLock> after = PruneLock::Acquire(state);
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->Leased("derived/kept"));  // its holder is gone
  fs::remove_all(state);
}

}  // namespace
}  // namespace host
