// Exit codes as docs/cli.md's table gives them: a module whose dependency cannot be loaded is a
// failure (1); a value that is not of its argument's declared type is a usage error (2); a value
// of the right type that a function cannot take fails the call (1).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/run.h"

namespace host {
namespace {

namespace fs = std::filesystem;
using test::RunHost;

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class ExitCodesTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir(); }
  void TearDown() override { fs::remove_all(dir_); }

  // A module folder holding only a module.json: the built wide test module with dependencies.
  std::string WideWith(const std::string& dependencies) {
    const std::string mod = dir_ + "/app";
    fs::create_directories(mod);
    std::ofstream(mod + "/module.json")
        << R"({"name": "wide", "object": ")" << test::TestModule("wide")
        << R"(/libwide.so", "dependencies": )" << dependencies << "}";
    return mod;
  }

  std::string dir_;
};

TEST_F(ExitCodesTest, AMissingDependencyFolderIsAFailureOfTheModule) {
  const std::string mod = WideWith(R"([{"name": "dep", "source": "./missing"}])");
  test::Ran ran = RunHost({"-m", mod, "functions"});
  EXPECT_EQ(ran.exit_code, 1) << ran.err;
  EXPECT_TRUE(Has(ran.err, "module 'wide' depends on 'dep', which cannot be loaded: no module at " +
                               mod + "/missing: no such file or folder"))
      << ran.err;
}

TEST_F(ExitCodesTest, AnUnknownDependencyNameIsAFailureOfTheModule) {
  const std::string mod = WideWith(R"([{"name": "dep", "source": "no-such-module-anywhere"}])");
  test::Ran ran = RunHost({"-m", mod, "functions"}, {"HOST_MODULE_PATH=" + dir_});
  EXPECT_EQ(ran.exit_code, 1) << ran.err;
  EXPECT_TRUE(Has(ran.err,
                  "depends on 'dep', which cannot be loaded: unknown module "
                  "'no-such-module-anywhere'"))
      << ran.err;
  // The module itself missing is still the caller's mistake.
  ran = RunHost({"-m", dir_ + "/missing", "functions"});
  EXPECT_EQ(ran.exit_code, 2) << ran.err;
}

// A module with a 32-bit C++ int parameter and a 64-bit one; both are Int in its schema.
constexpr const char* kIntSource = R"(#include <host/module.h>

#include <cstdint>

struct Ints {
  int64_t narrow(int n) const { return n; }
  int64_t wide(int64_t n) const { return n; }
};

HOST_MODULE("ints", m) {
  m.object<Ints>("Ints")
      .function("narrow", &Ints::narrow, "Returns n, a C++ int.", {host::arg("n")})
      .function("wide", &Ints::wide, "Returns n, a 64-bit integer.", {host::arg("n")});
}
)";

TEST_F(ExitCodesTest, AnIntBeyond64BitsIsAUsageErrorAndBeyondAFunctionsIntAFailedCall) {
  ASSERT_EQ(RunHost({"init", "--name", "ints"}, {}, dir_).exit_code, 0);
  const std::string mod = dir_ + "/ints";
  std::ofstream(mod + "/src/main.cpp", std::ios::trunc) << kIntSource;
  const std::vector<std::string> env = {"HOST_STATE_DIR=" + dir_ + "/state"};
  test::Ran ran = RunHost({"-m", mod, "call", "wide", "--n", "9223372036854775807"}, env);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "9223372036854775807\n");

  // Not an Int at all: the command line is wrong.
  for (const std::string text : {"9223372036854775808", "-9223372036854775809"}) {
    for (const std::string function : {"wide", "narrow"}) {
      ran = RunHost({"-m", mod, "call", function, "--n", text}, env);
      EXPECT_EQ(ran.exit_code, 2) << ran.err;
      EXPECT_EQ(ran.err, "Error: argument --n: '" + text +
                             "' is beyond the range of an Int (64 bits: -9223372036854775808 to "
                             "9223372036854775807)\n");
    }
  }

  // An Int the function's C++ int cannot hold: the function fails the call.
  ran = RunHost({"-m", mod, "call", "narrow", "--n", "2147483647"}, env);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "2147483647\n");
  for (const std::string text : {"2147483648", "-2147483649", "9223372036854775807"}) {
    ran = RunHost({"-m", mod, "call", "narrow", "--n", text}, env);
    EXPECT_EQ(ran.exit_code, 1) << ran.err;
    EXPECT_TRUE(Has(ran.err, "Error: function 'narrow' of module 'ints' failed: argument 'n'"))
        << ran.err;
    EXPECT_TRUE(Has(ran.err, text)) << ran.err;
    EXPECT_EQ(ran.out, "");
  }
}

}  // namespace
}  // namespace host
