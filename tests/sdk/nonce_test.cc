#include <host/nonce.h>

#include <gtest/gtest.h>

#include <set>

namespace {

TEST(NonceTest, IsThirtyTwoLowercaseHexDigits) {
  const std::string nonce = host::Nonce();
  ASSERT_EQ(nonce.size(), 32u);
  for (char c : nonce) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << nonce;
}

TEST(NonceTest, EveryCallGivesANewValueUsingAllDigits) {
  std::set<std::string> seen;
  std::set<char> digits;
  for (int i = 0; i < 200; ++i) {
    const std::string nonce = host::Nonce();
    seen.insert(nonce);
    digits.insert(nonce.begin(), nonce.end());
  }
  EXPECT_EQ(seen.size(), 200u);
  EXPECT_EQ(digits.size(), 16u);
}

}  // namespace
