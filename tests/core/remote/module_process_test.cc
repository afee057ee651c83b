// Out-of-process modules: shared objects under isolation, and module.json's runtime.command, with
// the ways a module process can misbehave (cannot run, exits at start, never answers, answers
// garbage, sends a schema that does not validate, crashes, hangs).
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "core/engine/engine.h"
#include "tests/support/calls.h"
#include "tests/support/run.h"

namespace host {
namespace {
namespace fs = std::filesystem;

using test::Int;
using test::Str;

// A call of a gxx function with named arguments.
v1::Call GxxCall(const std::string& function,
                 const std::vector<std::pair<std::string, v1::Value>>& args = {}) {
  return test::MakeCall("gxx", "Gxx", function, args);
}

// The host binary's module server over a built test module's shared object, as a command.
std::string ModuleServeCommand(const std::string& module) {
  return std::string("[\"") + HOST_BINARY + "\", \"module-serve\", \"" + test::TestModule(module) +
         "/lib" + module + ".so\"]";
}

class ModuleProcessTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir(); }
  void TearDown() override { fs::remove_all(dir_); }

  // A module folder whose module.json holds runtime (JSON text); returns the folder.
  std::string CommandModule(const std::string& name, const std::string& runtime) {
    const std::string folder = dir_ + "/" + name;
    fs::create_directories(folder);
    std::ofstream(folder + "/module.json")
        << "{\"name\": \"" << name << "\", \"runtime\": " << runtime << "}\n";
    return folder;
  }

  // An engine of the test's own, isolating shared objects when asked.
  std::unique_ptr<Runtime> MakeEngine(bool isolate) {
    RuntimeOptions options;
    options.state_dir = dir_ + "/state";
    options.isolate = isolate;
    return std::make_unique<Runtime>(options);
  }

  std::string dir_;
};

TEST_F(ModuleProcessTest, IsolatedModulesAnswerAsInProcess) {
  const std::string gxx = test::TestModule("gxx");
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string out;
  };
  for (const Case& c :
       std::vector<Case>{{{"call", "echo", "--a", "x", "--b", "y", "--c", "z"}, 0, "xyz\n"},
                         // gxx -> cmod and lcxx, each a process of its own
                         {{"call", "greet", "--name", "bob"}, 0, "[BOB!]\n"},
                         {{"call", "with-prefix", "--p", "q", "label", "--text", "t"}, 0, "q:t\n"},
                         {{"--json", "call", "count", "--items", "a", "--items", "b"}, 0, "2\n"},
                         {{"call", "fail", "--message", "boom"}, 1, ""}}) {
    std::vector<std::string> local = {"-m", gxx};
    local.insert(local.end(), c.args.begin(), c.args.end());
    std::vector<std::string> isolated = {"--isolate", "-m", gxx};
    isolated.insert(isolated.end(), c.args.begin(), c.args.end());
    test::Ran in_process = test::RunHost(local);
    test::Ran out_of_process = test::RunHost(isolated);
    EXPECT_EQ(in_process.exit_code, c.exit_code) << c.args[1] << in_process.err;
    EXPECT_EQ(in_process.out, c.out) << c.args[1];
    EXPECT_EQ(out_of_process.exit_code, in_process.exit_code) << c.args[1] << out_of_process.err;
    EXPECT_EQ(out_of_process.out, in_process.out) << c.args[1];
    EXPECT_EQ(out_of_process.err, in_process.err) << c.args[1];
  }
}

TEST_F(ModuleProcessTest, AnIsolatedModuleCallsCoreTypesThroughTheRuntime) {
  auto engine = MakeEngine(true);
  ASSERT_TRUE(engine->Load(test::TestModule("gxx")).ok());
  fs::create_directories(dir_ + "/tree/sub");
  std::ofstream(dir_ + "/tree/sub/file") << "x";
  Result<v1::Value> host_value = engine->Call(test::MakeCall("core", "Query", "host"));
  ASSERT_TRUE(host_value.ok()) << host_value.status().message();
  v1::Call directory = test::MakeCall("core", "Host", "directory", {{"path", Str(dir_ + "/tree")}});
  *directory.mutable_receiver() = host_value->object_value();
  Result<v1::Value> dir_value = engine->Call(directory);
  ASSERT_TRUE(dir_value.ok()) << dir_value.status().message();
  // The module's call of a core type's function comes back to the engine with its context.
  Result<v1::Value> counted = engine->Call(GxxCall("count_files", {{"dir", *dir_value}}));
  ASSERT_TRUE(counted.ok()) << counted.status().message();
  EXPECT_EQ(counted->int_value(), 2);
}

TEST_F(ModuleProcessTest, ACrashFailsTheCallNamingTheModuleAndTheNextCallWorks) {
  auto engine = MakeEngine(true);
  ASSERT_TRUE(engine->Load(test::TestModule("gxx")).ok());
  Result<v1::Value> crashed = engine->Call(GxxCall("crash"));
  ASSERT_FALSE(crashed.ok());
  EXPECT_NE(crashed.status().message().find("function 'crash' of module 'gxx' failed"),
            std::string::npos)
      << crashed.status().message();
  EXPECT_NE(crashed.status().message().find("killed by signal 6"), std::string::npos)
      << crashed.status().message();
  // The engine and the other module processes keep working; gxx starts again.
  Result<v1::Value> echoed =
      engine->Call(GxxCall("echo", {{"a", Str("a")}, {"b", Str("b")}, {"c", Str("c")}}));
  ASSERT_TRUE(echoed.ok()) << echoed.status().message();
  EXPECT_EQ(echoed->string_value(), "abc");
  Result<v1::Value> greeted = engine->Call(GxxCall("greet", {{"name", Str("ada")}}));
  ASSERT_TRUE(greeted.ok()) << greeted.status().message();
  EXPECT_EQ(greeted->string_value(), "[ADA!]");
}

TEST_F(ModuleProcessTest, ACrashThroughTheCliExitsOneAndNamesTheModule) {
  test::Ran ran = test::RunHost({"--isolate", "-m", test::TestModule("gxx"), "call", "crash"});
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_NE(ran.err.find("module 'gxx'"), std::string::npos) << ran.err;
  EXPECT_NE(ran.err.find("killed by signal 6"), std::string::npos) << ran.err;
}

TEST_F(ModuleProcessTest, AHungCallIsStoppedAfterTheCallTimeout) {
  const std::string folder =
      CommandModule("gxx", "{\"command\": " + ModuleServeCommand("gxx") + ", \"call_timeout\": 1}");
  auto engine = MakeEngine(false);
  Result<const ModuleInfo*> loaded = engine->Load(folder);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const auto start = std::chrono::steady_clock::now();
  Result<v1::Value> hung = engine->Call(GxxCall("nap", {{"ms", Int(30000)}}));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(hung.ok());
  EXPECT_LT(took, std::chrono::seconds(10));
  EXPECT_NE(hung.status().message().find("module 'gxx'"), std::string::npos);
  EXPECT_NE(hung.status().message().find("did not answer within 1 s"), std::string::npos)
      << hung.status().message();
  Result<v1::Value> quick = engine->Call(GxxCall("nap", {{"ms", Int(1)}}));
  ASSERT_TRUE(quick.ok()) << quick.status().message();
  EXPECT_EQ(quick->int_value(), 1);
}

TEST_F(ModuleProcessTest, AProcessThatExitsAtStartIsReportedWithItsOutput) {
  const std::string folder = CommandModule(
      "quits", R"({"command": ["sh", "-c", "echo missing configuration >&2; exit 3"]})");
  test::Ran ran = test::RunHost({"-m", folder, "functions"});
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_NE(ran.err.find("module 'quits'"), std::string::npos) << ran.err;
  EXPECT_NE(ran.err.find("exited with code 3 at start"), std::string::npos) << ran.err;
  EXPECT_NE(ran.err.find("missing configuration"), std::string::npos) << ran.err;
}

TEST_F(ModuleProcessTest, ACommandThatCannotRunSaysHowToFixIt) {
  const std::string folder =
      CommandModule("missing", R"({"command": ["no-such-program-for-host-tests"]})");
  test::Ran ran = test::RunHost({"-m", folder, "functions"});
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_NE(ran.err.find("cannot run 'no-such-program-for-host-tests'"), std::string::npos)
      << ran.err;
  EXPECT_NE(ran.err.find("runtime.command"), std::string::npos) << ran.err;
}

TEST_F(ModuleProcessTest, AProcessThatNeverServesIsStoppedAfterTheStartTimeout) {
  const std::string folder =
      CommandModule("silent", R"({"command": ["sleep", "600"], "start_timeout": 1})");
  const auto start = std::chrono::steady_clock::now();
  test::Ran ran = test::RunHost({"-m", folder, "functions"});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(8));
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_NE(ran.err.find("module 'silent'"), std::string::npos) << ran.err;
  EXPECT_NE(ran.err.find("within 1 s"), std::string::npos) << ran.err;
  EXPECT_NE(test::Run({"pgrep", "-f", "^sleep 600$"}).exit_code, 0) << "the process was left";
}

TEST_F(ModuleProcessTest, AProcessThatAnswersGarbageIsStopped) {
  // It accepts connections on its socket and writes bytes that are not HTTP/2.
  const std::string script =
      "import os, socket\n"
      "s = socket.socket(socket.AF_UNIX)\n"
      "s.bind(os.environ['HOST_MODULE_SOCKET'][len('unix://'):])\n"
      "s.listen()\n"
      "while True:\n"
      "    c, _ = s.accept()\n"
      "    c.sendall(b'garbage, not gRPC\\r\\n' * 64)\n"
      "    c.close()\n";
  const std::string folder =
      CommandModule("garbled", R"({"command": ["python3", "garbage.py"], "start_timeout": 10})");
  std::ofstream(folder + "/garbage.py") << script;
  test::Ran ran = test::RunHost({"-m", folder, "functions"});
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_NE(ran.err.find("module 'garbled'"), std::string::npos) << ran.err;
  EXPECT_NE(ran.err.find("does not answer the Module service"), std::string::npos) << ran.err;
}

TEST_F(ModuleProcessTest, ASchemaThatDoesNotValidateIsRefused) {
  // The host's own module server over a fixture whose schema names a type nobody defines.
  const std::string folder = CommandModule(
      "bad", std::string("{\"command\": [\"") + HOST_BINARY + "\", \"module-serve\", \"" +
                 test::TestModule("bad") + "/libbad_bad_schema.so\"]}");
  test::Ran ran = test::RunHost({"-m", folder, "functions"});
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_NE(ran.err.find("module " + folder + "/module.json has an invalid schema"),
            std::string::npos)
      << ran.err;
}

TEST_F(ModuleProcessTest, ModuleServeRefusesToRunOutsideTheRuntime) {
  test::Ran ran = test::RunHost({"module-serve", test::TestModule("gxx") + "/libgxx.so"}, {}, dir_);
  EXPECT_EQ(ran.exit_code, 2);
  EXPECT_NE(ran.err.find("HOST_MODULE_SOCKET"), std::string::npos) << ran.err;
}

}  // namespace
}  // namespace host
