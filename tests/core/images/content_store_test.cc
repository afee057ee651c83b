#include "core/images/content_store.h"

#include <gtest/gtest.h>

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
