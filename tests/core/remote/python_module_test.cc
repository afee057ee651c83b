// Modules written in Python (sdk/python), run as processes of their own: every type both ways,
// objects, errors, logs, `host init --sdk python`, `host install` writing a typed Python client,
// and the chain Python -> C++ -> Node.js -> Python.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/engine/engine.h"
#include "tests/support/calls.h"
#include "tests/support/run.h"

namespace host {
namespace {
namespace fs = std::filesystem;

class PythonModuleTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir(); }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs host with a state folder of this test's own.
  test::Ran Host(const std::vector<std::string>& args, const std::string& cwd = "") {
    return test::RunHost(args, {"HOST_STATE_DIR=" + dir_ + "/state"}, cwd);
  }

  // Calls a function chain of pymod; expects it to succeed and returns what it printed.
  std::string Pymod(const std::vector<std::string>& chain) {
    std::vector<std::string> args = {"-m", test::TestModule("pymod"), "call"};
    args.insert(args.end(), chain.begin(), chain.end());
    test::Ran ran = Host(args);
    EXPECT_EQ(ran.exit_code, 0) << ran.err;
    return ran.out;
  }

  std::string dir_;
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_F(PythonModuleTest, ArgumentsOfEveryTypeArriveAsTheirPythonTypes) {
  EXPECT_EQ(Pymod({"describe", "--s", "a", "--i", "3", "--f", "1.5", "--b", "--items", "1,2",
                   "--maybe", "m"}),
            "str:'a' int:3 float:1.5 bool:True list:[1, 2] str:'m' HIGH\n");
  // A Float given as an integer is a float; an absent optional is None; an enum is its member.
  EXPECT_EQ(Pymod({"describe", "--s", "", "--i", "-9223372036854775808", "--f", "2", "--b=false",
                   "--items", "", "--level", "LOW"}),
            "str:'' int:-9223372036854775808 float:2.0 bool:False list:[] NoneType:None LOW\n");
}

TEST_F(PythonModuleTest, ResultsOfEveryTypeReturn) {
  EXPECT_EQ(Pymod({"numbers", "--n", "3"}), "0\n1\n2\n");
  EXPECT_EQ(Pymod({"half", "--i", "3"}), "1.5\n");
  EXPECT_EQ(Pymod({"negate", "--b"}), "false\n");
  EXPECT_EQ(Pymod({"nothing"}), "");
  EXPECT_EQ(Pymod({"maybe"}), "");
  EXPECT_EQ(Pymod({"maybe", "--x", "4"}), "5\n");
  EXPECT_EQ(Pymod({"shade"}), "HIGH\n");
  EXPECT_EQ(Pymod({"shade", "--level", "HIGH"}), "LOW\n");
  EXPECT_EQ(Pymod({"later", "--text", "abc"}), "cba\n");  // an async function
}

TEST_F(PythonModuleTest, SchemaComesFromHintsDocstringsAndDefaults) {
  test::Ran ran = Host({"-m", test::TestModule("pymod"), "functions"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_NE(ran.out.find("hello"), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find("Greets someone."), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find("Put before labels."), std::string::npos) << ran.out;  // field()
  EXPECT_EQ(ran.out.find("secret"), std::string::npos) << ran.out;              // internal field
  EXPECT_EQ(Pymod({"hello"}), "Hello, world!\n");                               // default value
  EXPECT_EQ(Pymod({"hello", "--name", "you"}), "Hello, you!\n");
  // A method and an argument named after Python keywords keep their names without the '_'.
  EXPECT_EQ(Pymod({"from", "--in", "x"}), "from x\n");
  // The constructor from @constructor.
  EXPECT_EQ(Pymod({"--prefix", "zz", "label", "--text", "t"}), "zz:t\n");
  ran = Host({"-m", test::TestModule("pymod"), "call", "hello", "--help"});
  EXPECT_NE(ran.out.find("Who to greet."), std::string::npos) << ran.out << ran.err;
}

TEST_F(PythonModuleTest, ObjectsChainAndCarryTheirFields) {
  EXPECT_EQ(Pymod({"with-prefix", "--p", "q", "with-tag", "--tag", "a", "with-tag", "--tag", "b",
                   "label", "--text", "t"}),
            "q:t\n");
  // Another object type, with an internal field carried between calls.
  EXPECT_EQ(Pymod({"with-tag", "--tag", "a", "with-tag", "--tag", "b", "report", "summary"}),
            "py: 2 tag(s): a,b\n");
  EXPECT_EQ(Pymod({"with-tag", "--tag", "a", "tags"}), "a\n");  // a field
}

TEST_F(PythonModuleTest, ExceptionsBecomeCallErrors) {
  const std::string mod = test::TestModule("pymod");
  test::Ran ran = Host({"-m", mod, "call", "fail", "--message", "deploy refused"});
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_NE(ran.err.find("function 'fail' of module 'pymod' failed: deploy refused"),
            std::string::npos)
      << ran.err;
  ran = Host({"-m", mod, "call", "fail", "--message", "bad input", "--usage"});
  EXPECT_EQ(ran.exit_code, 2) << ran.err;
  EXPECT_NE(ran.err.find("failed: bad input"), std::string::npos) << ran.err;
  ran = Host({"-m", mod, "call", "wrong"});
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_NE(ran.err.find("the result of function 'wrong' must be Int, got str ('not a number')"),
            std::string::npos)
      << ran.err;
  // The module goes on serving after a failure, and a failed nested call is a CallError.
  EXPECT_EQ(Pymod({"bad-call"}), "usage: Pycxx has no function 'missing'\n");
}

TEST_F(PythonModuleTest, LoggingGoesToTheHost) {
  test::Ran ran = Host({"-m", test::TestModule("pymod"), "call", "note", "--text", "hi"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "hi\n");
  EXPECT_NE(ran.err.find("info: note: hi"), std::string::npos) << ran.err;
  EXPECT_NE(ran.err.find("warning: careful: hi"), std::string::npos) << ran.err;
  EXPECT_EQ(ran.err.find("hidden"), std::string::npos) << ran.err;            // debug is dropped
  EXPECT_NE(ran.err.find("error: plain: hi"), std::string::npos) << ran.err;  // host_sdk.log
}

TEST_F(PythonModuleTest, PythonCallsCppThroughATypedClient) {
  EXPECT_EQ(Pymod({"cxx", "--values", "1,2,3", "--factor", "2", "--label", "L"}), "12.0 L abc\n");
  EXPECT_EQ(Pymod({"cxx", "--values", "1"}), "1.0 cxx abc\n");
  EXPECT_EQ(Pymod({"untyped", "--text", "t"}), "Pycxx/t\n");  // host_sdk.call, no client
  const std::string client = ReadFile(test::TestModule("pymod") + "/deps/pycxx.py");
  EXPECT_NE(client.find("class Pycxx(_host_client.ClientObject):"), std::string::npos) << client;
  EXPECT_NE(client.find("def total(self, values: list[int], factor: "
                        "_host_typing.Optional[float] = None) -> float:"),
            std::string::npos)
      << client;
}

TEST_F(PythonModuleTest, CoreTypesThroughTheSdksCoreClient) {
  // host_sdk.core, generated from the core schema: a directory made and read in Python.
  EXPECT_EQ(Pymod({"notes-size", "--text", "hello"}), "5\n");
  // A core object as an argument, from a folder given on the command line.
  const fs::path notes = fs::path(dir_) / "notes";
  fs::create_directories(notes);
  std::ofstream(notes / "notes.txt") << "from disk";
  EXPECT_EQ(Pymod({"read-notes", "--d", notes.string()}), "from disk\n");
}

TEST_F(PythonModuleTest, PythonCallsCppCallsNodeCallsPython) {
  // pymod (Python) -> pycxx (C++, typed C++ client) -> pyjs (Node.js) -> pyleaf (Python).
  EXPECT_EQ(Pymod({"chain", "--text", "x"}), "cxx(js(<py:x>))\n");
}

TEST_F(PythonModuleTest, InitMakesAWorkingModuleAndInstallWritesATypedClient) {
  test::Ran ran = Host({"init", "--sdk", "python", "--name", "py-greet"}, dir_);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  const fs::path mod = fs::path(dir_) / "py-greet";
  EXPECT_TRUE(fs::exists(mod / "main.py"));
  EXPECT_TRUE(fs::exists(mod / "host_sdk" / "_gen" / "host" / "v1" / "wire_pb2.py"));
  EXPECT_NE(ReadFile(mod / "module.json").find("\"python\""), std::string::npos);
  ran = Host({"-m", "./py-greet", "call", "hello", "--name", "you"}, dir_);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "Hello, you!\n");
  ran = Host({"-m", "./py-greet", "call", "with-greeting", "--text", "Hi", "hello"}, dir_);
  EXPECT_EQ(ran.out, "Hi, world!\n") << ran.err;

  // install writes deps/pycxx.py and says how to use it; the module then calls it.
  ran = Host({"install", test::TestModule("pycxx")}, mod.string());
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_NE(ran.out.find("Use it with \"from deps.pycxx import pycxx\" and pycxx()"),
            std::string::npos)
      << ran.out;
  ASSERT_TRUE(fs::exists(mod / "deps" / "pycxx.py"));
  std::string main = ReadFile(mod / "main.py");
  main.replace(main.find("\n\nserve()"), 9,
               "\n    @function\n    def via(self, text: str) -> str:\n"
               "        return pycxx().with_label(text).via_js(text)\n\n\nserve()");
  main.insert(0, "from deps.pycxx import pycxx\n");
  std::ofstream(mod / "main.py") << main;
  ran = Host({"-m", "./py-greet", "call", "via", "--text", "t"}, dir_);
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "t(js(<py:t>))\n");
}

TEST_F(PythonModuleTest, AModuleFromInitRunsSandboxed) {
  // As a remote module would run: in bubblewrap, its folder and the system folders read-only.
  ASSERT_EQ(Host({"init", "--sdk", "python", "--name", "boxed"}, dir_).exit_code, 0);
  const fs::path main = fs::path(dir_) / "boxed" / "main.py";
  std::string text = ReadFile(main);
  text.replace(text.find("\n\nserve()"), 9,
               "\n    @function\n    def sees(self, path: str) -> bool:\n"
               "        import os\n        return os.path.exists(path)\n\n\nserve()");
  std::ofstream(main) << text;
  const std::string outside = dir_ + "/outside.txt";
  std::ofstream(outside) << "not for the module";
  RuntimeOptions options;
  options.state_dir = dir_ + "/state";
  options.sandbox = true;
  Runtime engine(options);
  Result<const ModuleInfo*> loaded = engine.Load(dir_ + "/boxed");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  Result<v1::Value> value =
      engine.Call(test::MakeCall("boxed", "Boxed", "hello", {{"name", test::Str("box")}}));
  ASSERT_TRUE(value.ok()) << value.status().message();
  EXPECT_EQ(value->string_value(), "Hello, box!");
  // The file beside its folder is not there for it (it is, unsandboxed: see the last call).
  value = engine.Call(test::MakeCall("boxed", "Boxed", "sees", {{"path", test::Str(outside)}}));
  ASSERT_TRUE(value.ok()) << value.status().message();
  EXPECT_FALSE(value->bool_value());
  options.sandbox = false;
  options.state_dir = dir_ + "/state2";
  Runtime open(options);
  ASSERT_TRUE(open.Load(dir_ + "/boxed").ok());
  value = open.Call(test::MakeCall("boxed", "Boxed", "sees", {{"path", test::Str(outside)}}));
  ASSERT_TRUE(value.ok()) << value.status().message();
  EXPECT_TRUE(value->bool_value());
}

TEST_F(PythonModuleTest, AModuleDeclaredWronglyIsReportedWithTheReason) {
  const fs::path mod = fs::path(dir_) / "wrongly";
  fs::create_directories(mod);
  fs::create_directory_symlink(fs::path(test::TestModule("pymod")) / "host_sdk", mod / "host_sdk");
  std::ofstream(mod / "module.json")
      << R"({"name": "wrongly", "sdk": "python", "runtime": {"command": [")" << HOST_PYTHON
      << R"(", "main.py"]}})";
  std::ofstream(mod / "main.py")
      << "from host_sdk import function, object_type, serve\n\n@object_type\nclass Wrongly:\n"
         "    @function\n    def f(self, x) -> str:\n        return ''\n\nserve()\n";
  test::Ran ran = Host({"-m", mod.string(), "call", "f"});
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_NE(ran.err.find("module 'wrongly' is declared wrongly: object 'Wrongly', function 'f', "
                         "argument 'x' has no type hint"),
            std::string::npos)
      << ran.err;
}

}  // namespace
}  // namespace host
