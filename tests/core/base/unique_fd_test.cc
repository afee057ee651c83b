#include "core/base/unique_fd.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <utility>

namespace host {
namespace {

bool IsOpen(int fd) { return fcntl(fd, F_GETFD) >= 0; }

TEST(UniqueFdTest, ClosesOnDestruction) {
  int raw = -1;
  {
    UniqueFd fd(open("/dev/null", O_RDONLY | O_CLOEXEC));
    ASSERT_TRUE(fd.ok());
    raw = fd.get();
    EXPECT_TRUE(IsOpen(raw));
  }
  EXPECT_FALSE(IsOpen(raw));
}

TEST(UniqueFdTest, AFailedOpenOwnsNothing) {
  UniqueFd fd(open("/no/such/file", O_RDONLY | O_CLOEXEC));
  EXPECT_FALSE(fd.ok());
  EXPECT_EQ(fd.get(), -1);
  EXPECT_EQ(fd.Close(), 0);
}

TEST(UniqueFdTest, MovingHandsOverOwnership) {
  UniqueFd first(open("/dev/null", O_RDONLY | O_CLOEXEC));
  const int raw = first.get();
  UniqueFd second(std::move(first));
  EXPECT_FALSE(first.ok());  // NOLINT: checking the moved-from state on purpose
  EXPECT_EQ(second.get(), raw);
  UniqueFd third(open("/dev/null", O_RDONLY | O_CLOEXEC));
  const int replaced = third.get();
  third = std::move(second);
  EXPECT_EQ(third.get(), raw);
  EXPECT_FALSE(IsOpen(replaced));
  EXPECT_TRUE(IsOpen(raw));
}

TEST(UniqueFdTest, ReleaseKeepsItOpenAndResetClosesIt) {
  UniqueFd fd(open("/dev/null", O_RDONLY | O_CLOEXEC));
  const int raw = fd.release();
  EXPECT_FALSE(fd.ok());
  EXPECT_TRUE(IsOpen(raw));
  fd.reset(raw);
  EXPECT_EQ(fd.get(), raw);
  fd.reset();
  EXPECT_FALSE(IsOpen(raw));
}

TEST(UniqueFdTest, CloseReportsTheResultOfClose) {
  UniqueFd fd(open("/dev/null", O_RDONLY | O_CLOEXEC));
  const int raw = fd.get();
  EXPECT_EQ(fd.Close(), 0);
  EXPECT_FALSE(fd.ok());
  EXPECT_FALSE(IsOpen(raw));
  // A descriptor closed behind its owner's back: close fails with EBADF and says so.
  UniqueFd stale(open("/dev/null", O_RDONLY | O_CLOEXEC));
  close(stale.get());
  EXPECT_EQ(stale.Close(), -1);
  EXPECT_EQ(errno, EBADF);
}

}  // namespace
}  // namespace host
