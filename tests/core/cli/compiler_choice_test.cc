// Choosing the compiler of a module host builds: CC, CXX and their flags from the environment, a
// change of them configuring afresh, the module's own CMakeLists.txt choice kept, and a compiler
// that does not exist named in the error.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/run.h"

namespace host {
namespace {

namespace fs = std::filesystem;
using test::RunHost;

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string Read(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A C++ module over the C SDK (which any C++ compiler and standard library can use): its hello
// says which compiler and standard library built it.
constexpr const char* kCxxOverCSource = R"(#include <host/module_c.h>

#include <string>

namespace {

std::string Toolchain() {
#if defined(__clang__)
  std::string compiler = "clang";
#else
  std::string compiler = "gcc";
#endif
#if defined(_LIBCPP_VERSION)
  return compiler + ", libc++";
#else
  return compiler + ", libstdc++";
#endif
}

host_status Hello(hostc_call* call) {
  std::string text = "Hello from " + Toolchain();
  return hostc_return_string(call, text.c_str());
}

const hostc_arg kNoArgs[] = {HOSTC_ARG_DEFAULT("unused", "String", "", "Not used.")};
const hostc_function kFunctions[] = {
    HOSTC_FUNCTION("hello", Hello, kNoArgs, "String", HOSTC_CACHE_NEVER, "Says who built it."),
};

}  // namespace

HOSTC_MODULE("cxxmod", "0.1.0", "A C++ module over the C SDK.", kFunctions);
)";

class CompilerChoiceTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir(); }
  void TearDown() override { fs::remove_all(dir_); }

  // A new module folder made by host init, with its CMakeLists.txt's first lines replaced by
  // head (empty: as init wrote them).
  std::string Init(const std::string& name, const std::string& head = "") {
    test::Ran ran = RunHost({"init", "--name", name, "--sdk", "c"}, {}, dir_);
    EXPECT_EQ(ran.exit_code, 0) << ran.err;
    const std::string mod = dir_ + "/" + name;
    if (!head.empty()) {
      std::string cmake = Read(mod + "/CMakeLists.txt");
      std::ofstream(mod + "/CMakeLists.txt", std::ios::trunc) << head << cmake;
    }
    return mod;
  }

  // The C++-over-C module cxxmod.
  std::string CxxModule() {
    const std::string mod = Init("cxxmod");
    fs::remove(mod + "/src/main.c");
    std::ofstream(mod + "/src/main.cpp") << kCxxOverCSource;
    std::string cmake = Read(mod + "/CMakeLists.txt");
    const size_t at = cmake.find("src/main.c ");
    EXPECT_NE(at, std::string::npos) << cmake;
    cmake.replace(at, 10, "src/main.cpp");
    std::ofstream(mod + "/CMakeLists.txt", std::ios::trunc) << cmake;
    return mod;
  }

  // Runs host on the module mod with env (CC, CXX, ... as given, the others unset).
  test::Ran Call(const std::string& mod, std::vector<std::string> env) {
    for (const char* name : {"CC=", "CXX=", "CFLAGS=", "CXXFLAGS=", "LDFLAGS="}) {
      bool given = false;
      for (const std::string& entry : env) given = given || entry.rfind(name, 0) == 0;
      if (!given) env.push_back(name);
    }
    env.push_back("HOST_STATE_DIR=" + dir_ + "/state");
    return RunHost({"-m", mod, "call", "hello"}, env);
  }

  // The compilers named in the .comment section of the built object.
  std::string Comment(const std::string& object) {
    return test::Run({"readelf", "-p", ".comment", object}).out;
  }

  std::string dir_;
};

TEST_F(CompilerChoiceTest, AChangedCxxIsUsedAtTheNextBuildFromAFreshConfiguration) {
  const std::string mod = CxxModule();
  const std::string object = mod + "/build/libcxxmod.so";
  test::Ran ran = Call(mod, {"CXX=clang++"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "Hello from clang, libstdc++\n");
  EXPECT_TRUE(Has(ran.err, "with CMake (CXX=clang++)")) << ran.err;
  EXPECT_TRUE(Has(Comment(object), "clang version")) << Comment(object);

  // The same choice: nothing is built again.
  ran = Call(mod, {"CXX=clang++"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.err, "");

  // Another compiler: configured afresh and built with it, though no source changed.
  ran = Call(mod, {"CXX=g++"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "Hello from gcc, libstdc++\n");
  EXPECT_TRUE(Has(ran.err, "host: building module 'cxxmod'")) << ran.err;
  EXPECT_FALSE(Has(Comment(object), "clang version")) << Comment(object);
  EXPECT_TRUE(Has(Read(mod + "/build/CMakeCache.txt"), "CMAKE_CXX_COMPILER:")) << "no cache";
  EXPECT_FALSE(Has(Read(mod + "/build/CMakeCache.txt"), "clang++"));

  // A changed flag alone: a fresh configuration too, which takes the flag.
  ran = Call(mod, {"CXX=g++", "CXXFLAGS=-DUNUSED_FLAG_OF_THE_TEST"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_TRUE(Has(ran.err, "host: building module 'cxxmod'")) << ran.err;
  EXPECT_TRUE(Has(Read(mod + "/build/CMakeCache.txt"), "-DUNUSED_FLAG_OF_THE_TEST"));
}

TEST_F(CompilerChoiceTest, AChangedCcIsUsedAtTheNextBuild) {
  const std::string mod = Init("cgreet");
  const std::string object = mod + "/build/libcgreet.so";
  test::Ran ran = Call(mod, {"CC=clang"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "Hello, world!\n");
  EXPECT_TRUE(Has(Comment(object), "clang version")) << Comment(object);
  ran = Call(mod, {"CC=gcc"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_TRUE(Has(ran.err, "host: building module 'cgreet'")) << ran.err;
  EXPECT_FALSE(Has(Comment(object), "clang version")) << Comment(object);
}

// The C SDK takes any C++ standard library: clang++ with libc++ from CXX and the flags alone.
TEST_F(CompilerChoiceTest, ClangWithLibcxxFromTheEnvironment) {
  const std::string mod = CxxModule();
  test::Ran ran =
      Call(mod, {"CC=clang", "CXX=clang++", "CXXFLAGS=-stdlib=libc++", "LDFLAGS=-stdlib=libc++"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "Hello from clang, libc++\n");
  const std::string needed = test::Run({"readelf", "-d", mod + "/build/libcxxmod.so"}).out;
  EXPECT_TRUE(Has(needed, "libc++.so")) << needed;
  EXPECT_FALSE(Has(needed, "libstdc++")) << needed;
}

// The C++ SDK is header-only: a module host init writes builds with clang++ against libc++ from
// the environment alone, and needs neither libstdc++ nor the protobuf runtime.
TEST_F(CompilerChoiceTest, ACppSdkModuleBuildsWithClangAndLibcxx) {
  test::Ran ran = RunHost({"init", "--name", "cpplibcxx"}, {}, dir_);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  const std::string mod = dir_ + "/cpplibcxx";
  ran = RunHost({"-m", mod, "call", "hello", "--name", "clang"},
                {"CC=clang", "CXX=clang++", "CXXFLAGS=-stdlib=libc++", "LDFLAGS=-stdlib=libc++"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "Hello, clang!\n");
  const std::string needed = test::Run({"readelf", "-d", mod + "/build/libcpplibcxx.so"}).out;
  EXPECT_TRUE(Has(needed, "libc++.so")) << needed;
  EXPECT_FALSE(Has(needed, "libstdc++")) << needed;
  EXPECT_FALSE(Has(needed, "libprotobuf")) << needed;
}

TEST_F(CompilerChoiceTest, TheModulesOwnCompilerChoiceIsKept) {
  const std::string mod =
      Init("own", "set(CMAKE_C_COMPILER clang)\nset(CMAKE_CXX_COMPILER clang++)\n");
  const std::string object = mod + "/build/libown.so";
  test::Ran ran = Call(mod, {"CC=gcc", "CXX=g++"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_TRUE(Has(Comment(object), "clang version")) << Comment(object);
  // A changed CC configures afresh, and the module's choice still wins.
  ran = Call(mod, {"CC=cc", "CXX=g++"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_TRUE(Has(ran.err, "host: building module 'own'")) << ran.err;
  EXPECT_TRUE(Has(Comment(object), "clang version")) << Comment(object);
}

TEST_F(CompilerChoiceTest, ACompilerThatDoesNotExistIsNamedWithTheVariable) {
  const std::string mod = Init("nocxx");
  test::Ran ran = Call(mod, {"CXX=no-such-c++-compiler"});
  EXPECT_EQ(ran.exit_code, 1) << ran.err;
  EXPECT_TRUE(Has(ran.err, "CMake could not configure it")) << ran.err;
  EXPECT_TRUE(Has(ran.err,
                  "CXX is 'no-such-c++-compiler', but no program 'no-such-c++-compiler' "
                  "is on PATH"))
      << ran.err;
  EXPECT_TRUE(Has(ran.err, "set CXX to one that is installed")) << ran.err;
  ran = Call(mod, {"CC=/nonexistent/bin/cc"});
  EXPECT_EQ(ran.exit_code, 1) << ran.err;
  EXPECT_TRUE(Has(ran.err,
                  "CC is '/nonexistent/bin/cc', but /nonexistent/bin/cc is not an "
                  "executable file"))
      << ran.err;
  // The failed configurations leave nothing behind that stops a good one.
  ran = Call(mod, {});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "Hello, world!\n");
}

// The record of the configured compilers lies in a folder a fetched module's files may reach: a
// link there is neither read through (a device would never end) nor written through.
TEST_F(CompilerChoiceTest, ALinkInPlaceOfTheCompilerRecordIsNeitherReadNorWrittenThrough) {
  const std::string mod = Init("linked");
  ASSERT_EQ(Call(mod, {"CC=clang"}).exit_code, 0);
  const std::string victim = dir_ + "/victim";
  std::ofstream(victim) << "keep";
  fs::remove(mod + "/build/.host-compilers");
  fs::create_symlink("/dev/zero", mod + "/build/.host-compilers");
  fs::create_symlink(victim, mod + "/build/.host-compilers.tmp");
  test::Ran ran = Call(mod, {"CC=clang"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_TRUE(Has(ran.err, "host: building module 'linked'")) << ran.err;
  EXPECT_EQ(Read(victim), "keep");
  EXPECT_TRUE(Has(Comment(mod + "/build/liblinked.so"), "clang version"));
}

}  // namespace
}  // namespace host
