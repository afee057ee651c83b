// Modules written in Go with the hostsdk package: made by host init, built by host on first use,
// taking and returning every type, failing with their errors and calling a C module.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/engine/engine.h"
#include "tests/support/calls.h"
#include "tests/support/run.h"

namespace host {
namespace {
namespace fs = std::filesystem;
using test::RunHost;

// The output of a successful call of gomod, or the exit code and stderr of a failed one.
std::string CallGomod(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"-m", test::TestModule("gomod"), "call"};
  argv.insert(argv.end(), args.begin(), args.end());
  test::Ran ran = RunHost(argv);
  if (ran.exit_code == 0) return ran.out;
  // Without the progress lines of the build that the first call of a run may make.
  std::string err;
  for (size_t start = 0, end; start < ran.err.size(); start = end + 1) {
    end = std::min(ran.err.find('\n', start), ran.err.size());
    const std::string line = ran.err.substr(start, end - start + 1);
    if (line.rfind("host: ", 0) != 0) err += line;
  }
  return "exit " + std::to_string(ran.exit_code) + ": " + err;
}

TEST(GoModuleTest, InitMakesAModuleWhoseHelloGreets) {
  const std::string dir = test::TempDir();
  test::Ran ran = RunHost({"init", "--name", "greeter", "--sdk", "go"}, {}, dir);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  ran = RunHost({"-m", "./greeter", "call", "hello", "--name", "you"}, {}, dir);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "Hello, you!\n");
  EXPECT_NE(ran.err.find("host: building module 'greeter'"), std::string::npos) << ran.err;
  ran = RunHost({"-m", "./greeter", "call", "with-greeting", "--text", "Hi", "hello"}, {}, dir);
  EXPECT_EQ(ran.out, "Hi, world!\n") << ran.err;
  EXPECT_EQ(ran.err, "");  // built once
  fs::remove_all(dir);
}

TEST(GoModuleTest, FunctionsTakeAndReturnEveryType) {
  EXPECT_EQ(CallGomod({"scalars", "--s", "hi", "--i", "-42", "--f", "1.5"}), "hi|-42|1.5|true\n");
  EXPECT_EQ(
      CallGomod({"scalars", "--s", "", "--i", "9223372036854775807", "--f", "0", "--b", "false"}),
      "|9223372036854775807|0|false\n");
  EXPECT_EQ(CallGomod({"echo", "--a", "x", "--b", "y", "--c", "z"}), "xyz\n");
  EXPECT_EQ(CallGomod({"sum", "--numbers", "1,2,3"}), "6\n");
  EXPECT_EQ(CallGomod({"scale", "--values", "1,2.5"}), "2.0\n5.0\n");
  EXPECT_EQ(CallGomod({"scale", "--values", "1,2.5", "--factor", "3"}), "3.0\n7.5\n");
  EXPECT_EQ(CallGomod({"count-true", "--flags", "true,false,true"}), "2\n");
  EXPECT_EQ(CallGomod({"greet", "--name", "x"}), "hello, x\n");
  EXPECT_EQ(CallGomod({"greet"}), "");  // an absent optional in and out
  EXPECT_EQ(CallGomod({"mix", "--a", "red", "--b", "blue"}), "purple\n");
  EXPECT_EQ(CallGomod({"small", "--n", "41"}), "42\n");
  // Objects: a chain through the main object, and a second object type.
  EXPECT_EQ(CallGomod({"with-tag", "--tag", "a", "with-tag", "--tag", "b", "report", "summary"}),
            "a,b (2)\n");
}

TEST(GoModuleTest, ReturnedErrorsAndPanicsFailTheCall) {
  EXPECT_EQ(CallGomod({"fail", "--message", "boom"}),
            "exit 1: Error: function 'fail' of module 'gomod' failed: boom\n");
  EXPECT_EQ(CallGomod({"mix", "--a", "red", "--b", "purple"}),
            "exit 1: Error: function 'mix' of module 'gomod' failed: cannot mix red and purple\n");
  // A UsageError is the caller's fault.
  EXPECT_EQ(CallGomod({"check", "--n", "-1"}),
            "exit 2: Error: function 'check' of module 'gomod' failed: n must be at least 0, got "
            "-1\n");
  EXPECT_EQ(CallGomod({"check", "--n", "1"}), "");
  // An Int that does not fit the Go parameter's int32 is refused, not wrapped.
  const std::string small = CallGomod({"small", "--n", "2147483648"});
  EXPECT_EQ(small.rfind("exit 2: ", 0), 0u) << small;
  EXPECT_NE(small.find("2147483648 does not fit in a Go int32"), std::string::npos) << small;
  // A panic fails its call; the process goes on serving.
  EXPECT_EQ(CallGomod({"crash"}),
            "exit 1: Error: function 'crash' of module 'gomod' failed: panic: deliberately\n");
}

TEST(GoModuleTest, CallsTheCModuleThroughTheHost) {
  EXPECT_EQ(CallGomod({"shout-via-c", "--text", "hi"}), "go:HI!\n");
  EXPECT_EQ(CallGomod({"count-via-c", "--items", "a,b,c"}), "3\n");
  const std::string missing = CallGomod({"missing-via-c"});
  EXPECT_EQ(missing.rfind("exit 1: ", 0), 0u) << missing;
  EXPECT_NE(missing.find("has no function"), std::string::npos) << missing;
}

TEST(GoModuleTest, CoreObjectsArePassedInAndCalled) {
  const std::string dir = test::TempDir();
  std::ofstream(dir + "/x.txt") << "from disk";
  EXPECT_EQ(CallGomod({"read-file", "--dir", dir, "--path", "x.txt"}), "from disk\n");
  const std::string missing = CallGomod({"read-file", "--dir", dir, "--path", "nope.txt"});
  EXPECT_NE(missing.find("there is no file nope.txt"), std::string::npos) << missing;
  EXPECT_EQ(CallGomod({"write-and-read", "--path", "a/b.txt", "--text", "hi"}), "hi\n");
  fs::remove_all(dir);
}

TEST(GoModuleTest, InstallWritesATypedClientTheModuleCalls) {
  const std::string dir = test::TempDir();
  ASSERT_EQ(RunHost({"init", "--name", "loud", "--sdk", "go"}, {}, dir).exit_code, 0);
  test::Ran ran = RunHost({"-m", "./loud", "install", test::TestModule("cmod")}, {}, dir);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_NE(ran.out.find("Cmod(ctx)"), std::string::npos) << ran.out;
  ASSERT_TRUE(fs::exists(dir + "/loud/cmod_client.go"));
  // gomod's client has every type: it must compile too, and its enum result come back.
  ran = RunHost({"-m", "./loud", "install", test::TestModule("gomod")}, {}, dir);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  std::ofstream(dir + "/loud/main.go") << R"(package main

import "hostsdk"

type Loud struct{}

func (Loud) Shout(ctx *hostsdk.Ctx, text string, times int64) (string, error) {
	n, err := Cmod(ctx).Count([]string{text, text})
	if err != nil {
		return "", err
	}
	loud, err := Cmod(ctx).Shout(text)
	if err != nil {
		return "", err
	}
	scaled, err := Cmod(ctx).Scale(float64(times), float64(n))
	if err != nil {
		return "", err
	}
	color, err := Gomod(ctx).Mix("red", "blue")
	if err != nil {
		return "", err
	}
	return loud + " x" + hostsdk.SnakeCase("A") + string(rune('0'+int(scaled))) + " " + string(color), nil
}

func main() {
	m := hostsdk.New("loud", "0.1.0", "Calls cmod through its typed client.")
	m.Object(Loud{}, "The main object.").Function(Loud.Shout, "Shouts.",
		hostsdk.Arg("text", "What."), hostsdk.Arg("times", "How often."))
	m.Serve()
}
)";
  ran = RunHost({"-m", "./loud", "call", "shout", "--text", "hey", "--times", "3"}, {}, dir);
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "HEY! xa6 purple\n");
  fs::remove_all(dir);
}

TEST(GoModuleTest, AProcessModuleWhoseCommandIsNotItsObjectIsNotBuilt) {
  const std::string dir = test::TempDir();
  fs::create_directories(dir + "/other");
  std::ofstream(dir + "/other/module.json")
      << R"({"name": "other", "runtime": {"command": ["sh", "-c", "exit 3"]}})";
  std::ofstream(dir + "/other/CMakeLists.txt") << "message(FATAL_ERROR \"must not be built\")\n";
  test::Ran ran = RunHost({"-m", "./other", "functions"}, {}, dir);
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_EQ(ran.err.find("building module"), std::string::npos) << ran.err;
  EXPECT_NE(ran.err.find("exited with code 3"), std::string::npos) << ran.err;
  fs::remove_all(dir);
}

TEST(GoModuleTest, BuildsAndRunsInTheSandbox) {
  const std::string dir = test::TempDir();
  ASSERT_EQ(RunHost({"init", "--name", "boxed", "--sdk", "go"}, {}, dir).exit_code, 0);
  RuntimeOptions options;
  options.state_dir = dir + "/state";
  options.sandbox = true;  // no network; HOME is /tmp in there, so Go's cache is a fresh one
  Runtime engine(options);
  Result<const ModuleInfo*> loaded = engine.Load(dir + "/boxed");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  Result<v1::Value> value =
      engine.Call(test::MakeCall("boxed", "Boxed", "hello", {{"name", test::Str("box")}}));
  ASSERT_TRUE(value.ok()) << value.status().message();
  EXPECT_EQ(value->string_value(), "Hello, box!");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace host
