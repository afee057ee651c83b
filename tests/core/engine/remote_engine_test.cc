// `host serve` and `host --engine`: real server and client processes on a unix socket and on a
// loopback tcp port, and raw gRPC requests to the Engine service.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "host/v1/engine.grpc.pb.h"
#include "host/v1/wire.pb.h"
#include "tests/support/calls.h"
#include "tests/support/run.h"
#include "tests/support/serve_process.h"

namespace host {
namespace {

using test::RunHost;

// A server on a unix socket in a fresh folder, or on tcp with a token.
class RemoteEngine : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir(); }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Starts `host serve` with args and env; fails the test when it does not come up.
  void Serve(const std::vector<std::string>& args, std::vector<std::string> env = {}) {
    env.push_back("HOST_STATE_DIR=" + dir_ + "/state");
    server_ = std::make_unique<test::ServeProcess>(HOST_BINARY, args, env, dir_ + "/serve.log");
    ASSERT_FALSE(server_->address().empty()) << server_->log();
  }

  // A raw client of the server's Engine service.
  std::unique_ptr<v1::Engine::Stub> Stub() const {
    std::string target = server_->address();
    if (target.rfind("tcp://", 0) == 0) target = target.substr(6);
    return v1::Engine::NewStub(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  }

  // The names of the modules the server has loaded, asked with token.
  std::vector<std::string> LoadedModules(const std::string& token) const {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    v1::DescribeRequest request;
    v1::DescribeResponse response;
    EXPECT_TRUE(Stub()->Describe(&context, request, &response).ok());
    std::vector<std::string> names;
    for (const std::string& bytes : response.modules()) {
      v1::ModuleDef def;
      EXPECT_TRUE(def.ParseFromString(bytes));
      names.push_back(def.name());
    }
    return names;
  }

  // Runs one call as a chain of one step; returns its value (or fails the test).
  static v1::Value RunOne(v1::Engine::Stub& stub, const v1::Call& call) {
    grpc::ClientContext context;
    v1::CallRequest request;
    request.add_steps()->set_call(call.SerializeAsString());
    v1::CallResponse response;
    EXPECT_TRUE(stub.Call(&context, request, &response).ok());
    EXPECT_TRUE(response.has_value()) << response.failure().message();
    v1::Value value;
    EXPECT_TRUE(value.ParseFromString(response.value()));
    return value;
  }

  std::string dir_;
  std::unique_ptr<test::ServeProcess> server_;
};

TEST_F(RemoteEngine, RunsAChainOnAUnixSocket) {
  Serve({"--listen", "unix://" + dir_ + "/engine.sock"});
  EXPECT_EQ(server_->address(), "unix://" + dir_ + "/engine.sock");
  test::Ran ran = RunHost({"--engine", server_->address(), "-m", "semver", "call", "--version",
                           "1.4.2", "next", "--commits", "feat: x", "tag"});
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "v1.5.0\n");
  // HOST_ENGINE does the same, and `functions` prints what it prints locally.
  ran = RunHost({"-m", "semver", "functions"}, {"HOST_ENGINE=" + server_->address()});
  test::Ran local = RunHost({"-m", "semver", "functions"});
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, local.out);
}

TEST_F(RemoteEngine, UsageErrorsAreTheSameAsLocal) {
  Serve({"--listen", "unix://" + dir_ + "/engine.sock"});
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"-m", "semver", "call", "--version", "1.4.2", "nxt"},
           {"-m", "semver", "call", "--version", "not-a-version", "tag"},
           {"-m", "no-such-module", "call", "tag"}}) {
    test::Ran local = RunHost(args);
    std::vector<std::string> remote_args = {"--engine", server_->address()};
    remote_args.insert(remote_args.end(), args.begin(), args.end());
    test::Ran remote = RunHost(remote_args);
    EXPECT_EQ(remote.exit_code, local.exit_code) << remote.err;
    EXPECT_EQ(remote.err, local.err);
    EXPECT_EQ(remote.out, local.out);
  }
  EXPECT_EQ(RunHost({"--engine", server_->address(), "-m", "semver", "call", "nxt"}).exit_code, 2);
}

TEST_F(RemoteEngine, TcpNeedsTheToken) {
  EXPECT_EQ(RunHost({"serve", "--listen", "tcp://127.0.0.1:0"}).exit_code, 2);  // no token
  std::ofstream(dir_ + "/token") << "s3cret\n";
  Serve({"--listen", "tcp://127.0.0.1:0", "--token-file", dir_ + "/token"});
  const std::vector<std::string> chain = {"--engine", server_->address(), "-m",    "semver",
                                          "call",     "--version",        "1.4.2", "tag"};
  for (const char* token : {"", "wrong", "s3cret-but-longer"}) {
    test::Ran ran = RunHost(chain, {std::string("HOST_ENGINE_TOKEN=") + token});
    EXPECT_EQ(ran.exit_code, 1) << token;
    EXPECT_NE(ran.err.find("a valid bearer token is required"), std::string::npos) << ran.err;
  }
  // Rejected requests ran nothing: the module was never loaded.
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer wrong");
  v1::LoadRequest load;
  load.set_ref("semver");
  v1::LoadResponse loaded;
  EXPECT_EQ(Stub()->Load(&context, load, &loaded).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(LoadedModules("s3cret"), std::vector<std::string>{"core"});
  test::Ran ran = RunHost(chain, {"HOST_ENGINE_TOKEN=s3cret"});
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "v1.4.2\n");
}

TEST_F(RemoteEngine, AnObjectReturnedEarlierIsAReceiver) {
  Serve({"--listen", "unix://" + dir_ + "/engine.sock"});
  auto stub = Stub();
  {
    grpc::ClientContext context;
    v1::LoadRequest load;
    load.set_ref("semver");
    v1::LoadResponse loaded;
    ASSERT_TRUE(stub->Load(&context, load, &loaded).ok());
    v1::ModuleDef def;
    ASSERT_TRUE(def.ParseFromString(loaded.module()));
    EXPECT_EQ(def.name(), "semver");
  }
  v1::Call make;
  make.set_module("semver");
  make.set_object("Semver");
  auto* version = make.add_args();
  version->set_name("version");
  version->mutable_value()->set_string_value("2.0.1");
  v1::Value object = RunOne(*stub, make);
  ASSERT_EQ(object.object_value().type_name(), "Semver");
  v1::Call tag;
  tag.set_module("semver");
  tag.set_object("Semver");
  tag.set_function("tag");
  *tag.mutable_receiver() = object.object_value();
  EXPECT_EQ(RunOne(*stub, tag).string_value(), "v2.0.1");
}

TEST_F(RemoteEngine, MalformedCallsAreInvalidArguments) {
  Serve({"--listen", "unix://" + dir_ + "/engine.sock"});
  grpc::ClientContext context;
  v1::CallRequest request;
  request.add_steps()->set_call(std::string("\xff\xff\xff\x01garbage", 11));
  v1::CallResponse response;
  grpc::Status status = Stub()->Call(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  // Still serving.
  test::Ran ran = RunHost({"--engine", server_->address(), "-m", "semver", "call", "--version",
                           "1.4.2", "next", "--commits", "feat: x", "tag"});
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "v1.5.0\n");
  EXPECT_EQ(server_->Stop(), 0) << server_->log();
}

TEST_F(RemoteEngine, WatchStreamsModuleLogsWithSecretsScrubbed) {
  Serve({"--listen", "unix://" + dir_ + "/engine.sock"}, {"WATCH_SECRET=hunter2-watch"});
  auto stub = Stub();
  {
    grpc::ClientContext context;
    v1::LoadRequest load;
    load.set_ref(test::TestModule("gxx"));
    v1::LoadResponse loaded;
    ASSERT_TRUE(stub->Load(&context, load, &loaded).ok());
    ASSERT_TRUE(loaded.has_module()) << loaded.failure().message();
  }
  // A reader collects events until the test cancels its stream.
  grpc::ClientContext watching;
  std::mutex mutex;
  std::vector<v1::Event> events;
  std::thread reader([&] {
    std::unique_ptr<grpc::ClientReader<v1::Event>> stream =
        stub->Watch(&watching, v1::WatchRequest());
    for (v1::Event event; stream->Read(&event);) {
      std::lock_guard lock(mutex);
      events.push_back(event);
    }
  });
  // Makes the secret known to the engine, then logs a text holding it.
  RunOne(*stub,
         test::MakeCall("core", "Query", "secret", {{"uri", test::Str("env://WATCH_SECRET")}}));
  const v1::Call note =
      test::MakeCall("gxx", "Gxx", "note", {{"text", test::Str("hello hunter2-watch")}});
  // The stream may not be subscribed yet when the first call runs: call until the line shows.
  bool seen = false;
  for (int i = 0; i < 50 && !seen; ++i) {
    RunOne(*stub, note);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::lock_guard lock(mutex);
    for (const v1::Event& event : events) {
      EXPECT_EQ(event.text().find("hunter2-watch"), std::string::npos) << event.text();
      if (event.kind() == v1::Event::KIND_LOG && event.text() == "info: note: hello ***") {
        seen = true;
      }
    }
  }
  watching.TryCancel();
  reader.join();
  EXPECT_TRUE(seen) << events.size() << " events, none the log line";
  EXPECT_EQ(server_->Stop(), 0) << server_->log();
}

}  // namespace
}  // namespace host
