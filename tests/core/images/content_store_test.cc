#include "core/images/content_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>
#include <vector>

#include "core/images/digest.h"
#include "tests/core/images/fixtures.h"

namespace host::images {
namespace {

using test::CountEntries;
using test::ReadFile;
using test::ScratchDir;

TEST(ContentStore, PutHasPathRead) {
  std::string state = ScratchDir();
  ContentStore store(state);
  const std::string digest = DigestOf("hello");
  EXPECT_FALSE(store.Has(digest));
  ASSERT_TRUE(store.Put(digest, "hello").ok());
  EXPECT_TRUE(store.Has(digest));
  EXPECT_EQ(store.Path(digest).string(), state + "/blobs/sha256/" + digest.substr(7));
  EXPECT_EQ(ReadFile(store.Path(digest).string()), "hello");
  Result<std::string> read = store.Read(digest);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, "hello");
  EXPECT_TRUE(store.Put(digest, "hello").ok());  // again: harmless
  EXPECT_EQ(CountEntries(state + "/tmp"), 0u);
}

TEST(ContentStore, RefusesBytesThatDoNotMatch) {
  std::string state = ScratchDir();
  ContentStore store(state);
  const std::string digest = DigestOf("hello");
  Status status = store.Put(digest, "hellO");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("expected " + digest), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("got " + DigestOf("hellO")), std::string::npos);
  EXPECT_FALSE(store.Has(digest));
  EXPECT_EQ(CountEntries(state + "/blobs/sha256"), 0u);
  EXPECT_EQ(CountEntries(state + "/tmp"), 0u);
  EXPECT_EQ(store.Put("sha256:../../etc/passwd", "x").kind(), ErrorKind::kUsage);
  EXPECT_FALSE(store.Has("sha256:../../etc/passwd"));
}

// Flips the bits of one byte of a file.
void FlipByte(const std::string& path, size_t at) {
  std::string bytes = ReadFile(path);
  ASSERT_LT(at, bytes.size());
  bytes[at] = static_cast<char>(bytes[at] ^ 0xff);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

TEST(ContentStore, AFlippedByteMakesReadFailWarnAndRemoveTheBlob) {
  std::string state = ScratchDir();
  ContentStore store(state);
  const std::string digest = DigestOf("{\"architecture\": \"amd64\"}");
  ASSERT_TRUE(store.Put(digest, "{\"architecture\": \"amd64\"}").ok());
  EXPECT_TRUE(store.Check(digest).empty());
  FlipByte(store.Path(digest).string(), 3);
  EXPECT_NE(store.Check(digest).find("is corrupt"), std::string::npos) << store.Check(digest);
  testing::internal::CaptureStderr();
  Result<std::string> read = store.Read(digest);
  const std::string warned = testing::internal::GetCapturedStderr();
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("was corrupt"), std::string::npos);
  EXPECT_NE(warned.find("host: warning: blob " + digest), std::string::npos) << warned;
  EXPECT_NE(warned.find("is corrupt"), std::string::npos) << warned;
  EXPECT_FALSE(store.Has(digest));  // removed: the next pull fetches it again
  ASSERT_TRUE(store.Put(digest, "{\"architecture\": \"amd64\"}").ok());
  EXPECT_TRUE(store.Read(digest).ok());
}

TEST(ContentStore, AbandonedWriterLeavesNothing) {
  std::string state = ScratchDir();
  ContentStore store(state);
  {
    Result<std::unique_ptr<BlobWriter>> writer = store.NewWriter();
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write("part", 4).ok());
    EXPECT_EQ(CountEntries(state + "/tmp"), 1u);
  }
  EXPECT_EQ(CountEntries(state + "/tmp"), 0u);
  EXPECT_EQ(CountEntries(state + "/blobs/sha256"), 0u);
}

TEST(ContentStore, ConcurrentWritersOfOneBlobAreHarmless) {
  std::string state = ScratchDir();
  const std::string bytes(3 << 20, 'z');
  const std::string digest = DigestOf(bytes);
  std::vector<std::thread> threads;
  std::vector<Status> statuses(4);
  for (size_t i = 0; i < statuses.size(); ++i) {
    threads.emplace_back([&, i] {
      ContentStore store(state);  // as separate processes would
      Result<std::unique_ptr<BlobWriter>> writer = store.NewWriter();
      if (!writer.ok()) {
        statuses[i] = writer.status();
        return;
      }
      for (size_t at = 0; at < bytes.size(); at += 65536) {
        (void)(*writer)->Write(bytes.data() + at, std::min<size_t>(65536, bytes.size() - at));
      }
      statuses[i] = (*writer)->Commit(digest);
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& status : statuses) EXPECT_TRUE(status.ok()) << status.message();
  ContentStore store(state);
  EXPECT_TRUE(store.Has(digest));
  EXPECT_EQ(ReadFile(store.Path(digest).string()), bytes);
  EXPECT_EQ(CountEntries(state + "/blobs/sha256"), 1u);
  EXPECT_EQ(CountEntries(state + "/tmp"), 0u);
}

}  // namespace
}  // namespace host::images
