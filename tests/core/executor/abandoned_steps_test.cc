#include "core/executor/abandoned_steps.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "core/executor/step_folder.h"
#include "tests/core/executor/scratch_dir.h"

namespace host {
namespace {

namespace fs = std::filesystem;

// crun or runc is never run here: no folder in these tests holds a container.
OciRuntime AnyRuntime() { return OciRuntime{"crun", "/usr/bin/crun"}; }

TEST(AbandonedStepsTest, AFolderBeingCreatedIsLeftToItsOwner) {
  test::ScratchDir scratch;
  const fs::path tmp = scratch.path();
  // The owner has made its folder and locked its lock file, but not yet named it.
  const fs::path young = tmp / "step-young1";
  fs::create_directories(young);
  const int fd = open((young / "owner.lock.new").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(flock(fd, LOCK_EX), 0);
  EXPECT_EQ(CleanAbandonedSteps(tmp, AnyRuntime()), 0);
  EXPECT_TRUE(fs::exists(young));
  close(fd);
  // One whose owner died before naming its lock goes once it is old.
  const fs::path old = tmp / "step-old123";
  fs::create_directories(old / "upper");
  fs::last_write_time(old, fs::file_time_type::clock::now() - std::chrono::hours(1));
  EXPECT_EQ(CleanAbandonedSteps(tmp, AnyRuntime()), 1);
  EXPECT_FALSE(fs::exists(old));
  EXPECT_TRUE(fs::exists(young));
}

TEST(AbandonedStepsTest, ALiveOwnersFolderIsNeverTakenWhileItIsCreated) {
  test::ScratchDir scratch;
  const fs::path tmp = scratch.path();
  // Cleaners (other host processes starting steps) look while owners create their folders: a
  // folder must never be found with its lock file named but not yet locked.
  std::atomic<bool> done{false};
  std::thread cleaner([&] {
    while (!done) CleanAbandonedSteps(tmp, AnyRuntime());
  });
  int failures = 0;
  for (int round = 0; round < 1000 && failures == 0; ++round) {
    StepFolder folder(AnyRuntime());
    Status created = folder.Create(tmp, fs::path());
    if (!created.ok() || !fs::exists(folder.upper())) {
      ++failures;
      ADD_FAILURE() << "round " << round << ": " << created.message();
    }
  }
  done = true;
  cleaner.join();
  EXPECT_EQ(failures, 0);
}

}  // namespace
}  // namespace host
