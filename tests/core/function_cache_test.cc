// Cache policies of module functions: persistent results outlive the engine and follow the
// content of directory arguments; session results live as long as the engine; never is never
// reused.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/engine/engine.h"
#include "tests/support/run.h"

namespace host {
namespace {

class FunctionCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A fresh engine on the test's state folder, as a new process would have.
  std::unique_ptr<Engine> NewEngine() {
    EngineOptions options;
    options.state_dir = dir_ + "/state";
    auto engine = std::make_unique<Engine>(options);
    auto loaded = engine->Load(test::TestModule("gxx"));
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return engine;
  }
  // Calls a tick function of gxx with one argument and returns the count it gave.
  int64_t Tick(Engine& engine, const std::string& function, const v1::Value& arg,
               const std::string& arg_name = "tag") {
    v1::Call call;
    call.set_module("gxx");
    call.set_function(function);
    auto* a = call.add_args();
    a->set_name(arg_name);
    *a->mutable_value() = arg;
    auto r = engine.Call(call);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? r->int_value() : -1;
  }
  static v1::Value Str(const std::string& s) {
    v1::Value v;
    v.set_string_value(s);
    return v;
  }
  // A Directory of the host folder at path, made in engine.
  static v1::Value HostDir(Engine& engine, const std::string& path) {
    v1::Call host;
    host.set_module("core");
    host.set_function("host");
    auto h = engine.Call(host);
    EXPECT_TRUE(h.ok()) << h.status().message();
    v1::Call call;
    call.set_module("core");
    call.set_object("Host");
    call.set_function("directory");
    *call.mutable_receiver() = h->object_value();
    auto* a = call.add_args();
    a->set_name("path");
    a->mutable_value()->set_string_value(path);
    auto d = engine.Call(call);
    EXPECT_TRUE(d.ok()) << d.status().message();
    return d.ok() ? *d : v1::Value();
  }
  std::string dir_;
};

TEST_F(FunctionCacheTest, PersistentResultOutlivesTheEngine) {
  int64_t first = Tick(*NewEngine(), "slow_tick", Str("a"));
  auto second_engine = NewEngine();
  EXPECT_EQ(Tick(*second_engine, "slow_tick", Str("a")), first);
  EXPECT_NE(Tick(*second_engine, "slow_tick", Str("b")), first);  // other arguments: runs
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/state/calls"));
}

TEST_F(FunctionCacheTest, FastPersistentFunctionRunsAgain) {
  auto engine = NewEngine();
  int64_t first = Tick(*engine, "fast_tick", Str("a"));
  EXPECT_GT(Tick(*engine, "fast_tick", Str("a")), first);  // cheaper to run than to keep
}

TEST_F(FunctionCacheTest, SessionResultLivesAsLongAsTheEngine) {
  auto engine = NewEngine();
  int64_t first = Tick(*engine, "session_tick", Str("a"));
  EXPECT_EQ(Tick(*engine, "session_tick", Str("a")), first);
  EXPECT_GT(Tick(*NewEngine(), "session_tick", Str("a")), first);
}

TEST_F(FunctionCacheTest, NeverRunsEveryTime) {
  auto engine = NewEngine();
  int64_t first = Tick(*engine, "never_tick", Str("a"));
  EXPECT_GT(Tick(*engine, "never_tick", Str("a")), first);
}

TEST_F(FunctionCacheTest, DirectoryArgumentIsTakenByContent) {
  std::filesystem::create_directories(dir_ + "/src");
  std::ofstream(dir_ + "/src/a.txt") << "one";
  int64_t first;
  {
    auto engine = NewEngine();
    first = Tick(*engine, "dir_tick", HostDir(*engine, dir_ + "/src"), "dir");
  }
  {
    auto engine = NewEngine();  // same content, new session: reused
    EXPECT_EQ(Tick(*engine, "dir_tick", HostDir(*engine, dir_ + "/src"), "dir"), first);
  }
  std::ofstream(dir_ + "/src/a.txt") << "two";
  auto engine = NewEngine();  // changed content: runs again
  EXPECT_GT(Tick(*engine, "dir_tick", HostDir(*engine, dir_ + "/src"), "dir"), first);
}

}  // namespace
}  // namespace host
