#include "core/modules/lock_file.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace host::modules {
namespace {
namespace fs = std::filesystem;

LockFile Sample() {
  LockFile lock;
  lock.entries["github.com/acme/modules/probe@v1"] = {"probe", "probe/v1.1.0", std::string(40, 'a'),
                                                      "sha256:" + std::string(64, 'b')};
  lock.entries["oci://127.0.0.1:5000/acme/semver:1.0.0"] = {
      "semver", "1.0.0", "sha256:" + std::string(64, 'c'), "sha256:" + std::string(64, 'd')};
  return lock;
}

TEST(LockFileTest, WritesAndReadsBack) {
  char templ[] = "/tmp/host-lock-XXXXXX";
  const fs::path dir = mkdtemp(templ);
  Result<LockFile> missing = LoadLockFile(dir);
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->entries.empty());
  ASSERT_TRUE(SaveLockFile(dir, Sample()).ok());
  Result<LockFile> read = LoadLockFile(dir);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(*read, Sample());
  // Nothing but the lock file is left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  fs::remove_all(dir);
}

TEST(LockFileTest, RefusesWhatItDoesNotUnderstandAndSaysWhatToDo) {
  const std::string good = SerializeLockFile(Sample());
  struct Case {
    std::string text;
    std::string expected;
  };
  std::string newer = good;
  newer.replace(newer.find("\"lockVersion\": 1"), 16, "\"lockVersion\": 2");
  std::string bad_pin = good;
  bad_pin.replace(bad_pin.find(std::string(40, 'a')), 40, "main");
  std::string unknown = good;
  unknown.replace(unknown.find("\"resolved\""), 10, "\"resolvd\"");
  for (const Case& c : std::vector<Case>{{"[]", "not a JSON object"},
                                         {"{", "not a JSON object"},
                                         {newer, "\"lockVersion\" must be 1"},
                                         {bad_pin, "\"pin\" must be a full commit"},
                                         {unknown, "unknown field \"resolvd\""},
                                         {"{\"lockVersion\":1,\"x\":1}", "unknown field \"x\""}}) {
    Result<LockFile> lock = ParseLockFile(c.text, "/m/host.lock");
    ASSERT_FALSE(lock.ok()) << c.text;
    EXPECT_NE(lock.status().message().find(c.expected), std::string::npos)
        << lock.status().message();
    EXPECT_NE(lock.status().message().find("/m/host.lock"), std::string::npos);
    EXPECT_NE(lock.status().message().find("host update"), std::string::npos);
  }
}

TEST(LockFileTest, ALinkInPlaceOfTheLockFileIsNotFollowed) {
  char templ[] = "/tmp/host-lock-XXXXXX";
  const fs::path dir = mkdtemp(templ);
  fs::create_symlink("/etc/passwd", dir / kLockFileName);
  EXPECT_FALSE(LoadLockFile(dir).ok());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace host::modules
