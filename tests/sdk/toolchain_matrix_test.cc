// The toolchain matrix (tests/modules/toolchains): a module from each C++ toolchain calls, through
// generated typed clients, modules built by the two others, a C module and a Node.js module.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/run.h"

namespace host {
namespace {

struct Toolchain {
  std::string name;   // the modules' suffix
  std::string shown;  // what its modules report
};

const std::vector<Toolchain> kToolchains = {
    {"gxx", "g++/libstdc++"}, {"clang", "clang++/libstdc++"}, {"libcxx", "clang++/libc++"}};

TEST(ToolchainMatrix, EveryToolchainCallsTheOthersACModuleAndANodeModule) {
  const std::string state = test::TempDir();
  for (const Toolchain& caller : kToolchains) {
    std::string expected = "caller-" + caller.name + " (" + caller.shown + "):\n";
    for (const Toolchain& leaf : kToolchains) {
      if (leaf.name == caller.name) continue;
      expected += "leaf-" + leaf.name + " (" + leaf.shown + "): ok\n";
    }
    expected += "cmod (C): ok\njsmod (Node.js): ok\n";
    test::Ran ran =
        test::RunHost({"-m", test::TestModule("caller-" + caller.name), "call", "matrix"},
                      {"HOST_STATE_DIR=" + state});
    EXPECT_EQ(ran.exit_code, 0) << ran.err;
    EXPECT_EQ(ran.out, expected) << ran.err;
  }
  test::Run({"rm", "-rf", state});
}

TEST(ToolchainMatrix, NoModuleNeedsTheProtobufRuntimeAndLibcxxOnesNeedNoLibstdcxx) {
  for (const Toolchain& toolchain : kToolchains) {
    for (const std::string part : {"leaf-", "caller-"}) {
      const std::string name = part + toolchain.name;
      test::Ran ran = test::Run({"readelf", "-d", test::TestModule(name) + "/lib" + name + ".so"});
      ASSERT_EQ(ran.exit_code, 0) << ran.err;
      EXPECT_EQ(ran.out.find("libprotobuf"), std::string::npos) << name << "\n" << ran.out;
      if (toolchain.name == "libcxx") {
        EXPECT_EQ(ran.out.find("libstdc++"), std::string::npos) << name << "\n" << ran.out;
        EXPECT_NE(ran.out.find("libc++.so"), std::string::npos) << name << "\n" << ran.out;
      } else {
        EXPECT_NE(ran.out.find("libstdc++"), std::string::npos) << name << "\n" << ran.out;
      }
    }
  }
}

}  // namespace
}  // namespace host
