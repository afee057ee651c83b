// The sandbox for untrusted modules: a real module process that tries to read a host file, to
// reach a loopback TCP port and to see the runtime's environment, sandboxed and not (so the test
// can fail), and whose calls to another module and to the core types go through the engine.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/engine/engine.h"
#include "core/remote/sandbox.h"
#include "tests/support/calls.h"
#include "tests/support/run.h"

namespace host {
namespace {
namespace fs = std::filesystem;

using test::Int;
using test::Str;

class SandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::TempDir();
    secret_file_ = dir_ + "/secret.txt";
    std::ofstream(secret_file_) << "top secret";
    // A loopback listener the module tries to reach.
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(listener_, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(listen(listener_, 8), 0);
    socklen_t size = sizeof address;
    ASSERT_EQ(getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size), 0);
    port_ = ntohs(address.sin_port);
    setenv("HOST_SANDBOX_TEST_TOKEN", "hunter2", 1);
  }
  void TearDown() override {
    unsetenv("HOST_SANDBOX_TEST_TOKEN");
    if (listener_ >= 0) close(listener_);
    fs::remove_all(dir_);
  }

  std::unique_ptr<Runtime> MakeEngine(bool sandbox) {
    RuntimeOptions options;
    options.state_dir = dir_ + "/state";
    options.isolate = true;  // both out of process: only the sandbox differs
    options.sandbox = sandbox;
    return std::make_unique<Runtime>(options);
  }

  // Calls an sbox function; its string result, or the error.
  static std::string Probe(const Runtime& engine, const std::string& function,
                           const std::vector<std::pair<std::string, v1::Value>>& args) {
    Result<v1::Value> value = engine.Call(test::MakeCall("sbox", "Sbox", function, args));
    if (!value.ok()) return "call failed: " + value.status().message();
    return value->string_value();
  }

  std::string dir_;
  std::string secret_file_;
  int listener_ = -1;
  int port_ = 0;
};

TEST_F(SandboxTest, OutsideTheSandboxTheProbesReachTheHost) {
  std::unique_ptr<Runtime> engine = MakeEngine(false);
  Result<const ModuleInfo*> loaded = engine->Load(test::TestModule("sbox"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(Probe(*engine, "read_file", {{"path", Str(secret_file_)}}), "top secret");
  EXPECT_EQ(Probe(*engine, "connect_tcp", {{"port", Int(port_)}}), "connected");
  EXPECT_NE(Probe(*engine, "read_file", {{"path", Str("/proc/self/environ")}})
                .find("HOST_SANDBOX_TEST_TOKEN=hunter2"),
            std::string::npos);
  EXPECT_EQ(Probe(*engine, "host_file", {{"path", Str(secret_file_)}}), "top secret");
}

TEST_F(SandboxTest,
       ASandboxedModuleReachesNoHostFileNoNetworkAndNoSecretsButCallsThroughTheEngine) {
  std::unique_ptr<Runtime> engine = MakeEngine(true);
  Result<const ModuleInfo*> loaded = engine->Load(test::TestModule("sbox"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  // Host files: the test's, the state folder, the user's home, host's config.
  EXPECT_EQ(Probe(*engine, "read_file", {{"path", Str(secret_file_)}}), "errno 2");
  EXPECT_EQ(Probe(*engine, "read_file", {{"path", Str(dir_ + "/state")}}), "errno 2");
  EXPECT_EQ(Probe(*engine, "read_file", {{"path", Str("/root")}}), "errno 2");
  EXPECT_EQ(Probe(*engine, "read_file", {{"path", Str("/etc/hostname")}}), "errno 2");
  // The network: a new namespace whose loopback is down.
  const std::string connected = Probe(*engine, "connect_tcp", {{"port", Int(port_)}});
  EXPECT_EQ(connected.rfind("errno ", 0), 0u) << connected;
  // The environment: a minimal one, none of the runtime's variables.
  const std::string environment =
      Probe(*engine, "read_file", {{"path", Str("/proc/self/environ")}});
  EXPECT_EQ(environment.find("HOST_SANDBOX_TEST_TOKEN"), std::string::npos) << environment;
  EXPECT_NE(environment.find("HOST_ENGINE_SOCKET="), std::string::npos) << environment;
  // Its own folder stays readable, read-only.
  const std::string manifest =
      Probe(*engine, "read_file", {{"path", Str(test::TestModule("sbox") + "/module.json")}});
  EXPECT_NE(manifest.find("\"sbox\""), std::string::npos) << manifest;
  // Calls to another module (lcxx, sandboxed too) and to the core types go through the engine.
  EXPECT_EQ(Probe(*engine, "relay", {{"text", Str("hi")}}), "[hi]");
}

TEST_F(SandboxTest, TheEngineRefusesASandboxedModuleTheCoreCallsThatReachTheHost) {
  std::unique_ptr<Runtime> engine = MakeEngine(true);
  Result<const ModuleInfo*> loaded = engine->Load(test::TestModule("sbox"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  // Host.file through the engine would read what the sandbox hides.
  const std::string through_host = Probe(*engine, "host_file", {{"path", Str(secret_file_)}});
  EXPECT_EQ(through_host.rfind("refused: ", 0), 0u) << through_host;
  EXPECT_NE(through_host.find("a sandboxed module may not call core Query.host"), std::string::npos)
      << through_host;
  EXPECT_EQ(through_host.find("top secret"), std::string::npos);
}

TEST_F(SandboxTest, ASandboxedModuleThatCrashesIsStartedAgainInANewSandbox) {
  std::unique_ptr<Runtime> engine = MakeEngine(true);
  Result<const ModuleInfo*> loaded = engine->Load(test::TestModule("gxx"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  Result<v1::Value> crashed = engine->Call(test::MakeCall("gxx", "Gxx", "crash", {}));
  ASSERT_FALSE(crashed.ok());
  EXPECT_NE(crashed.status().message().find("The next call starts the module again"),
            std::string::npos)
      << crashed.status().message();
  // gxx -> cmod -> lcxx, each sandboxed.
  Result<v1::Value> greeted =
      engine->Call(test::MakeCall("gxx", "Gxx", "greet", {{"name", Str("ada")}}));
  ASSERT_TRUE(greeted.ok()) << greeted.status().message();
  EXPECT_EQ(greeted->string_value(), "[ADA!]");
}

TEST_F(SandboxTest, ASandboxedModuleCannotDriveTheTerminal) {
  for (const bool sandbox : {false, true}) {
    std::unique_ptr<Runtime> engine = MakeEngine(sandbox);
    ASSERT_TRUE(engine->Load(test::TestModule("sbox")).ok());
    Result<v1::Value> crashed = engine->Call(test::MakeCall("sbox", "Sbox", "crash_loudly", {}));
    ASSERT_FALSE(crashed.ok());
    const std::string& message = crashed.status().message();
    EXPECT_NE(message.find("boom"), std::string::npos) << message;
    // Its output, on the terminal and in the error, carries no escape sequence when sandboxed.
    EXPECT_EQ(message.find('\033') == std::string::npos, sandbox) << message;
  }
}

// A C module built from source whose CMakeLists.txt writes a host file when it can see one.
std::string WriteBuildProbe(const std::string& dir, const std::string& secret,
                            const std::string& written) {
  const std::string folder = dir + "/buildprobe";
  fs::create_directories(folder);
  std::ofstream(folder + "/module.json") << "{\"name\": \"buildprobe\", \"version\": \"0.1.0\", "
                                            "\"sdk\": \"c\"}\n";
  std::ofstream(folder + "/CMakeLists.txt")
      << "cmake_minimum_required(VERSION 3.20)\n"
         "project(buildprobe C)\n"
         "include(${HOST_SDK_DIR}/HostModule.cmake)\n"
         "if(EXISTS \""
      << secret << "\")\n  file(WRITE \"" << written
      << "\" \"the build saw the host\")\nendif()\n"
         "host_add_module(buildprobe SOURCES probe.c LANGUAGE C)\n";
  std::ofstream(folder + "/probe.c")
      << "#include \"host/module_c.h\"\n"
         "static host_status hello(hostc_call* call) {\n"
         "  return hostc_return_string(call, hostc_arg_string(call, \"name\"));\n"
         "}\n"
         "static const hostc_arg hello_args[] = {HOSTC_ARG(\"name\", \"String\", \"Who.\")};\n"
         "static const hostc_function functions[] = {\n"
         "    HOSTC_FUNCTION(\"hello\", hello, hello_args, \"String\", HOSTC_CACHE_NEVER, "
         "\"Hi.\"),\n"
         "};\n"
         "HOSTC_MODULE(\"buildprobe\", \"0.1.0\", \"Probes its build.\", functions);\n";
  return folder;
}

TEST_F(SandboxTest, ASandboxedModuleIsBuiltInTheSandbox) {
  const std::string written = dir_ + "/written-by-the-build";
  {
    std::unique_ptr<Runtime> engine = MakeEngine(true);
    Result<const ModuleInfo*> loaded =
        engine->Load(WriteBuildProbe(dir_ + "/sandboxed", secret_file_, written));
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    Result<v1::Value> hello =
        engine->Call(test::MakeCall("buildprobe", "Buildprobe", "hello", {{"name", Str("hi")}}));
    ASSERT_TRUE(hello.ok()) << hello.status().message();
    EXPECT_EQ(hello->string_value(), "hi");
    EXPECT_FALSE(fs::exists(written)) << "the sandboxed build saw and wrote host files";
  }
  // The same module built outside the sandbox sees the host: the probe works.
  std::unique_ptr<Runtime> engine = MakeEngine(false);
  Result<const ModuleInfo*> loaded =
      engine->Load(WriteBuildProbe(dir_ + "/trusted", secret_file_, written));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_TRUE(fs::exists(written));
}

TEST(SandboxCommandTest, ShowsNeitherTheRootNorWhatDoesNotExistNorTheHostsConfig) {
  remote::SandboxSpec spec;
  spec.command = {"/usr/bin/env"};
  spec.dir = "/";
  spec.read_only = {"/", "/usr/..", "/no/such/folder"};
  spec.engine_socket = "/run/engine.sock";
  spec.module_socket_dir = "/run/module";
  const std::vector<std::string> args = remote::SandboxCommand(spec);
  ASSERT_FALSE(args.empty());
  EXPECT_EQ(args[0], "bwrap");
  for (size_t i = 0; i + 2 < args.size(); ++i) {
    if (args[i] != "--ro-bind" && args[i] != "--bind" && args[i] != "--ro-bind-try") continue;
    EXPECT_NE(args[i + 1], "/") << "the whole root is shown";
    EXPECT_NE(args[i + 1], "/no/such/folder");
    EXPECT_NE(args[i + 1], "/etc");
    EXPECT_NE(args[i + 1].rfind("/root", 0), 0u);
    EXPECT_NE(args[i + 1].rfind("/home", 0), 0u);
  }
  EXPECT_NE(std::find(args.begin(), args.end(), "--unshare-all"), args.end());
  EXPECT_NE(std::find(args.begin(), args.end(), "--cap-drop"), args.end());
  EXPECT_EQ(args[args.size() - 2], "--");
  EXPECT_EQ(args.back(), "/usr/bin/env");
}

TEST(SandboxedCallTest, CallsThatReachTheHostAreRefusedWhateverTheyAreCalledOn) {
  using remote::CheckSandboxedCall;
  EXPECT_FALSE(CheckSandboxedCall("core", "Query", "", "host").ok());
  EXPECT_FALSE(CheckSandboxedCall("core", "Query", "", "secret").ok());
  EXPECT_FALSE(CheckSandboxedCall("core", "Host", "", "directory").ok());
  EXPECT_FALSE(CheckSandboxedCall("core", "", "Host", "file").ok());  // receiver's type
  // A receiver claiming to be a Host under another object's name.
  EXPECT_FALSE(CheckSandboxedCall("core", "Directory", "Host", "entries").ok());
  EXPECT_FALSE(CheckSandboxedCall("core", "Directory", "Directory", "export").ok());
  EXPECT_FALSE(CheckSandboxedCall("core", "", "File", "export").ok());
  EXPECT_FALSE(CheckSandboxedCall("core", "Container", "Container", "export").ok());
  // The module a call names decides nothing (the registry finds the object whatever it says),
  // and names match in any spelling.
  EXPECT_FALSE(CheckSandboxedCall("x", "Query", "", "host").ok());
  EXPECT_FALSE(CheckSandboxedCall("lcxx", "Host", "", "file").ok());
  EXPECT_FALSE(CheckSandboxedCall("x", "", "Host", "directory").ok());
  EXPECT_FALSE(CheckSandboxedCall("x", "", "", "host").ok());
  EXPECT_FALSE(CheckSandboxedCall("x", "Directory", "Directory", "Export").ok());
  EXPECT_FALSE(CheckSandboxedCall("core", "Query", "", "Secret").ok());
  EXPECT_FALSE(CheckSandboxedCall("core", "Query", "", "set_secret").ok());
  // Everything else of the core types, and other modules, go through.
  EXPECT_TRUE(CheckSandboxedCall("core", "Query", "", "directory").ok());
  EXPECT_TRUE(CheckSandboxedCall("core", "", "Directory", "with-new-file").ok());
  EXPECT_TRUE(CheckSandboxedCall("core", "Container", "Container", "with-exec").ok());
  EXPECT_TRUE(CheckSandboxedCall("lcxx", "Lcxx", "", "brackets").ok());
}

}  // namespace
}  // namespace host
