// A module built in the sandbox takes the compilers the user chose (CC, CXX and the flags), as a
// build outside it does, and a compiler the sandbox cannot run is named with the build's PATH.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "core/engine/engine.h"
#include "tests/support/run.h"

namespace host {
namespace {
namespace fs = std::filesystem;

class SandboxedBuildTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::TempDir();
    test::Ran ran = test::RunHost({"init", "--name", "boxed", "--sdk", "c"}, {}, dir_);
    ASSERT_EQ(ran.exit_code, 0) << ran.err;
  }
  void TearDown() override {
    unsetenv("CC");
    fs::remove_all(dir_);
  }

  // Loads the module boxed from its sources in a sandboxed engine.
  Result<const ModuleInfo*> LoadSandboxed() {
    RuntimeOptions options;
    options.state_dir = dir_ + "/state";
    options.sandbox = true;
    engine_ = std::make_unique<Runtime>(options);
    return engine_->Load(dir_ + "/boxed");
  }

  std::string dir_;
  std::unique_ptr<Runtime> engine_;
};

TEST_F(SandboxedBuildTest, TheUsersCompilerBuildsTheModuleInTheSandbox) {
  setenv("CC", "clang", 1);
  Result<const ModuleInfo*> loaded = LoadSandboxed();
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const std::string comment =
      test::Run({"readelf", "-p", ".comment", dir_ + "/boxed/build/libboxed.so"}).out;
  EXPECT_NE(comment.find("clang version"), std::string::npos) << comment;
}

TEST_F(SandboxedBuildTest, ACompilerTheSandboxCannotRunIsNamedWithItsPath) {
  setenv("CC", "no-such-cc", 1);
  Result<const ModuleInfo*> loaded = LoadSandboxed();
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find(
                "CC is 'no-such-cc', but no program 'no-such-cc' is on the build's PATH ("),
            std::string::npos)
      << loaded.status().message();
}

// The text of a file, or "" when it cannot be read.
std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_F(SandboxedBuildTest, LinksTheBuildPlantsForTheFilesHostWritesAreNotFollowed) {
  // A hostile module's configure step, run in the sandbox with its build folder writable, points
  // the files host writes after it (the build log, the stamp) at files of the user outside it.
  const std::string log_victim = dir_ + "/log-victim";
  const std::string stamp_victim = dir_ + "/stamp-victim";
  {
    std::ofstream(log_victim) << "untouched\n";
    std::ofstream(stamp_victim) << "untouched\n";
    std::ofstream cmake(dir_ + "/boxed/CMakeLists.txt", std::ios::app);
    cmake << "file(REMOVE ${CMAKE_BINARY_DIR}/host-build.log)\n"
          << "file(CREATE_LINK " << log_victim << " ${CMAKE_BINARY_DIR}/host-build.log SYMBOLIC)\n"
          << "file(CREATE_LINK " << stamp_victim
          << " ${CMAKE_BINARY_DIR}/.host-source-digest.tmp SYMBOLIC)\n"
          << "add_custom_target(shout ALL COMMAND echo planted-line)\n";
  }
  Result<const ModuleInfo*> loaded = LoadSandboxed();
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(ReadText(log_victim), "untouched\n");
  EXPECT_EQ(ReadText(stamp_victim), "untouched\n");
  EXPECT_NE(ReadText(dir_ + "/boxed/build/host-build.log").find("planted-line"), std::string::npos);
}

TEST_F(SandboxedBuildTest, AFailedBuildShowsItsLogNotAFileItsLogLinksTo) {
  const std::string secret = dir_ + "/secret";
  {
    std::ofstream(secret) << "the-users-secret\n";
    std::ofstream cmake(dir_ + "/boxed/CMakeLists.txt", std::ios::app);
    cmake << "add_custom_target(leak ALL\n"
          << "  COMMAND ${CMAKE_COMMAND} -E rm -f ${CMAKE_BINARY_DIR}/host-build.log\n"
          << "  COMMAND ${CMAKE_COMMAND} -E create_symlink " << secret
          << " ${CMAKE_BINARY_DIR}/host-build.log\n"
          << "  COMMAND ${CMAKE_COMMAND} -E false)\n";
  }
  Result<const ModuleInfo*> loaded = LoadSandboxed();
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().message().find("the-users-secret"), std::string::npos)
      << loaded.status().message();
}

}  // namespace
}  // namespace host
