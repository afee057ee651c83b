#include "core/base/file_write.h"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/base/best_effort.h"
#include "tests/support/run.h"

namespace host {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

class FileWriteTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir(); }
  void TearDown() override { RemoveTreeBestEffort(dir_); }
  fs::path dir_;
};

TEST_F(FileWriteTest, WritesTheWholeFileWithItsModeAndReplacesAnOldOne) {
  const fs::path file = dir_ / "f";
  std::ofstream(file) << "an older and longer content";
  ASSERT_TRUE(WriteWholeFile(file, "new", 0640).ok());
  EXPECT_EQ(ReadAll(file), "new");
  struct stat st {};
  ASSERT_EQ(lstat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
}

TEST_F(FileWriteTest, NeverWritesThroughAHardLink) {
  std::ofstream(dir_ / "stored") << "stored bytes";
  fs::create_hard_link(dir_ / "stored", dir_ / "linked");
  ASSERT_TRUE(WriteWholeFile(dir_ / "linked", "new").ok());
  EXPECT_EQ(ReadAll(dir_ / "linked"), "new");
  EXPECT_EQ(ReadAll(dir_ / "stored"), "stored bytes");
}

TEST_F(FileWriteTest, CreateRefusesAFileThatIsThereAndKeepsIt) {
  std::ofstream(dir_ / "there") << "keep";
  Status created = CreateWholeFile(dir_ / "there", "new", 0644, Durability::kPageCache, "/there");
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.message().find("cannot create /there: File exists"), std::string::npos)
      << created.message();
  EXPECT_EQ(ReadAll(dir_ / "there"), "keep");
}

TEST_F(FileWriteTest, RefusesASymlinkAndLeavesWhatItLeadsTo) {
  std::ofstream(dir_ / "target") << "keep";
  fs::create_symlink(dir_ / "target", dir_ / "link");
  Status written = WriteWholeFile(dir_ / "link", "over");
  EXPECT_FALSE(written.ok());
  EXPECT_EQ(ReadAll(dir_ / "target"), "keep");
  EXPECT_TRUE(fs::is_symlink(dir_ / "link"));
}

TEST_F(FileWriteTest, RefusesADeviceAndNeverRemovesIt) {
  const fs::path device = dir_ / "null";  // a private copy of /dev/null
  if (mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
    GTEST_SKIP() << "cannot make a device node (tests must run as root)";
  }
  struct stat before {};
  ASSERT_EQ(lstat(device.c_str(), &before), 0);
  Status written = WriteWholeFile(device, "bytes", 0600);
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.message().find("not a regular file"), std::string::npos) << written.message();
  struct stat st {};
  ASSERT_EQ(lstat(device.c_str(), &st), 0) << "the device was removed";
  EXPECT_EQ(st.st_mode, before.st_mode);
}

TEST_F(FileWriteTest, AWriteOnAFullDiskLeavesNoFileAndSaysWhatToDo) {
  const fs::path small = dir_ / "small";
  fs::create_directories(small);
  if (mount("tmpfs", small.c_str(), "tmpfs", 0, "size=16k") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs (tests must run as root)";
  }
  const fs::path file = small / "big";
  Status written = WriteWholeFile(file, std::string(100000, 'x'));
  const bool left = fs::exists(file);
  umount2(small.c_str(), MNT_DETACH);
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.message().find(file.string() + ": No space left on device"), std::string::npos)
      << written.message();
  EXPECT_NE(written.message().find("cache_size"), std::string::npos) << written.message();
  EXPECT_FALSE(left) << "a failed write left its file";
}

TEST(WriteErrorText, AFullDiskSaysWhatToDo) {
  EXPECT_NE(WriteErrorText(ENOSPC).find("No space left on device"), std::string::npos);
  EXPECT_NE(WriteErrorText(ENOSPC).find("cache_size"), std::string::npos);
  EXPECT_NE(WriteErrorText(EDQUOT).find("cache_size"), std::string::npos);
  EXPECT_EQ(WriteErrorText(EACCES).find("cache_size"), std::string::npos);
}

TEST_F(FileWriteTest, BestEffortRemovalIgnoresWhatIsMissing) {
  fs::create_directories(dir_ / "tree/inner");
  std::ofstream(dir_ / "tree/inner/f") << "x";
  RemoveTreeBestEffort(dir_ / "tree");
  EXPECT_FALSE(fs::exists(dir_ / "tree"));
  RemoveTreeBestEffort(dir_ / "tree");  // nothing there: no error, no throw
  std::ofstream(dir_ / "file") << "x";
  RemoveBestEffort(dir_ / "file");
  EXPECT_FALSE(fs::exists(dir_ / "file"));
  RemoveBestEffort(dir_ / "file");
}

}  // namespace
}  // namespace host
