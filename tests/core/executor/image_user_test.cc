#include "core/executor/image_user.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "tests/core/executor/scratch_dir.h"

namespace host {
namespace {

namespace fs = std::filesystem;

class ImageUserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(scratch_.path() / "root/etc");
    std::ofstream(scratch_.path() / "root/etc/passwd") << "root:x:0:0:root:/root:/bin/sh\n"
                                                       << "# a comment\n"
                                                       << "app:x:1001:1002:App:/srv/app:/bin/sh\n";
    std::ofstream(scratch_.path() / "root/etc/group")
        << "root:x:0:\napp:x:1002:\ndocker:x:998:app,other\nstaff:x:50:other\n";
    fd_ = open((scratch_.path() / "root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(fd_, 0);
  }
  void TearDown() override { close(fd_); }

  ImageUser Resolve(const std::string& user) {
    Result<ImageUser> resolved = ResolveImageUser(fd_, user);
    EXPECT_TRUE(resolved.ok()) << resolved.status().message();
    return resolved.ok() ? *resolved : ImageUser{};
  }

  test::ScratchDir scratch_;
  int fd_ = -1;
};

TEST_F(ImageUserTest, EmptyMeansRoot) {
  ImageUser user = Resolve("");
  EXPECT_EQ(user.uid, 0u);
  EXPECT_EQ(user.gid, 0u);
  EXPECT_EQ(user.home, "/root");
}

TEST_F(ImageUserTest, NamesComeFromTheImage) {
  ImageUser user = Resolve("app");
  EXPECT_EQ(user.uid, 1001u);
  EXPECT_EQ(user.gid, 1002u);
  EXPECT_EQ(user.home, "/srv/app");
  EXPECT_EQ(user.additional_gids, std::vector<gid_t>{998});
  EXPECT_EQ(Resolve("app:staff").gid, 50u);
  EXPECT_EQ(Resolve("app:7").gid, 7u);
}

TEST_F(ImageUserTest, NumbersNeedNoEntry) {
  ImageUser known = Resolve("1001");
  EXPECT_EQ(known.gid, 1002u);
  EXPECT_EQ(known.home, "/srv/app");
  ImageUser unknown = Resolve("5000");
  EXPECT_EQ(unknown.uid, 5000u);
  EXPECT_EQ(unknown.gid, 0u);
  EXPECT_EQ(unknown.home, "/");
  EXPECT_EQ(Resolve("5000:6000").gid, 6000u);
}

TEST_F(ImageUserTest, UnknownNamesAndBadFormsAreUsageErrors) {
  for (const char* bad : {"ghost", "app:ghosts", ":1", "1:", "-1"}) {
    Result<ImageUser> resolved = ResolveImageUser(fd_, bad);
    ASSERT_FALSE(resolved.ok()) << bad;
    EXPECT_EQ(resolved.status().kind(), ErrorKind::kUsage) << bad;
  }
}

TEST_F(ImageUserTest, LinksDoNotLeaveTheRoot) {
  // An absolute link resolves inside the image, not on the host.
  fs::remove(scratch_.path() / "root/etc/passwd");
  fs::create_directories(scratch_.path() / "root/real");
  std::ofstream(scratch_.path() / "root/real/passwd") << "inside:x:77:77::/in:/bin/sh\n";
  fs::create_symlink("/real/passwd", scratch_.path() / "root/etc/passwd");
  EXPECT_EQ(Resolve("inside").uid, 77u);
}

}  // namespace
}  // namespace host
