// Cache policies of module functions: persistent results outlive the engine and follow the
// content of directory arguments; session results live as long as the engine; never is never
// reused.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "core/engine/engine.h"
#include "tests/support/run.h"

namespace host {
namespace {

class FunctionCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A fresh engine on the test's state folder, as a new process would have.
  std::unique_ptr<Runtime> NewEngine() {
    RuntimeOptions options;
    options.state_dir = dir_ + "/state";
    auto engine = std::make_unique<Runtime>(options);
    auto loaded = engine->Load(test::TestModule("gxx"));
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return engine;
  }
  // Calls a tick function of gxx with one argument and returns the count it gave.
  int64_t Tick(Runtime& engine, const std::string& function, const v1::Value& arg,
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
  static v1::Value HostDir(Runtime& engine, const std::string& path) {
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

// The stored result files of the state folder (temporaries left out).
std::vector<std::filesystem::path> StoredResults(const std::string& state) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(state + "/calls", ec)) {
    if (e.path().filename().string().find(".tmp") == std::string::npos) files.push_back(e.path());
  }
  return files;
}

TEST_F(FunctionCacheTest, ADamagedStoredResultIsReportedAndTheFunctionRunsAgain) {
  const int64_t first = Tick(*NewEngine(), "slow_tick", Str("a"));
  std::vector<std::filesystem::path> stored = StoredResults(dir_ + "/state");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(FunctionCache::CheckStored(stored[0]), "");
  for (const std::string_view damage : {"flip", "old format"}) {
    std::string bytes;
    {
      std::ifstream in(stored[0], std::ios::binary);
      bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    if (damage == "flip") {
      bytes.back() = static_cast<char>(bytes.back() ^ 0x01);  // another count, same shape
    } else {
      bytes = bytes.substr(bytes.find('\n', bytes.find('\n') + 1) + 1);  // as older hosts wrote
    }
    std::ofstream(stored[0], std::ios::binary | std::ios::trunc) << bytes;
    EXPECT_NE(FunctionCache::CheckStored(stored[0]), "") << damage;
    auto engine = NewEngine();
    testing::internal::CaptureStderr();
    const int64_t again = Tick(*engine, "slow_tick", Str("a"));
    const std::string warned = testing::internal::GetCapturedStderr();
    EXPECT_GT(again, first) << damage;  // ran again: not the damaged value
    if (damage == "flip") {
      EXPECT_NE(warned.find("host: warning: the stored result " + stored[0].string()),
                std::string::npos)
          << warned;
      EXPECT_NE(warned.find("does not match its recorded digest"), std::string::npos) << warned;
    } else {
      EXPECT_EQ(warned, "");  // an older host's result: replaced without a warning
    }
    EXPECT_EQ(Tick(*NewEngine(), "slow_tick", Str("a")), again);  // replaced, whole
  }
}

TEST_F(FunctionCacheTest, AResultOverMaxResultSizeFailsTheCallNamingTheLimit) {
  // The limit as the config file sets it.
  const std::string config = dir_ + "/config.json";
  std::ofstream(config) << R"({"max_result_size": "100B"})";
  const char* old = std::getenv("HOST_CONFIG");
  const std::string saved = old ? old : "";
  setenv("HOST_CONFIG", config.c_str(), 1);
  auto engine = NewEngine();
  if (old) {
    setenv("HOST_CONFIG", saved.c_str(), 1);
  } else {
    unsetenv("HOST_CONFIG");
  }
  v1::Call call;
  call.set_module("gxx");
  call.set_function("label");
  auto* a = call.add_args();
  a->set_name("text");
  a->mutable_value()->set_string_value(std::string(50, 'x'));
  Result<v1::Value> small = engine->Call(call);
  ASSERT_TRUE(small.ok()) << small.status().message();
  a->mutable_value()->set_string_value(std::string(200, 'x'));
  Result<v1::Value> big = engine->Call(call);
  ASSERT_FALSE(big.ok());
  const std::string& message = big.status().message();
  EXPECT_NE(message.find("function 'label' of module 'gxx' returned"), std::string::npos)
      << message;
  EXPECT_NE(message.find("(207 bytes)"), std::string::npos) << message;
  EXPECT_NE(message.find("more than max_result_size allows (100 B)"), std::string::npos) << message;
  EXPECT_NE(message.find(config), std::string::npos) << message;
  EXPECT_FALSE(engine->Call(call).ok());  // nothing of it was kept for the session either
}

TEST_F(FunctionCacheTest, AResultOverTheLimitIsNeverStoredNorReadBack) {
  const std::string state = dir_ + "/state";
  CoreServices core(state, nullptr);
  TypeRegistry registry;
  FunctionCacheKey small{"small-call", std::string(64, 'a')};
  FunctionCacheKey big{"big-call", std::string(64, 'b')};
  v1::Value value;
  value.set_string_value(std::string(50, 'x'));
  FunctionCache cache(state + "/calls", 100);
  cache.Store(small, value.SerializeAsString(), registry, core);
  value.set_string_value(std::string(200, 'x'));
  cache.Store(big, value.SerializeAsString(), registry, core);
  EXPECT_TRUE(std::filesystem::exists(state + "/calls/" + small.persistent));
  EXPECT_FALSE(std::filesystem::exists(state + "/calls/" + big.persistent));
  EXPECT_EQ(cache.FindInSession("big-call"), std::nullopt);
  // A result stored under a larger limit is not read back under a smaller one.
  FunctionCache roomy(state + "/calls", 1000);
  roomy.Store(big, value.SerializeAsString(), registry, core);
  ASSERT_TRUE(std::filesystem::exists(state + "/calls/" + big.persistent));
  testing::internal::CaptureStderr();
  EXPECT_EQ(FunctionCache(state + "/calls", 100).FindOnDisk(big), std::nullopt);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("more than max_result_size"),
            std::string::npos);
  EXPECT_TRUE(FunctionCache(state + "/calls", 100).FindOnDisk(small).has_value());
}

}  // namespace
}  // namespace host
