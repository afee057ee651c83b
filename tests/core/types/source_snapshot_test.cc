// Snapshots of host folders: the same digest as a full copy, unchanged files never read again,
// shared by hard links with the previous snapshot, and a folder that changes while it is read.
#include "core/types/source_snapshot.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/types/source_index.h"
#include "core/types/store_leases.h"
#include "tests/support/run.h"

namespace host {
namespace {

namespace fs = std::filesystem;

class SourceSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = test::TempDir();
    src_ = root_ + "/src";
    fs::create_directories(src_ + "/a/b");
    fs::create_directories(src_ + "/empty");
    Write("a/one.txt", "one\n");
    Write("a/b/two.txt", "two\n");
    Write("a-c", "dash sorts before slash\n");
    Write("tool.sh", "#!/bin/sh\necho hi\n");
    fs::permissions(src_ + "/tool.sh", fs::perms(0755));
    Write("name with\nnewline", "odd\n");
    fs::create_symlink("/etc", src_ + "/etc-link");
    fs::create_symlink("a/one.txt", src_ + "/rel-link");
    mkfifo((src_ + "/fifo").c_str(), 0644);
    leases_ = std::make_unique<StoreLeases>(root_ + "/state");
    store_ = std::make_unique<SnapshotStore>(root_ + "/state/snapshots", leases_.get());
  }
  void TearDown() override { fs::remove_all(root_); }

  void Write(const std::string& relative, const std::string& text) {
    std::ofstream(src_ + "/" + relative, std::ios::binary) << text;
  }
  // Sets a file's modification time back, as if it was written long before the walk.
  void Age(const std::string& relative) {
    const fs::path path = src_ + "/" + relative;
    fs::last_write_time(path, fs::last_write_time(path) - std::chrono::hours(1));
  }
  void AgeAll() {
    for (const auto& e : fs::recursive_directory_iterator(src_)) {
      if (e.is_regular_file() && !e.is_symlink()) {
        fs::last_write_time(e.path(), fs::last_write_time(e.path()) - std::chrono::hours(1));
      }
    }
    // ctime cannot be set back: wait out the window in which a change may hide in a tick.
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  }

  Result<Snapshot> Take(SourceSnapshotStats* stats = nullptr, const PathFilter& filter = {}) {
    return SnapshotHostFolder(*store_, root_ + "/state/sources", src_, filter, stats);
  }

  // The digest the store gave snapshots before: a full copy, then TreeDigest.
  std::string CopiedDigest(const PathFilter& filter = {}) {
    const fs::path copy = root_ + "/copy";
    fs::remove_all(copy);
    EXPECT_TRUE(CopyTree(src_, copy, filter).ok());
    return TreeDigest(copy);
  }

  std::string root_;
  std::string src_;
  std::unique_ptr<StoreLeases> leases_;
  std::unique_ptr<SnapshotStore> store_;
};

TEST_F(SourceSnapshotTest, DigestIsThatOfAFullCopyAndOfTheStoredTree) {
  Result<Snapshot> snap = Take();
  ASSERT_TRUE(snap.ok()) << snap.status().message();
  EXPECT_EQ(snap->digest, CopiedDigest());
  EXPECT_EQ(snap->digest, TreeDigest(snap->path));
  EXPECT_TRUE(fs::is_symlink(snap->path / "etc-link"));
  EXPECT_EQ(fs::read_symlink(snap->path / "etc-link"), "/etc");
  EXPECT_FALSE(fs::exists(snap->path / "fifo"));
  EXPECT_TRUE(fs::is_directory(snap->path / "empty"));
  EXPECT_EQ(fs::status(snap->path / "tool.sh").permissions() & fs::perms::owner_exec,
            fs::perms::owner_exec);
}

TEST_F(SourceSnapshotTest, FiltersMatchACopyAndExcludedFoldersAreNeverWalked) {
  // Deeper than a walk accepts: walking it would fail.
  std::string deep = src_ + "/node_modules";
  for (int i = 0; i < 300; ++i) deep += "/d";
  fs::create_directories(deep);
  PathFilter filter;
  filter.exclude = {"node_modules", "*.sh"};
  Result<Snapshot> snap = Take(nullptr, filter);
  ASSERT_TRUE(snap.ok()) << snap.status().message();
  EXPECT_FALSE(fs::exists(snap->path / "node_modules"));
  EXPECT_FALSE(fs::exists(snap->path / "tool.sh"));
  fs::remove_all(src_ + "/node_modules");
  EXPECT_EQ(snap->digest, CopiedDigest(filter));

  PathFilter only_txt;
  only_txt.include = {"*.txt"};
  Result<Snapshot> txt = Take(nullptr, only_txt);
  ASSERT_TRUE(txt.ok()) << txt.status().message();
  EXPECT_EQ(txt->digest, CopiedDigest(only_txt));
  EXPECT_TRUE(fs::exists(txt->path / "a/b/two.txt"));
  EXPECT_FALSE(fs::exists(txt->path / "a-c"));
}

TEST_F(SourceSnapshotTest, TooDeepATreeIsAClearError) {
  std::string deep = src_;
  for (int i = 0; i < 300; ++i) deep += "/d";
  fs::create_directories(deep);
  Result<Snapshot> snap = Take();
  ASSERT_FALSE(snap.ok());
  EXPECT_NE(snap.status().message().find("nests deeper than"), std::string::npos);
  EXPECT_NE(snap.status().message().find("--exclude"), std::string::npos);
}

TEST_F(SourceSnapshotTest, AnUnchangedFolderIsNotReadAgain) {
  AgeAll();
  SourceSnapshotStats first;
  Result<Snapshot> a = Take(&first);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(first.files, 5u);
  EXPECT_EQ(first.read, 5u);
  EXPECT_TRUE(first.stored);
  SourceSnapshotStats second;
  Result<Snapshot> b = Take(&second);
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(b->digest, a->digest);
  EXPECT_EQ(second.files, 5u);
  EXPECT_EQ(second.read, 0u);
  EXPECT_FALSE(second.stored);
}

TEST_F(SourceSnapshotTest, AChangedFileIsReadAndTheOthersAreShared) {
  AgeAll();
  Result<Snapshot> a = Take();
  ASSERT_TRUE(a.ok()) << a.status().message();
  Write("a/one.txt", "one, changed\n");
  SourceSnapshotStats stats;
  Result<Snapshot> b = Take(&stats);
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_NE(b->digest, a->digest);
  EXPECT_EQ(b->digest, CopiedDigest());
  EXPECT_EQ(b->digest, TreeDigest(b->path));
  EXPECT_EQ(stats.read, 1u);
  EXPECT_EQ(stats.linked, 4u);
  // The unchanged file is the same inode in both snapshots; the old snapshot is untouched.
  EXPECT_EQ(fs::hard_link_count(b->path / "a/b/two.txt"), 2u);
  EXPECT_EQ(TreeDigest(a->path), a->digest);
  std::ifstream in(b->path / "a/one.txt");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "one, changed\n");
}

TEST_F(SourceSnapshotTest, AnUnusedPreviousSnapshotBecomesTheNextInPlace) {
  fs::create_directories(src_ + "/same/deeper");
  Write("same/inner.txt", "unchanged\n");
  Write("same/deeper/inner.txt", "unchanged too\n");
  AgeAll();
  Result<Snapshot> a = Take();
  ASSERT_TRUE(a.ok()) << a.status().message();
  // A snapshot derived from it shares its files: it must not change.
  Result<Snapshot> derived = store_->Make([&](const fs::path& to) {
    std::ofstream(to / "unrelated") << "";  // not a copy of a: its own entry
    return CopyTree(a->path, to, {}, /*link=*/true);
  });
  ASSERT_TRUE(derived.ok());
  ASSERT_NE(derived->path, a->path);
  ASSERT_EQ(TreeDigest(derived->path), derived->digest);
  EXPECT_EQ(fs::hard_link_count(derived->path / "a/one.txt"), 2u);
  // A new process: the old snapshot is no longer in use.
  store_.reset();
  leases_ = std::make_unique<StoreLeases>(root_ + "/state");
  store_ = std::make_unique<SnapshotStore>(root_ + "/state/snapshots", leases_.get());

  Write("a/one.txt", "one, changed\n");
  fs::remove(src_ + "/a-c");
  fs::remove_all(src_ + "/a/b");
  Write("a/b", "a folder became a file\n");
  fs::create_directories(src_ + "/new/deeper");
  Write("new/deeper/file", "new\n");
  fs::remove(src_ + "/rel-link");
  fs::create_directories(src_ + "/rel-link");
  fs::remove(src_ + "/etc-link");
  fs::create_symlink("/usr", src_ + "/etc-link");
  fs::permissions(src_ + "/empty", fs::perms(0700));
  fs::permissions(src_ + "/tool.sh", fs::perms(0644));
  SourceSnapshotStats stats;
  Result<Snapshot> b = Take(&stats);
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_TRUE(stats.adopted);
  EXPECT_EQ(stats.read, 4u);  // a/one.txt, a/b, new/deeper/file, tool.sh (its mode)
  EXPECT_EQ(b->digest, CopiedDigest());
  EXPECT_TRUE(fs::is_regular_file(b->path / "same/deeper/inner.txt"));
  EXPECT_EQ(TreeDigest(b->path), b->digest);
  EXPECT_FALSE(fs::exists(a->path));
  EXPECT_EQ(TreeDigest(derived->path), derived->digest);
  // Taken again, unchanged: found as it is.
  AgeAll();
  Result<Snapshot> c = Take();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->digest, b->digest);
}

TEST_F(SourceSnapshotTest, AFileChangedJustBeforeTheWalkIsReadAgainNextTime) {
  // Written now: within the timestamp window of the walk, so its metadata cannot vouch for it.
  ASSERT_TRUE(Take().ok());
  SourceSnapshotStats stats;
  ASSERT_TRUE(Take(&stats).ok());
  EXPECT_EQ(stats.read, 5u);
}

TEST_F(SourceSnapshotTest, ModeChangesAndRemovalsShow) {
  AgeAll();
  ASSERT_TRUE(Take().ok());
  fs::permissions(src_ + "/a/one.txt", fs::perms(0700));
  fs::remove(src_ + "/a-c");
  fs::remove(src_ + "/rel-link");
  fs::create_symlink("tool.sh", src_ + "/rel-link");
  Result<Snapshot> b = Take();
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(b->digest, CopiedDigest());
  EXPECT_EQ(b->digest, TreeDigest(b->path));
}

TEST_F(SourceSnapshotTest, ADamagedIndexIsIgnored) {
  AgeAll();
  Result<Snapshot> a = Take();
  ASSERT_TRUE(a.ok());
  for (const auto& e : fs::directory_iterator(root_ + "/state/sources")) {
    std::ofstream(e.path(), std::ios::binary | std::ios::trunc) << "host-source-index-1\ngarbage";
  }
  SourceSnapshotStats stats;
  Result<Snapshot> b = Take(&stats);
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(b->digest, a->digest);
  EXPECT_EQ(stats.read, 5u);
}

TEST_F(SourceSnapshotTest, AFileStillWrittenIsNamed) {
  Write("growing.log", std::string(16 << 20, 'x'));
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    std::ofstream out(src_ + "/growing.log", std::ios::app);
    while (!stop) {
      out << 'y' << std::flush;
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  });
  Result<Snapshot> snap = Take();
  stop = true;
  writer.join();
  ASSERT_FALSE(snap.ok());
  EXPECT_NE(snap.status().message().find("growing.log kept changing"), std::string::npos)
      << snap.status().message();
  // Nothing half-written is left in the store.
  for (const auto& e : fs::directory_iterator(root_ + "/state/snapshots")) {
    ADD_FAILURE() << "left in the store: " << e.path();
  }
}

TEST_F(SourceSnapshotTest, FilesAppearingAndVanishingGiveConsistentSnapshots) {
  // As an editor saving or `git gc` packing objects do: files and folders come and go.
  std::atomic<bool> stop{false};
  std::thread churn([&] {
    for (int i = 0; !stop; ++i) {
      const std::string dir = src_ + "/objects/" + std::to_string(i % 7);
      std::error_code ec;
      fs::create_directories(dir, ec);
      std::ofstream(dir + "/obj" + std::to_string(i % 13)) << "object " << i;
      if (i % 3 == 0) fs::remove_all(src_ + "/objects/" + std::to_string((i + 3) % 7), ec);
    }
  });
  for (int run = 0; run < 30; ++run) {
    Result<Snapshot> snap = Take();
    ASSERT_TRUE(snap.ok()) << snap.status().message();
    EXPECT_EQ(TreeDigest(snap->path), snap->digest);
  }
  stop = true;
  churn.join();
}

TEST_F(SourceSnapshotTest, AFolderSwappedForALinkNeverLeadsOut) {
  // A folder replaced by a link to /etc, back and forth, while snapshots are taken: no snapshot
  // holds a file of /etc.
  fs::create_directories(src_ + "/swap");
  Write("swap/passwd", "mine\n");
  std::atomic<bool> stop{false};
  std::thread swapper([&] {
    std::error_code ec;
    while (!stop) {
      fs::rename(src_ + "/swap", src_ + "/swap.away", ec);
      fs::create_symlink("/etc", src_ + "/swap", ec);
      fs::remove(src_ + "/swap", ec);
      fs::rename(src_ + "/swap.away", src_ + "/swap", ec);
    }
  });
  for (int run = 0; run < 30; ++run) {
    Result<Snapshot> snap = Take();
    ASSERT_TRUE(snap.ok()) << snap.status().message();
    std::error_code ec;
    if (fs::is_symlink(snap->path / "swap", ec)) continue;  // taken as the link it was
    if (fs::is_regular_file(snap->path / "swap/passwd", ec)) {
      std::ifstream in(snap->path / "swap/passwd");
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      EXPECT_EQ(text, "mine\n");
    }
    EXPECT_FALSE(fs::exists(snap->path / "swap/shadow", ec));
  }
  stop = true;
  swapper.join();
}

TEST(SourceIndexTest, RoundTripsAndRefusesDamage) {
  SourceIndex index;
  index.walk_start_ns = 123;
  index.snapshot_hex = std::string(64, 'a');
  SourceFileRecord r;
  r.path = "a/b";
  r.metadata.size = 5;
  r.metadata.mode = 0100644;
  r.racy = true;
  r.sha256[0] = 7;
  index.files.push_back(r);
  r.path = "a-c";
  r.racy = false;
  index.files.push_back(r);
  const std::string bytes = SerializeSourceIndex(index);
  std::optional<SourceIndex> back = ParseSourceIndex(bytes);
  ASSERT_TRUE(back.has_value());
  ASSERT_EQ(back->files.size(), 2u);
  EXPECT_EQ(back->snapshot_hex, index.snapshot_hex);
  ASSERT_NE(back->Find("a/b"), nullptr);
  EXPECT_TRUE(back->Find("a/b")->racy);
  EXPECT_EQ(back->Find("a/b")->sha256[0], 7);
  EXPECT_EQ(back->Find("a/c"), nullptr);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(ParseSourceIndex(bytes.substr(0, cut)).has_value()) << cut;
  }
  std::swap(index.files[0], index.files[1]);  // out of walk order
  EXPECT_FALSE(ParseSourceIndex(SerializeSourceIndex(index)).has_value());
}

}  // namespace
}  // namespace host
