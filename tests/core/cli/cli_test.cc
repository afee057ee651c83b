// The host command as a user runs it: output, errors and exit codes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/run.h"

namespace host {
namespace {

using test::RunHost;

TEST(Cli, ListsFunctionsSortedWithDescriptions) {
  test::Ran ran = RunHost({"-m", "semver", "functions"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out.substr(0, ran.out.find('\n')), "Name              Description");
  EXPECT_NE(ran.out.find("\nbump-major        Bumps the major number.\n"), std::string::npos)
      << ran.out;
  EXPECT_LT(ran.out.find("bump-major"), ran.out.find("with-prerelease"));
}

TEST(Cli, FunctionsOfAChain) {
  test::Ran ran = RunHost({"-m", test::TestModule("gxx"), "functions", "with-prefix"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_NE(ran.out.find("label"), std::string::npos);
  ran = RunHost({"-m", test::TestModule("gxx"), "functions", "greet"});
  EXPECT_EQ(ran.exit_code, 2);
  EXPECT_EQ(ran.err, "Error: function 'greet' returns String, which has no functions\n");
}

TEST(Cli, CallsAndChains) {
  test::Ran ran = RunHost({"-m", "semver", "call", "--version", "1.4.2", "next", "--commits",
                           "feat: login,fix: typo", "tag"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "v1.5.0\n");
  ran = RunHost(
      {"-m", "semver", "call", "--version=2.0.0-rc.1", "bump", "--part", "MAJOR", "string"});
  EXPECT_EQ(ran.out, "2.0.0\n");
  ran = RunHost(
      {"-m", "semver", "call", "part-for", "--commits", "fix!: drop api", "--commits", "feat: x"});
  EXPECT_EQ(ran.out, "MAJOR\n");
}

TEST(Cli, ScalarsListsBooleansAcrossCompilers) {
  std::string cmod = test::TestModule("cmod");
  EXPECT_EQ(RunHost({"-m", cmod, "call", "negate", "--flag=false"}).out, "true\n");
  EXPECT_EQ(RunHost({"-m", cmod, "call", "negate", "--flag"}).out, "false\n");
  EXPECT_EQ(RunHost({"-m", cmod, "call", "negate", "--flag", "false"}).out, "true\n");
  EXPECT_EQ(RunHost({"-m", cmod, "call", "count", "--items", "a,b", "--items", "c"}).out, "3\n");
  EXPECT_EQ(RunHost({"-m", cmod, "call", "scale", "--value", "1.25"}).out, "2.5\n");
  EXPECT_EQ(RunHost({"-m", cmod, "call", "relay", "--text", "hi"}).out, "c:[hi]\n");
  EXPECT_EQ(RunHost({"-m", test::TestModule("lcxx"), "call", "shout-twice", "--text", "a"}).out,
            "A!!\n");
}

TEST(Cli, ListItemsMayBeQuotedToHoldCommas) {
  test::Ran ran = RunHost({"-m", "semver", "--quiet", "call", "part-for", "--commits",
                           "\"fix: a, b\",\"feat: say \"\"hi\"\"\"", "--quiet"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "MINOR\n");
  ran = RunHost({"-m", "semver", "call", "part-for", "--commits", "\"fix: a, b"});
  EXPECT_EQ(ran.exit_code, 2);
  EXPECT_NE(ran.err.find("a quoted item is not closed"), std::string::npos) << ran.err;
}

TEST(Cli, ObjectsPrintTypeAndIdOrJson) {
  test::Ran ran = RunHost({"-m", "semver", "call", "bump-minor"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out.rfind("Semver@sha256:", 0), 0u) << ran.out;
  EXPECT_EQ(ran.out.size(), std::string("Semver@sha256:").size() + 64 + 1);
  ran = RunHost({"-m", "semver", "--json", "call", "--version", "1.0.0", "bump-minor"});
  EXPECT_NE(ran.out.find("\"minor\": 1"), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find("\"_type\": \"Semver\""), std::string::npos) << ran.out;
}

TEST(Cli, HelpIsGeneratedFromTheSchema) {
  test::Ran ran = RunHost({"-m", "semver", "call", "tag", "--help"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_NE(ran.out.find("The version as a git tag."), std::string::npos);
  EXPECT_NE(ran.out.find("--prefix String   What goes before the version. (default: \"v\")"),
            std::string::npos)
      << ran.out;
  ran = RunHost({"-m", "semver", "call", "--help"});
  EXPECT_NE(ran.out.find("--version String   The version to start from. (default: \"0.1.0\")"),
            std::string::npos)
      << ran.out;
  EXPECT_NE(ran.out.find("Functions:"), std::string::npos);
  ran = RunHost({"-m", "semver", "call", "compare", "--help"});
  EXPECT_NE(ran.out.find("--other String   The version to compare with. (required)"),
            std::string::npos)
      << ran.out;
  EXPECT_EQ(RunHost({"--help"}).exit_code, 0);
}

TEST(Cli, UsageErrorsExitTwoWithSuggestions) {
  struct Case {
    std::vector<std::string> args;
    std::string first_line;
  };
  std::vector<Case> cases = {
      {{"-m", "semvr", "functions"}, "Error: unknown module 'semvr' (did you mean 'semver'?)"},
      {{"-m", "semver", "call", "bmp"},
       "Error: Semver has no function 'bmp' (did you mean 'bump'?)"},
      {{"-m", "semver", "call", "tag", "--prefx", "x"},
       "Error: function 'tag' has no argument --prefx (did you mean 'prefix'?)"},
      {{"-m", "semver", "call", "compare"}, "Error: compare requires argument --other (String)"},
      {{"-m", "semver", "call", "bump", "--part", "HUGE"},
       "Error: argument --part: 'HUGE' is not a value of Part (one of: MAJOR, MINOR, PATCH)"},
      {{"-m", test::TestModule("cmod"), "call", "scale", "--value", "lots"},
       "Error: argument --value: 'lots' is not a number (Float)"},
      {{"-m", "semver", "call", "string", "tag"},
       "Error: function 'string' returns String, so nothing can be chained after it (got 'tag')"},
      {{"-m", "semver", "cal"}, "Error: unknown command 'cal' (did you mean 'call'?)"},
      {{"-m", "/nonexistent/mod", "functions"},
       "Error: no module at /nonexistent/mod: no such file or folder"},
  };
  for (const auto& c : cases) {
    test::Ran ran = RunHost(c.args);
    EXPECT_EQ(ran.exit_code, 2) << c.first_line << "\n" << ran.err;
    EXPECT_EQ(ran.err.rfind(c.first_line, 0), 0u) << ran.err;
  }
}

TEST(Cli, ABareNameOfAFolderHereSuggestsItsPath) {
  const std::string dir = test::TempDir();
  std::filesystem::create_directories(dir + "/greeter");
  std::ofstream(dir + "/greeter/module.json") << R"({"name": "greeter", "object": "g.so"})";
  test::Ran ran = RunHost({"-m", "greeter", "functions"}, {}, dir);
  EXPECT_EQ(ran.exit_code, 2) << ran.err;
  EXPECT_NE(ran.err.find("use -m ./greeter"), std::string::npos) << ran.err;
  std::filesystem::remove_all(dir);
}

TEST(Cli, FailuresExitOne) {
  test::Ran ran =
      RunHost({"-m", test::TestModule("gxx"), "call", "fail", "--message", "deploy refused"});
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_EQ(ran.err, "Error: function 'fail' of module 'gxx' failed: deploy refused\n");
  EXPECT_EQ(ran.out, "");
  ran = RunHost({"-m", "semver", "call", "--version", "1.2", "string"});
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_NE(ran.err.find("'1.2' is not a semantic version"), std::string::npos);
  ran = RunHost({"-m", test::TestModule("bad") + "/libbad_wrong_abi.so", "functions"});
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_NE(ran.err.find("speaks host ABI version 99"), std::string::npos);
}

TEST(Cli, ACoreObjectAModuleReturnsIsChainedOn) {
  std::string dir = test::TempDir();
  std::filesystem::create_directories(dir + "/tree/sub");
  std::ofstream(dir + "/tree/sub/b") << "b";
  // The Directory that gxx.subdir makes keeps the ID the core gave it, so the next step finds it.
  test::Ran ran = RunHost({"-m", test::TestModule("gxx"), "call", "subdir", "--dir", dir + "/tree",
                           "--path", "sub", "file", "--path", "b", "contents"},
                          {"HOST_STATE_DIR=" + dir + "/state"});
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "b\n");
  std::filesystem::remove_all(dir);
}

TEST(Cli, DirectoryArgumentsAreHostPaths) {
  std::string dir = test::TempDir();
  std::filesystem::create_directories(dir + "/tree/sub");
  std::ofstream(dir + "/tree/a") << "a";
  std::ofstream(dir + "/tree/sub/b") << "b";
  test::Ran ran =
      RunHost({"-m", test::TestModule("gxx"), "call", "count-files", "--dir", dir + "/tree"},
              {"HOST_STATE_DIR=" + dir + "/state"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "3\n");
  ran = RunHost({"-m", test::TestModule("gxx"), "call", "count-files", "--dir", dir + "/missing"},
                {"HOST_STATE_DIR=" + dir + "/state"});
  EXPECT_EQ(ran.exit_code, 2);
  EXPECT_NE(ran.err.find("does not exist"), std::string::npos) << ran.err;
  std::filesystem::remove_all(dir);
}

TEST(Cli, ModulePathFindsModulesByName) {
  test::Ran ran = RunHost({"-m", "wide", "functions"},
                          {"HOST_MODULE_PATH=/nonexistent:" + test::TestModule("")});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_NE(ran.out.find("join19"), std::string::npos);
}

TEST(Cli, MalformedModuleJsonIsAUsageError) {
  std::string dir = test::TempDir();
  std::ofstream(dir + "/module.json") << R"({"name": "x", "dependencies": [{"nme": "y"}]})";
  test::Ran ran = RunHost({"-m", dir, "functions"});
  EXPECT_EQ(ran.exit_code, 2);
  EXPECT_NE(ran.err.find(dir + "/module.json: does not match module.json.schema:"),
            std::string::npos)
      << ran.err;
  EXPECT_NE(ran.err.find("/dependencies/0/nme: is not a known property"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(Cli, DependencyPinMismatchIsRefused) {
  std::string dir = test::TempDir();
  std::ofstream(dir + "/module.json")
      << R"({"name": "wide", "object": ")" << test::TestModule("wide") << R"(/libwide.so",
            "dependencies": [{"name": "semver", "pin": "sha256:)"
      << std::string(64, '0') << R"("}]})";
  test::Ran ran = RunHost({"-m", dir, "functions"});
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_NE(
      ran.err.find("dependency 'semver' is pinned to sha256:" + std::string(64, '0') + " but "),
      std::string::npos)
      << ran.err;
  EXPECT_NE(ran.err.find("update the pin or restore the pinned build"), std::string::npos);
  std::filesystem::remove_all(dir);
}

// A run that failed as a usage error should: exit 2 with a message, killed by no signal.
void ExpectUsageError(const test::Ran& ran, const std::string& message) {
  EXPECT_EQ(ran.exit_code, 2) << ran.err;  // a signal gives 128 + its number
  EXPECT_NE(ran.err.find(message), std::string::npos) << ran.err.substr(0, 2000);
  EXPECT_EQ(ran.err.find("internal error"), std::string::npos) << ran.err.substr(0, 2000);
  EXPECT_LT(ran.err.size(), 2000u);
}

TEST(CliInput, HugeNamesInModuleJsonAreUsageErrors) {
  std::string dir = test::TempDir();
  const std::string huge(30000, 'a');
  std::ofstream(dir + "/module.json") << R"({"name": ")" << huge << R"("})";
  ExpectUsageError(RunHost({"-m", dir, "functions"}),
                   "/name: is 30000 characters long; at most 128 are allowed");
  std::ofstream(dir + "/module.json") << R"({"name": "x", "version": "1.0.0-)" << huge << R"("})";
  ExpectUsageError(RunHost({"-m", dir, "functions"}), "/version: is 30006 characters long");
  std::ofstream(dir + "/module.json")
      << R"({"name": "x", "dependencies": [{"name": ")" << huge << R"("}]})";
  ExpectUsageError(RunHost({"-m", dir, "functions"}),
                   "/dependencies/0/name: is 30000 characters long");
  std::filesystem::remove_all(dir);
}

TEST(CliInput, InitRefusesAHugeName) {
  std::string dir = test::TempDir();
  ExpectUsageError(RunHost({"init", "--name", std::string(30000, 'a')}, {}, dir),
                   "module name is 30000 characters long; at most 128 are allowed");
  ExpectUsageError(RunHost({"init", "--name=" + std::string(30000, 'A')}, {}, dir),
                   "module name is 30000 characters long");
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  std::filesystem::remove_all(dir);
}

TEST(CliInput, EmptyPathsAreUsageErrors) {
  std::string dir = test::TempDir();
  std::vector<std::string> env = {"HOST_STATE_DIR=" + dir + "/state"};
  ExpectUsageError(RunHost({"call", "host", "directory", "--path", ""}, env),
                   "argument --path needs a path, got an empty text");
  ExpectUsageError(RunHost({"call", "host", "file", "--path="}, env),
                   "argument --path needs a path, got an empty text");
  ExpectUsageError(RunHost({"call", "directory", "export", "--path", ""}, env),
                   "argument --path needs a path");
  ExpectUsageError(RunHost({"call", "container", "export", "--path", ""}, env),
                   "argument --path needs a path");
  ExpectUsageError(RunHost({"call", "directory", "with-new-file", "--path", "a", "--contents", "x",
                            "file", "--path", "a", "export", "--path", ""},
                           env),
                   "argument --path needs a path");
  ExpectUsageError(RunHost({"-o", "", "call", "directory"}, env),
                   "-o needs a host path, got an empty text");
  ExpectUsageError(RunHost({"call", "directory", "-o", ""}, env), "-o needs a host path");
  ExpectUsageError(RunHost({"call", "directory", "--output", ""}, env),
                   "--output needs a host path");
  ExpectUsageError(RunHost({"-m", "", "functions"}, env), "-m needs a module name or path");
  ExpectUsageError(RunHost({"--mod=", "functions"}, env), "--mod needs a module name or path");
  ExpectUsageError(
      RunHost({"-m", test::TestModule("gxx"), "call", "count-files", "--dir", ""}, env),
      "argument --dir takes the path of a host folder, got an empty text");
  ExpectUsageError(RunHost({"codegen", "--module", "semver", "--output", ""}, env),
                   "codegen needs --module MODULE and --output FILE");
  std::filesystem::remove_all(dir);
}

TEST(CliInput, NamesLongerThanTheFileSystemAllowsAreErrors) {
  std::string dir = test::TempDir();
  std::vector<std::string> env = {"HOST_STATE_DIR=" + dir + "/state"};
  const std::string long_name(300, 'n');
  // A module whose shared object has a 300-character name.
  std::filesystem::create_directories(dir + "/m");
  std::ofstream(dir + "/m/module.json") << R"({"name": "m", "object": ")" << long_name << R"("})";
  test::Ran ran = RunHost({"-m", dir + "/m", "functions"}, env);
  EXPECT_NE(ran.exit_code, 0);
  EXPECT_LT(ran.exit_code, 128) << "killed by signal " << ran.exit_code - 128;
  EXPECT_NE(ran.err.find("Error: "), std::string::npos) << ran.err;
  EXPECT_EQ(ran.err.find("internal error"), std::string::npos) << ran.err;
  // A module given as a path with a 300-character name.
  ran = RunHost({"-m", dir + "/" + long_name + ".so", "functions"}, env);
  EXPECT_EQ(ran.exit_code, 2) << ran.err;
  EXPECT_NE(ran.err.find("Error: no module at"), std::string::npos) << ran.err;
  // Host files and folders, and exports, with a 300-character name.
  for (auto [object, leaf] : {std::pair{"directory", "entries"}, std::pair{"file", "contents"}}) {
    ran = RunHost({"call", "host", object, "--path", dir + "/" + long_name, leaf}, env);
    EXPECT_NE(ran.exit_code, 0) << object;
    EXPECT_LT(ran.exit_code, 128) << object << ": killed by signal " << ran.exit_code - 128;
    EXPECT_NE(ran.err.find("Error: "), std::string::npos) << ran.err;
  }
  ran = RunHost(
      {"call", "directory", "with-new-file", "--path", long_name, "--contents", "x", "entries"},
      env);
  EXPECT_LT(ran.exit_code, 128) << "killed by signal " << ran.exit_code - 128;
  ran = RunHost({"call", "directory", "export", "--path", dir + "/" + long_name}, env);
  EXPECT_NE(ran.exit_code, 0);
  EXPECT_LT(ran.exit_code, 128) << "killed by signal " << ran.exit_code - 128;
  EXPECT_NE(ran.err.find("Error: "), std::string::npos) << ran.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace host
