// Resolved tags: how long they are trusted, and that concurrent writers leave a whole answer.
#include "core/images/tag_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/core/images/fixtures.h"

namespace host::images {
namespace {
namespace fs = std::filesystem;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using Clock = std::chrono::system_clock;

const std::string kDigest = "sha256:" + std::string(64, 'a');
const std::string kOtherDigest = "sha256:" + std::string(64, 'b');

// A parsed reference; the test fails when it does not parse.
ImageReference Ref(const std::string& text) {
  Result<ImageReference> parsed = ParseImageReference(text);
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.ok() ? *parsed : ImageReference{};
}

TEST(TagStore, AnAnswerIsTrustedForItsTtlOnly) {
  TagStore tags(test::ScratchDir());
  const ImageReference ref = Ref("127.0.0.1:5000/busybox:latest");
  const Clock::time_point resolved = Clock::now();
  EXPECT_EQ(tags.Lookup(ref, minutes(5), resolved), std::nullopt);  // never resolved
  ASSERT_TRUE(tags.Record(ref, kDigest, resolved).ok());
  EXPECT_EQ(tags.Lookup(ref, minutes(5), resolved), kDigest);
  EXPECT_EQ(tags.Lookup(ref, minutes(5), resolved + minutes(4)), kDigest);
  EXPECT_EQ(tags.Lookup(ref, minutes(5), resolved + minutes(5)), std::nullopt);  // expired
  EXPECT_EQ(tags.Lookup(ref, hours(1), resolved + minutes(5)), kDigest);
  EXPECT_EQ(tags.Lookup(ref, seconds(0), resolved), std::nullopt);  // 0: always ask
  // An answer from "the future" (the clock went back) is not trusted.
  EXPECT_EQ(tags.Lookup(ref, minutes(5), resolved - minutes(1)), std::nullopt);
  // Another tag, or the same repository by digest, is not this answer.
  EXPECT_EQ(tags.Lookup(Ref("127.0.0.1:5000/busybox:1.36"), minutes(5), resolved), std::nullopt);
  EXPECT_EQ(tags.Lookup(Ref("127.0.0.1:5000/busybox@" + kDigest), minutes(5), resolved),
            std::nullopt);
  // A newer answer replaces the old one.
  ASSERT_TRUE(tags.Record(ref, kOtherDigest, resolved + minutes(10)).ok());
  EXPECT_EQ(tags.Lookup(ref, minutes(5), resolved + minutes(11)), kOtherDigest);
}

TEST(TagStore, NormalizedReferencesShareOneAnswer) {
  TagStore tags(test::ScratchDir());
  ASSERT_TRUE(tags.Record(Ref("busybox"), kDigest).ok());
  EXPECT_EQ(tags.Lookup(Ref("docker.io/library/busybox:latest"), minutes(5)), kDigest);
}

TEST(TagStore, UnreadableEntriesMeanAsk) {
  const std::string state = test::ScratchDir();
  TagStore tags(state);
  const ImageReference ref = Ref("127.0.0.1:5000/busybox:latest");
  EXPECT_FALSE(tags.Record(ref, "sha256:short").ok());
  for (const std::string& junk :
       {std::string(""), std::string("{\"digest\": "), std::string("[]"),
        R"({"reference": "127.0.0.1:5000/other:latest", "digest": ")" + kDigest +
            R"(", "resolved_ms": 1})",
        std::string(R"({"reference": "127.0.0.1:5000/busybox:latest", "digest": "md5:x", )"
                    R"("resolved_ms": 1})")}) {
    test::WriteFile(tags.Path(ref).string(), junk);
    EXPECT_EQ(tags.Lookup(ref, hours(24 * 365 * 100)), std::nullopt) << junk;
  }
}

TEST(TagStore, ConcurrentWritersLeaveOneWholeAnswerAndNoTemporaries) {
  const std::string state = test::ScratchDir();
  TagStore tags(state);
  const ImageReference ref = Ref("127.0.0.1:5000/busybox:latest");
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        EXPECT_TRUE(tags.Record(ref, t % 2 ? kDigest : kOtherDigest).ok());
        std::optional<std::string> read = tags.Lookup(ref, minutes(5));
        EXPECT_TRUE(read == kDigest || read == kOtherDigest);
      }
    });
  }
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(test::CountEntries(state + "/tags"), 1u);
}

}  // namespace
}  // namespace host::images

namespace host::images {
namespace {

TEST(TagStore, ADamagedEntryIsReportedRemovedAndAskedAgain) {
  const std::string state = test::ScratchDir();
  TagStore tags(state);
  const ImageReference ref = Ref("127.0.0.1:5000/busybox:latest");
  ASSERT_TRUE(tags.Record(ref, kDigest).ok());
  EXPECT_EQ(TagStore::CheckEntry(tags.Path(ref)), "");
  for (const std::string& damaged :
       {std::string("{\"reference\": \"127.0.0.1:5000/busybox:latest\", \"digest\": \"garbage\", "
                    "\"resolved_ms\": 1}"),
        std::string("{\"refer"),
        "{\"reference\": \"127.0.0.1:5000/other:latest\", \"digest\": \"" + kDigest +
            "\", \"resolved_ms\": 1}"}) {
    std::ofstream(tags.Path(ref), std::ios::trunc) << damaged;
    EXPECT_NE(TagStore::CheckEntry(tags.Path(ref)), "") << damaged;
    testing::internal::CaptureStderr();
    EXPECT_EQ(tags.Lookup(ref, minutes(5)), std::nullopt);
    const std::string warned = testing::internal::GetCapturedStderr();
    EXPECT_NE(warned.find("host: warning: the resolved tag of " + ref.String()), std::string::npos)
        << warned;
    EXPECT_FALSE(fs::exists(tags.Path(ref)));
  }
  ASSERT_TRUE(tags.Record(ref, kDigest).ok());
  EXPECT_EQ(tags.Lookup(ref, minutes(5)), kDigest);
}

}  // namespace
}  // namespace host::images
