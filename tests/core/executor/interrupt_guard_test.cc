#include "core/executor/interrupt_guard.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>

#include <atomic>

namespace host {
namespace {

std::atomic<int> terms_seen{0};
void CountTerm(int) { terms_seen++; }

bool Readable(int fd) {
  pollfd p = {fd, POLLIN, 0};
  return poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}

TEST(InterruptGuardTest, HoldsSigtermUntilTheLastGuardGoes) {
  struct sigaction counting = {};
  counting.sa_handler = CountTerm;
  struct sigaction before;
  ASSERT_EQ(sigaction(SIGTERM, &counting, &before), 0);
  terms_seen = 0;
  {
    InterruptGuard outer;
    {
      InterruptGuard inner;
      EXPECT_EQ(inner.caught(), 0);
      EXPECT_FALSE(Readable(inner.fd()));
      raise(SIGTERM);
      EXPECT_TRUE(Readable(inner.fd()));
      EXPECT_TRUE(Readable(outer.fd()));
      EXPECT_EQ(inner.caught(), SIGTERM);
    }
    EXPECT_EQ(terms_seen, 0) << "another guard still lives";
  }
  EXPECT_EQ(terms_seen, 1) << "the last guard re-raises the signal for the old handler";
  {
    InterruptGuard fresh;
    EXPECT_EQ(fresh.caught(), 0);
    EXPECT_FALSE(Readable(fresh.fd()));
  }
  EXPECT_EQ(terms_seen, 1);
  sigaction(SIGTERM, &before, nullptr);
}

TEST(InterruptGuardTest, LeavesIgnoredSignalsIgnored) {
  struct sigaction ignore = {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction before;
  ASSERT_EQ(sigaction(SIGINT, &ignore, &before), 0);
  {
    InterruptGuard guard;
    raise(SIGINT);
    EXPECT_EQ(guard.caught(), 0);
    EXPECT_FALSE(Readable(guard.fd()));
  }
  sigaction(SIGINT, &before, nullptr);
}

}  // namespace
}  // namespace host
