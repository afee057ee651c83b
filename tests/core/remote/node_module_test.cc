// A module written for Node.js, run as a process of its own: called from a C++ module through
// the graph, calling a C++ module itself, and failing in the ways a process can.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "core/engine/engine.h"
#include "tests/support/calls.h"
#include "tests/support/run.h"

namespace host {
namespace {
namespace fs = std::filesystem;

// A call of jsmod's main object with named string arguments.
v1::Call JsCall(const std::string& function,
                const std::vector<std::pair<std::string, std::string>>& args = {}) {
  std::vector<std::pair<std::string, v1::Value>> values;
  for (const auto& [name, text] : args) values.emplace_back(name, test::Str(text));
  return test::MakeCall("jsmod", "Jsmod", function, values);
}

TEST(NodeModuleTest, ACppModuleCallsTheNodeModuleWhichCallsACppModule) {
  const std::string caller = test::TestModule("jscaller");
  test::Ran shout = test::RunHost({"-m", caller, "call", "shout", "--text", "hi"});
  EXPECT_EQ(shout.exit_code, 0) << shout.err;
  EXPECT_EQ(shout.out, "HI!\n");
  // C++ (jscaller) -> JavaScript (jsmod) -> C++ (lcxx), each through the graph.
  test::Ran round_trip = test::RunHost({"-m", caller, "call", "round-trip", "--text", "x"});
  EXPECT_EQ(round_trip.exit_code, 0) << round_trip.err;
  EXPECT_EQ(round_trip.out, "[x]\n");
  // An object made by the Node.js module, held by the C++ module and called again.
  test::Ran label = test::RunHost({"-m", caller, "call", "label", "--prefix", "p", "--text", "t"});
  EXPECT_EQ(label.exit_code, 0) << label.err;
  EXPECT_EQ(label.out, "p:t\n");
}

TEST(NodeModuleTest, ACrashAndAHangFailTheirCallsAndTheModuleComesBack) {
  const std::string dir = test::TempDir();
  // jsmod with a call timeout of one second.
  fs::copy(test::TestModule("jsmod"), dir + "/jsmod", fs::copy_options::recursive);
  fs::remove(dir + "/jsmod/module.json");
  fs::remove(dir + "/jsmod/index.js");
  fs::create_symlink(HOST_SOURCE_DIR "/tests/modules/jsmod/index.js", dir + "/jsmod/index.js");
  std::ofstream(dir + "/jsmod/module.json")
      << R"({"name": "jsmod", "runtime": {"command": ["node", "index.js"], "call_timeout": 1},)"
      << R"( "dependencies": [{"name": "lcxx", "source": ")" << test::TestModule("lcxx")
      << R"("}]})";
  RuntimeOptions options;
  options.state_dir = dir + "/state";
  Runtime engine(options);
  Result<const ModuleInfo*> loaded = engine.Load(dir + "/jsmod");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();

  Result<v1::Value> crashed = engine.Call(JsCall("crash"));
  ASSERT_FALSE(crashed.ok());
  EXPECT_NE(crashed.status().message().find("function 'crash' of module 'jsmod' failed"),
            std::string::npos)
      << crashed.status().message();
  EXPECT_NE(crashed.status().message().find("exited with code 3"), std::string::npos)
      << crashed.status().message();
  Result<v1::Value> shout = engine.Call(JsCall("shout", {{"text", "again"}}));
  ASSERT_TRUE(shout.ok()) << shout.status().message();
  EXPECT_EQ(shout->string_value(), "AGAIN!");

  const auto start = std::chrono::steady_clock::now();
  Result<v1::Value> hung = engine.Call(JsCall("hang"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  ASSERT_FALSE(hung.ok());
  EXPECT_NE(hung.status().message().find("did not answer within 1 s"), std::string::npos)
      << hung.status().message();
  Result<v1::Value> bracketed = engine.Call(JsCall("brackets_via_cpp", {{"text", "b"}}));
  ASSERT_TRUE(bracketed.ok()) << bracketed.status().message();
  EXPECT_EQ(bracketed->string_value(), "[b]");
  fs::remove_all(dir);
}

TEST(NodeModuleTest, AModuleThatCannotDescribeItselfSaysWhy) {
  const std::string dir = test::TempDir();
  fs::create_directories(dir + "/broken");
  std::ofstream(dir + "/broken/module.json")
      << R"({"name": "broken", "runtime": {"command": ["node", "index.js"]}})";
  std::ofstream(dir + "/broken/index.js")
      << "const host = require('" HOST_SOURCE_DIR "/sdk/node');\n"
      << "const mod = host.module('broken');\n"
      << "mod.object('Broken').function('f', {returns: 'String'}, () => 1);\n"
      << "host.serve(mod);\n";
  test::Ran ran = test::RunHost({"-m", dir + "/broken", "functions"});
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_NE(ran.err.find("module 'broken'"), std::string::npos) << ran.err;
  EXPECT_NE(ran.err.find("its process failed to describe itself"), std::string::npos) << ran.err;
  EXPECT_NE(ran.err.find("returns is not a host type"), std::string::npos) << ran.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace host
