// Writing modules: host init, building from source on first use, and host install.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/run.h"

namespace host {
namespace {

namespace fs = std::filesystem;
using test::RunHost;

class Authoring : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir(); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(Authoring, InitBuildsAndRunsACppModule) {
  test::Ran ran = RunHost({"init", "--name", "my-mod"}, {}, dir_);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_NE(ran.out.find("host -m ./my-mod functions"), std::string::npos) << ran.out;
  std::string mod = dir_ + "/my-mod";
  ran = RunHost({"-m", mod, "call", "with-greeting", "--text", "Hi", "hello", "--name", "you"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "Hi, you!\n");
  EXPECT_NE(ran.err.find("host: building module 'my-mod'"), std::string::npos) << ran.err;

  // Unchanged sources: no rebuild.
  ran = RunHost({"-m", mod, "call", "hello"});
  EXPECT_EQ(ran.out, "Hello, world!\n");
  EXPECT_EQ(ran.err, "");

  // A changed source is rebuilt.
  std::string source = mod + "/src/main.cpp";
  std::ifstream in(source);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  text.replace(text.find("\"Hello\""), 7, "\"Howdy\"");
  std::ofstream(source) << text;
  ran = RunHost({"-m", mod, "call", "hello"});
  EXPECT_EQ(ran.out, "Howdy, world!\n") << ran.err;
  EXPECT_NE(ran.err.find("building module"), std::string::npos);

  // init never overwrites.
  ran = RunHost({"init", "--name", "my-mod"}, {}, dir_);
  EXPECT_EQ(ran.exit_code, 2);
  EXPECT_NE(ran.err.find("already exists"), std::string::npos);
}

TEST_F(Authoring, InitCModuleAndInstallADependency) {
  ASSERT_EQ(RunHost({"init", "--name", "cgreet", "--sdk", "c"}, {}, dir_).exit_code, 0);
  test::Ran ran = RunHost({"-m", dir_ + "/cgreet", "call", "hello", "--name", "C"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "Hello, C!\n");

  // A C++ module that installs semver and calls it through the generated client.
  ASSERT_EQ(RunHost({"init", "--name", "release"}, {}, dir_).exit_code, 0);
  std::string mod = dir_ + "/release";
  ran = RunHost({"-m", mod, "install", "semver"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_NE(ran.out.find("Added dependency 'semver'"), std::string::npos);
  std::ofstream(mod + "/src/main.cpp") << R"(#include <host/module.h>
#include "deps/semver.h"
struct Release {
  std::string next(const std::string& version, const std::vector<std::string>& commits) const {
    return deps::semver(version).next(commits).tag(std::string("release-"));
  }
  std::string bump(const std::string& version, deps::Part part) const {
    return deps::semver(version).bump(part).string();
  }
};
HOST_MODULE("release", m) {
  m.object<Release>("Release")
      .function("next", &Release::next, "Next release tag.",
                {host::arg("version"), host::arg("commits")})
      .function("bump", &Release::bump, "Bumps with semver's own enum.",
                {host::arg("version"), host::arg("part")});
}
)";
  ran = RunHost({"-m", mod, "call", "next", "--version", "1.0.0", "--commits", "feat: x"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "release-1.1.0\n");
  ran = RunHost({"-m", mod, "call", "bump", "--version", "1.2.3", "--part", "MAJOR"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "2.0.0\n");

  ran = RunHost({"-m", mod, "install", "no-such-module"});
  EXPECT_EQ(ran.exit_code, 2);
  std::ifstream manifest(mod + "/module.json");
  std::string text((std::istreambuf_iterator<char>(manifest)), {});
  EXPECT_EQ(text.find("no-such-module"), std::string::npos);
}

// A C module installs semver: install writes the typed C client and says how to use it, and the
// module calls semver's constructor, a function with a list and a field through it.
TEST_F(Authoring, CModuleInstallsADependencyAndUsesItsTypedCClient) {
  ASSERT_EQ(RunHost({"init", "--name", "capp", "--sdk", "c"}, {}, dir_).exit_code, 0);
  std::string mod = dir_ + "/capp";
  test::Ran ran = RunHost({"-m", mod, "install", "semver"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_NE(ran.out.find("#include \"deps/semver.h\" and semver_Semver_<function>(call, NULL"),
            std::string::npos)
      << ran.out;
  std::ifstream client(mod + "/build/host_gen/capp/deps/semver.h");
  std::string header((std::istreambuf_iterator<char>(client)), {});
  EXPECT_NE(header.find("typedef enum semver_Part {"), std::string::npos) << header;
  EXPECT_EQ(header.find("namespace"), std::string::npos) << "a C++ client was written";
  std::ofstream(mod + "/src/main.c") << R"c(#include <host/module_c.h>

#include "deps/semver.h"

static host_status next(hostc_call* call) {
  const semver_Semver* version = NULL;
  const semver_Semver* released = NULL;
  const char* tag = NULL;
  int64_t major = 0;
  size_t count = 0;
  const char* const* commits = hostc_arg_string_list(call, "commits", &count);
  if (semver_Semver_new(call, hostc_arg_string(call, "version"), &version) != HOST_STATUS_OK ||
      semver_Semver_next(call, version, commits, count, &released) != HOST_STATUS_OK ||
      semver_Semver_string(call, released, &tag) != HOST_STATUS_OK ||
      semver_Semver_major(call, released, &major) != HOST_STATUS_OK) {
    return hostc_fail(call, "%s", hostc_last_error(call));
  }
  return hostc_return_string(call, hostc_format(call, "%s (major %lld)", tag, (long long)major));
}

static host_status bump(hostc_call* call) {
  const semver_Semver* version = NULL;
  const char* text = NULL;
  if (semver_Semver_new(call, hostc_arg_string(call, "version"), &version) != HOST_STATUS_OK ||
      semver_Semver_bump(call, version, semver_Part_MINOR, &version) != HOST_STATUS_OK ||
      semver_Semver_string(call, version, &text) != HOST_STATUS_OK) {
    return hostc_fail(call, "%s", hostc_last_error(call));
  }
  return hostc_return_string(call, text);
}

static const hostc_arg next_args[] = {
    HOSTC_ARG("version", "String", "The current version."),
    HOSTC_ARG("commits", "[String]", "Commit messages since."),
};
static const hostc_arg bump_args[] = {HOSTC_ARG("version", "String", "The current version.")};
static const hostc_function functions[] = {
    HOSTC_FUNCTION("next", next, next_args, "String", HOSTC_CACHE_PERSISTENT, "Next version."),
    HOSTC_FUNCTION("bump", bump, bump_args, "String", HOSTC_CACHE_PERSISTENT, "Minor bump."),
};
HOSTC_MODULE("capp", "0.1.0", "Releases.", functions);
)c";
  ran = RunHost({"-m", mod, "call", "next", "--version", "1.2.3", "--commits", "feat!: x"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "2.0.0 (major 2)\n");
  ran = RunHost({"-m", mod, "call", "bump", "--version", "1.2.3"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "1.3.0\n");
  ran = RunHost({"-m", mod, "call", "next", "--version", "not-a-version", "--commits", "x"});
  EXPECT_NE(ran.exit_code, 0);
  EXPECT_NE(ran.err.find("semver"), std::string::npos) << ran.err;
}

TEST_F(Authoring, BuildErrorsShowTheCompilerOutput) {
  ASSERT_EQ(RunHost({"init", "--name", "broken"}, {}, dir_).exit_code, 0);
  std::ofstream(dir_ + "/broken/src/main.cpp") << "this is not C++\n";
  test::Ran ran = RunHost({"-m", dir_ + "/broken", "functions"});
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_NE(ran.err.find("Error: building module 'broken' failed"), std::string::npos) << ran.err;
  EXPECT_NE(ran.err.find("error:"), std::string::npos) << ran.err;
}

}  // namespace
}  // namespace host
