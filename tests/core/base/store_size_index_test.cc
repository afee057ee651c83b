// The store size index: its file format (a hostile input, refused unless whole and intact), and
// updates by concurrent writers.
#include "core/base/store_size_index.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/base/best_effort.h"
#include "tests/support/run.h"

namespace host {
namespace {

namespace fs = std::filesystem;

StoreSizeIndex SampleIndex() {
  StoreSizeIndex index;
  index.walked = 1700000000;
  index.stores["steps"] = {8192, 2};
  index.stores["blobs"] = {4096, 1};
  return index;
}

class StoreSizeIndexTest : public ::testing::Test {
 protected:
  void SetUp() override { state_ = test::TempDir(); }
  void TearDown() override { RemoveTreeBestEffort(state_); }
  void WriteIndex(const std::string& text) const {
    std::ofstream(StoreSizeIndexPath(state_), std::ios::binary | std::ios::trunc) << text;
  }
  fs::path state_;
};

TEST_F(StoreSizeIndexTest, AnIndexReadsBackAsWritten) {
  std::optional<StoreSizeIndex> read = ParseStoreSizeIndex(FormatStoreSizeIndex(SampleIndex()));
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->walked, 1700000000);
  EXPECT_EQ(read->stores.at("steps").bytes, 8192u);
  EXPECT_EQ(read->stores.at("steps").entries, 2u);
  EXPECT_EQ(read->TotalBytes(), 12288u);
}

TEST_F(StoreSizeIndexTest, ATruncatedEditedOrGarbageIndexIsRefused) {
  const std::string text = FormatStoreSizeIndex(SampleIndex());
  for (size_t size = 0; size < text.size(); ++size) {
    EXPECT_FALSE(ParseStoreSizeIndex(text.substr(0, size)).has_value()) << size;
  }
  std::string edited = text;
  edited[edited.find("8192")] = '9';  // a digit changed: the checksum no longer matches
  EXPECT_FALSE(ParseStoreSizeIndex(edited).has_value());
  EXPECT_FALSE(ParseStoreSizeIndex(text + "store x 1 1\n").has_value());
  EXPECT_FALSE(ParseStoreSizeIndex("garbage").has_value());
  EXPECT_FALSE(ParseStoreSizeIndex(std::string(100000, 'a')).has_value());
  // Well formed and checksummed, but refused for what it says.
  StoreSizeIndex huge = SampleIndex();
  huge.stores["steps"].bytes = kStoreSizeIndexMaxBytes + 1;
  EXPECT_FALSE(ParseStoreSizeIndex(FormatStoreSizeIndex(huge)).has_value());
  StoreSizeIndex bad_name = SampleIndex();
  bad_name.stores["../x"] = {1, 1};
  EXPECT_FALSE(ParseStoreSizeIndex(FormatStoreSizeIndex(bad_name)).has_value());
}

TEST_F(StoreSizeIndexTest, AWriteIsCountedInAValidIndexOnly) {
  RecordStoreEntry(state_, "steps", 4096);  // no index: none is made, a walk will count it
  EXPECT_FALSE(fs::exists(StoreSizeIndexPath(state_)));
  WriteIndex("garbage");
  RecordStoreEntry(state_, "steps", 4096);
  EXPECT_FALSE(ReadStoreSizeIndex(state_).has_value());

  WriteIndex(FormatStoreSizeIndex(SampleIndex()));
  RecordStoreEntry(state_, "steps", 4096);
  RecordStoreEntry(state_, "calls", 100);
  RecordStoreChange(state_, "blobs", -100000, -5);  // clamped at zero
  std::optional<StoreSizeIndex> index = ReadStoreSizeIndex(state_);
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(index->stores.at("steps").bytes, 12288u);
  EXPECT_EQ(index->stores.at("steps").entries, 3u);
  EXPECT_EQ(index->stores.at("calls").bytes, 100u);
  EXPECT_EQ(index->stores.at("blobs").bytes, 0u);
  EXPECT_EQ(index->stores.at("blobs").entries, 0u);
  EXPECT_EQ(index->walked, 1700000000);
}

TEST_F(StoreSizeIndexTest, AnIndexThatIsNotARegularFileIsNeitherReadNorFollowed) {
  const fs::path target = state_ / "elsewhere";
  std::ofstream(target) << FormatStoreSizeIndex(SampleIndex());
  fs::create_symlink(target, StoreSizeIndexPath(state_));
  EXPECT_FALSE(ReadStoreSizeIndex(state_).has_value());
  RecordStoreEntry(state_, "steps", 4096);
  Result<StoreSizeIndexLock> lock = StoreSizeIndexLock::Acquire(state_);
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  ASSERT_TRUE(lock->Write(SampleIndex()).ok());
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(StoreSizeIndexPath(state_))));
  std::ifstream in(target);
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(in)), {}),
            FormatStoreSizeIndex(SampleIndex()));  // the symlink's target is untouched
}

TEST_F(StoreSizeIndexTest, TwoProcessesWritingAtOnceKeepACorrectTotal) {
  StoreSizeIndex empty;
  empty.walked = 1700000000;
  WriteIndex(FormatStoreSizeIndex(empty));
  constexpr int kWrites = 400;
  std::vector<pid_t> children;
  for (int child = 0; child < 2; ++child) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      for (int i = 0; i < kWrites; ++i) RecordStoreEntry(state_, child ? "steps" : "blobs", 512);
      _exit(0);
    }
    children.push_back(pid);
  }
  for (int i = 0; i < kWrites; ++i) RecordStoreEntry(state_, "steps", 1024);
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  std::optional<StoreSizeIndex> index = ReadStoreSizeIndex(state_);
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(index->stores.at("steps").entries, 2u * kWrites);
  EXPECT_EQ(index->stores.at("blobs").entries, uint64_t{kWrites});
  EXPECT_EQ(index->TotalBytes(), uint64_t{kWrites} * (512 + 512 + 1024));
}

TEST_F(StoreSizeIndexTest, TreeDiskBytesCountsAHardLinkedFileOnce) {
  fs::create_directories(state_ / "tree");
  std::ofstream(state_ / "tree" / "a") << std::string(10000, 'x');
  const uint64_t alone = TreeDiskBytes(state_ / "tree");
  fs::create_hard_link(state_ / "tree" / "a", state_ / "tree" / "b");
  EXPECT_EQ(TreeDiskBytes(state_ / "tree"), alone);
  EXPECT_GE(alone, 10000u);
  EXPECT_EQ(TreeDiskBytes(state_ / "missing"), 0u);
}

}  // namespace
}  // namespace host
