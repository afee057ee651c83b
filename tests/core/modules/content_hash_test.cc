#include "core/modules/content_hash.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace host::modules {
namespace {
namespace fs = std::filesystem;

class ContentHashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/host-content-hash-XXXXXX";
    root_ = mkdtemp(templ);
    fs::create_directories(root_ / "src");
    Write("module.json", "{}");
    Write("src/a.cc", "int a;");
    fs::create_symlink("a.cc", root_ / "src" / "link");
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(root_ / name, std::ios::binary | std::ios::trunc) << text;
  }
  std::string Hash() {
    Result<std::string> h = ContentHash(root_);
    EXPECT_TRUE(h.ok()) << h.status().message();
    return h.ok() ? *h : "";
  }
  fs::path root_;
};

TEST_F(ContentHashTest, EveryKindOfChangeChangesTheHash) {
  const std::string first = Hash();
  EXPECT_EQ(first.rfind("sha256:", 0), 0u);
  EXPECT_EQ(Hash(), first);  // stable
  Write("src/a.cc", "int b;");
  const std::string bytes = Hash();
  EXPECT_NE(bytes, first);
  chmod((root_ / "src/a.cc").c_str(), 0755);
  const std::string exec = Hash();
  EXPECT_NE(exec, bytes);
  fs::remove(root_ / "src/link");
  fs::create_symlink("/etc/passwd", root_ / "src" / "link");
  const std::string link = Hash();
  EXPECT_NE(link, exec);
  fs::rename(root_ / "src/a.cc", root_ / "src/b.cc");
  EXPECT_NE(Hash(), link);
}

TEST_F(ContentHashTest, BuildOutputAndGitFoldersAreLeftOut) {
  const std::string first = Hash();
  fs::create_directories(root_ / "build");
  Write("build/libx.so", "built");
  fs::create_directories(root_ / ".git");
  Write(".git/HEAD", "ref");
  EXPECT_EQ(Hash(), first);
  fs::create_directories(root_ / "src/build");  // only the top build folder is output
  EXPECT_NE(Hash(), first);
}

TEST_F(ContentHashTest, ASpecialFileIsRefusedByName) {
  ASSERT_EQ(mkfifo((root_ / "src/pipe").c_str(), 0600), 0);
  Result<std::string> h = ContentHash(root_);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.status().message().find("src/pipe"), std::string::npos) << h.status().message();
}

}  // namespace
}  // namespace host::modules
