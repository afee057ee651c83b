// `host cache du`, prune and eviction over the store size index: walks rewrite the index exactly,
// prunes subtract what they free (a file shared by hard links when its last link goes), and
// eviction decides from the index, walking only when over the limit or when the index is not
// valid.
#include "core/engine/cache_admin.h"

#include <gtest/gtest.h>
#include <utime.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/base/best_effort.h"
#include "core/base/store_size_index.h"
#include "core/types/store_leases.h"
#include "tests/support/run.h"

namespace host {
namespace {

namespace fs = std::filesystem;
using Clock = fs::file_time_type::clock;

constexpr size_t kFileSize = 64 * 1024;  // 16 blocks of 4 KiB: measured the same on every disk

class CacheAdminTest : public ::testing::Test {
 protected:
  void SetUp() override { state_ = test::TempDir(); }
  void TearDown() override { RemoveTreeBestEffort(state_); }

  // Makes an entry (a folder holding one file of kFileSize bytes) last used `age` ago.
  fs::path MakeEntry(const std::string& entry, std::chrono::minutes age) const {
    const fs::path dir = state_ / entry;
    fs::create_directories(dir);
    std::ofstream(dir / "data") << std::string(kFileSize, 'x');
    fs::last_write_time(dir, Clock::now() - age);
    return dir;
  }
  // Lets the next eviction check walk (it may once a minute).
  void AgeStamp() const { fs::remove(state_ / "last-eviction"); }
  uint64_t Indexed() const {
    std::optional<StoreSizeIndex> index = ReadStoreSizeIndex(state_);
    return index ? index->TotalBytes() : UINT64_MAX;
  }
  uint64_t Walked() const {
    uint64_t total = 0;
    for (const StoreUsage& usage : CacheUsage(state_)) {
      if (usage.name != "caches") total += usage.bytes;
    }
    return total;
  }
  static const StoreUsage& Store(const std::vector<StoreUsage>& usage, const std::string& name) {
    for (const StoreUsage& store : usage) {
      if (store.name == name) return store;
    }
    static const StoreUsage kNone;
    return kNone;
  }
  fs::path state_;
};

TEST_F(CacheAdminTest, DuCountsEveryStoreAndRewritesTheIndex) {
  MakeEntry("steps/a", std::chrono::minutes(3));
  MakeEntry("sources/b", std::chrono::minutes(3));
  MakeEntry("calls/c", std::chrono::minutes(3));
  std::ofstream(StoreSizeIndexPath(state_)) << "garbage";
  std::vector<StoreUsage> usage = CacheUsage(state_);
  EXPECT_EQ(Store(usage, "steps").entries, 1u);
  EXPECT_EQ(Store(usage, "sources").entries, 1u);
  EXPECT_GE(Store(usage, "sources").bytes, kFileSize);
  std::optional<StoreSizeIndex> index = ReadStoreSizeIndex(state_);
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(index->stores.at("steps").entries, 1u);
  EXPECT_EQ(index->stores.at("steps").bytes, Store(usage, "steps").bytes);
  EXPECT_EQ(index->TotalBytes(), Walked());
}

TEST_F(CacheAdminTest, AWriteAndAPruneKeepTheIndexEqualToAWalk) {
  MakeEntry("steps/old", std::chrono::minutes(10));
  CacheUsage(state_);  // builds the index
  // A writer's call after it renamed its entry in.
  const fs::path fresh = MakeEntry("derived/new", std::chrono::minutes(1));
  RecordStoreEntry(state_, "derived", TreeDiskBytes(fresh));
  const uint64_t indexed = Indexed();
  EXPECT_EQ(indexed, Walked());
  size_t removed = 0;
  Result<uint64_t> freed = PruneCache(state_, indexed - 1, &removed);
  ASSERT_TRUE(freed.ok()) << freed.status().message();
  EXPECT_EQ(removed, 1u);
  EXPECT_FALSE(fs::exists(state_ / "steps/old"));  // the least recently used
  EXPECT_TRUE(fs::exists(fresh));
  const uint64_t after = Indexed();
  EXPECT_EQ(after, indexed - *freed);
  EXPECT_EQ(after, Walked());
}

TEST_F(CacheAdminTest, SnapshotsSharingFilesAreFreedWhenTheLastLinkGoes) {
  const fs::path first = MakeEntry("snapshots/first", std::chrono::minutes(10));
  fs::create_directories(state_ / "snapshots/second");
  fs::create_hard_link(first / "data", state_ / "snapshots/second/data");
  std::ofstream(state_ / "snapshots/second/own") << std::string(kFileSize, 'y');
  fs::last_write_time(state_ / "snapshots/second", Clock::now() - std::chrono::minutes(5));
  std::vector<StoreUsage> usage = CacheUsage(state_);
  const StoreUsage& snapshots = Store(usage, "snapshots");
  EXPECT_EQ(snapshots.entries, 2u);
  EXPECT_EQ(snapshots.shared_bytes, FileDiskBytes(first / "data"));
  EXPECT_GE(snapshots.bytes - snapshots.shared_bytes, kFileSize);  // "own", and the folders

  // The oldest snapshot alone frees only its folder: its file is still linked from the other.
  const uint64_t total = Walked();
  size_t removed = 0;
  Result<uint64_t> freed = PruneCache(state_, total - 1, &removed);
  ASSERT_TRUE(freed.ok());
  EXPECT_EQ(removed, 1u);
  EXPECT_LT(*freed, kFileSize);
  {
    const uint64_t indexed = Indexed();  // before the walk, which rewrites it
    EXPECT_EQ(indexed, Walked());
  }
  // Removing the other frees the shared file with its last link.
  freed = PruneCache(state_, 0, &removed);
  ASSERT_TRUE(freed.ok());
  EXPECT_GE(*freed, 2 * kFileSize);
  EXPECT_EQ(Indexed(), 0u);
}

TEST_F(CacheAdminTest, EvictionDecidesFromTheIndexWithoutWalking) {
  for (int i = 0; i < 4; ++i) MakeEntry("steps/" + std::to_string(i), std::chrono::minutes(10));
  CacheUsage(state_);
  // An index that says the stores are small: eviction trusts it and removes nothing, even with
  // the once-a-minute stamp old, so it did not walk.
  {
    Result<StoreSizeIndexLock> lock = StoreSizeIndexLock::Acquire(state_);
    ASSERT_TRUE(lock.ok());
    std::optional<StoreSizeIndex> small = lock->Read();
    ASSERT_TRUE(small.has_value());
    small->stores["steps"].bytes = 1;
    ASSERT_TRUE(lock->Write(*small).ok());
  }
  AgeStamp();
  EXPECT_EQ(EvictIfOver(state_, kFileSize, Clock::now()), 0u);
  EXPECT_EQ(std::distance(fs::directory_iterator(state_ / "steps"), fs::directory_iterator()), 4);
}

TEST_F(CacheAdminTest, EvictionRemovesTheLeastRecentlyUsedUnleasedEntries) {
  MakeEntry("steps/oldest", std::chrono::minutes(40));
  MakeEntry("layers/leased", std::chrono::minutes(30));
  MakeEntry("calls/older", std::chrono::minutes(20));
  MakeEntry("blobs/sha256/newer", std::chrono::minutes(10));
  MakeEntry("steps/this-run", std::chrono::minutes(0));
  CacheUsage(state_);
  StoreLeases leases(state_);
  Result<bool> held = leases.Hold({state_ / "layers/leased"});
  ASSERT_TRUE(held.ok() && *held);
  fs::last_write_time(state_ / "layers/leased", Clock::now() - std::chrono::minutes(30));
  // Four entries fit the limit (80% of it after eviction: three).
  const uint64_t entry = Indexed() / 5;
  AgeStamp();
  EXPECT_EQ(EvictIfOver(state_, entry * 4, Clock::now() - std::chrono::minutes(1)), 2u);
  EXPECT_FALSE(fs::exists(state_ / "steps/oldest"));
  EXPECT_FALSE(fs::exists(state_ / "calls/older"));
  EXPECT_TRUE(fs::exists(state_ / "layers/leased"));
  EXPECT_TRUE(fs::exists(state_ / "blobs/sha256/newer"));
  EXPECT_TRUE(fs::exists(state_ / "steps/this-run"));
  {
    const uint64_t indexed = Indexed();  // before the walk, which rewrites it
    EXPECT_EQ(indexed, Walked());
  }
  // Under the limit now: the next check is decided by the index alone.
  AgeStamp();
  EXPECT_EQ(EvictIfOver(state_, entry * 4, Clock::now()), 0u);
  EXPECT_FALSE(fs::exists(state_ / "last-eviction"));
}

TEST_F(CacheAdminTest, AMissingTruncatedOrGarbageIndexIsRebuiltByAWalk) {
  MakeEntry("steps/a", std::chrono::minutes(10));
  MakeEntry("steps/b", std::chrono::minutes(10));
  CacheUsage(state_);
  const std::string good = [&] {
    std::ifstream in(StoreSizeIndexPath(state_));
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }();
  for (const std::string& bad : {std::string(), good.substr(0, good.size() / 2),
                                 std::string("\x01\xff garbage\n"), std::string("-")}) {
    if (bad == "-") {
      fs::remove(StoreSizeIndexPath(state_));
    } else {
      std::ofstream(StoreSizeIndexPath(state_), std::ios::trunc) << bad;
    }
    RecordStoreEntry(state_, "steps", 1);  // a writer leaves an invalid index alone
    AgeStamp();
    EXPECT_EQ(EvictIfOver(state_, uint64_t{1} << 40, Clock::now()), 0u);
    const uint64_t indexed = Indexed();
    EXPECT_EQ(indexed, Walked()) << bad;
  }
  // A stale index (its last walk a day old) is walked again too.
  {
    Result<StoreSizeIndexLock> lock = StoreSizeIndexLock::Acquire(state_);
    ASSERT_TRUE(lock.ok());
    std::optional<StoreSizeIndex> index = lock->Read();
    ASSERT_TRUE(index.has_value());
    index->walked -= 2 * 24 * 3600;
    index->stores["steps"].bytes = 0;
    ASSERT_TRUE(lock->Write(*index).ok());
  }
  AgeStamp();
  EXPECT_EQ(EvictIfOver(state_, uint64_t{1} << 40, Clock::now()), 0u);
  {
    const uint64_t indexed = Indexed();  // before the walk, which rewrites it
    EXPECT_EQ(indexed, Walked());
  }
}

}  // namespace
}  // namespace host
