// A module built in the sandbox takes the compilers the user chose (CC, CXX and the flags), as a
// build outside it does, and a compiler the sandbox cannot run is named with the build's PATH.
#include <stdlib.h>

#include <filesystem>

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

}  // namespace
}  // namespace host
