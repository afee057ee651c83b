#include "core/engine/engine.h"

#include "core/engine/call_chain.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/support/calls.h"
#include "tests/support/run.h"

namespace host {
namespace {

using test::Str;

v1::Call MakeCall(const std::string& function,
                  const std::vector<std::pair<std::string, v1::Value>>& args = {}) {
  return test::MakeCall("gxx", "Gxx", function, args);
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = engine_.Load(test::TestModule("gxx"));
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  }
  v1::Value Ok(v1::Call call) {
    auto r = engine_.Call(std::move(call));
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : v1::Value();
  }
  Runtime engine_;
};

TEST_F(EngineTest, ThreeCompilersCallEachOther) {
  // g++ module -> C module (shout) and clang/libc++ module (brackets).
  EXPECT_EQ(Ok(MakeCall("greet", {{"name", Str("ada")}})).string_value(), "[ADA!]");
  // g++ -> C -> libc++.
  EXPECT_EQ(Ok(MakeCall("relay", {{"text", Str("x")}})).string_value(), "c:[x]");
  // g++ -> libc++ -> C, twice.
  EXPECT_EQ(Ok(MakeCall("shout_twice", {{"text", Str("hi")}})).string_value(), "HI!!");
  ASSERT_NE(engine_.FindLoaded("cmod"), nullptr);
  ASSERT_NE(engine_.FindLoaded("lcxx"), nullptr);
  EXPECT_NE(engine_.FindLoaded("lcxx")->build_info().find("libc++"), std::string::npos);
  EXPECT_NE(engine_.FindLoaded("cmod")->build_info().find("C SDK"), std::string::npos);
}

TEST_F(EngineTest, TypedArgumentsAndResultsCrossTheBoundary) {
  v1::Value items;
  for (const char* s : {"a", "b", "c"}) *items.mutable_list_value()->add_items() = Str(s);
  EXPECT_EQ(Ok(MakeCall("count", {{"items", items}})).int_value(), 3);
  EXPECT_EQ(Ok(MakeCall("join", {{"items", items}})).string_value(), "a+b+c");
  v1::Value value;
  value.set_float_value(3.5);
  EXPECT_DOUBLE_EQ(Ok(MakeCall("scale", {{"value", value}})).float_value(), 7.0);  // default 2.0
  v1::Value factor;
  factor.set_float_value(3.0);
  EXPECT_DOUBLE_EQ(Ok(MakeCall("scale", {{"value", value}, {"factor", factor}})).float_value(),
                   10.5);
}

TEST_F(EngineTest, IntGivenForFloatArrivesAsFloat) {
  v1::Call call;
  call.set_module("cmod");
  call.set_object("Cmod");
  call.set_function("scale");
  auto* a = call.add_args();
  a->set_name("value");
  a->mutable_value()->set_int_value(3);
  v1::Value v = Ok(call);
  EXPECT_EQ(v.kind_case(), v1::Value::kFloatValue);
  EXPECT_DOUBLE_EQ(v.float_value(), 6.0);
}

TEST_F(EngineTest, ObjectsChainAndHaveCallDigests) {
  v1::Value object = Ok(MakeCall("with_prefix", {{"p", Str("pre")}}));
  ASSERT_EQ(object.kind_case(), v1::Value::kObjectValue);
  EXPECT_EQ(object.object_value().type_name(), "Gxx");
  EXPECT_EQ(object.object_value().id().rfind("sha256:", 0), 0u);
  // Equal calls, equal IDs; different arguments, different IDs.
  EXPECT_EQ(Ok(MakeCall("with_prefix", {{"p", Str("pre")}})).object_value().id(),
            object.object_value().id());
  EXPECT_NE(Ok(MakeCall("with_prefix", {{"p", Str("other")}})).object_value().id(),
            object.object_value().id());
  v1::Call label = MakeCall("label", {{"text", Str("t")}});
  *label.mutable_receiver() = object.object_value();
  EXPECT_EQ(Ok(label).string_value(), "pre:t");
  v1::Call field = MakeCall("prefix");
  *field.mutable_receiver() = object.object_value();
  EXPECT_EQ(Ok(field).string_value(), "pre");
}

TEST_F(EngineTest, ThrowingFunctionBecomesAnError) {
  auto r = engine_.Call(MakeCall("fail", {{"message", Str("disk on fire")}}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kFailed);
  EXPECT_EQ(r.status().message(), "function 'fail' of module 'gxx' failed: disk on fire");
}

TEST_F(EngineTest, CallsNestedTooDeepAreReportedOnceWithTheirChain) {
  v1::Value depth;
  depth.set_int_value(10);
  EXPECT_EQ(Ok(MakeCall("descend", {{"depth", depth}})).int_value(), 10);
  depth.set_int_value(1000);
  auto r = engine_.Call(MakeCall("descend", {{"depth", depth}}));
  ASSERT_FALSE(r.ok());
  // Calls at depths 0 to 64 ran and the 66th was refused: named once, not as 65 prefixes of
  // "function 'descend' of module 'gxx' failed: ".
  EXPECT_EQ(r.status().message(),
            "calls are nested more than 64 deep; a module probably calls itself in a loop. The "
            "calls, outermost first: gxx.descend x66");
}

TEST(CallChain, CountsRepeatsAndElidesTheInnermostPastTheLimit) {
  std::string error = NestedTooDeepError(64, "a.f");
  EXPECT_EQ(error,
            "calls are nested more than 64 deep; a module probably calls itself in a loop. The "
            "calls, outermost first: a.f");
  for (const char* caller : {"b.g", "a.f", "a.f", "b.g"}) {
    error = *AddCallerToNestedTooDeep(error, caller);
  }
  EXPECT_EQ(error.substr(error.find(": ") + 2), "b.g -> a.f x2 -> b.g -> a.f");
  for (int i = 0; i < 40; ++i) {
    error = *AddCallerToNestedTooDeep(error, i % 2 == 0 ? "x.one" : "y.two");
  }
  const std::string chain = error.substr(error.find(": ") + 2);
  EXPECT_EQ(chain.substr(0, 14), "y.two -> x.one");
  EXPECT_EQ(chain.substr(chain.size() - 7), " -> ...");
  EXPECT_LT(error.size(), 400u);
  // Any other error is left to the caller's usual prefix.
  EXPECT_FALSE(AddCallerToNestedTooDeep("disk on fire", "a.f").has_value());
  EXPECT_FALSE(AddCallerToNestedTooDeep("calls are nested more than usual", "a.f").has_value());
}

TEST_F(EngineTest, EmptyHostPathIsAnErrorNotACrash) {
  // Not through the CLI (which refuses an empty --path itself): a module or a `host serve` client
  // may send one.
  std::vector<std::pair<std::string, std::string>> chain = {
      {"host", ""}, {"directory", "path"}, {"entries", ""}};
  v1::Value current;
  Result<v1::Value> result = current;
  for (const auto& [function, arg] : chain) {
    v1::Call call;
    call.set_module("core");
    call.set_function(function);
    if (current.kind_case() == v1::Value::kObjectValue) {
      *call.mutable_receiver() = current.object_value();
    } else {
      call.set_object("Query");
    }
    if (!arg.empty()) {
      auto* named = call.add_args();
      named->set_name(arg);
      named->mutable_value()->set_string_value("");
    }
    result = engine_.Call(std::move(call));
    if (!result.ok()) break;
    current = *result;
  }
  EXPECT_FALSE(result.ok());
}

TEST_F(EngineTest, LyingModuleIsCaught) {
  std::string path = test::TestModule("bad") + "/libbad_liar.so";
  ASSERT_TRUE(engine_.Load(path).ok());
  v1::Call call;
  call.set_module("bad");
  call.set_object("Bad");
  call.set_function("count");
  auto r = engine_.Call(call);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "module 'bad' broke its schema: the result of function 'count' must be Int, got a "
            "String");
}

TEST_F(EngineTest, ConcurrentCallsFromManyThreads) {
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        std::string name = "t" + std::to_string(t) + "i" + std::to_string(i);
        auto r = engine_.Call(MakeCall("greet", {{"name", Str(name)}}));
        std::string want = "[T" + std::to_string(t) + "I" + std::to_string(i) + "!]";
        if (!r.ok() || r->string_value() != want) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace host
