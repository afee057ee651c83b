#include "core/images/sha256_stream.h"

#include <gtest/gtest.h>

#include "core/base/sha256.h"
#include "core/images/digest.h"

namespace host::images {
namespace {

TEST(Sha256StreamTest, DigestIsThePrefixedHexDigestAndMatchesThePortableCode) {
  Sha256Stream stream;
  stream.Update("abc", 3);
  EXPECT_EQ(stream.Digest(),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(DigestOf("abc"), Sha256Digest("abc"));
}

}  // namespace
}  // namespace host::images
