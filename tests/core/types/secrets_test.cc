// Secrets: URIs, keyed-hash IDs, and the scrubber on everything that leaves the engine.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/base/sha256.h"
#include "core/engine/engine.h"
#include "core/types/secret_store.h"
#include "tests/support/run.h"

namespace host {
namespace {

namespace fs = std::filesystem;

class Secrets : public ::testing::Test {
 protected:
  void SetUp() override {
    state_ = test::TempDir();
    RuntimeOptions options;
    options.state_dir = state_;
    engine_ = std::make_unique<Runtime>(options);
    ASSERT_TRUE(engine_->Load(test::TestModule("gxx")).ok());
  }
  void TearDown() override { fs::remove_all(state_); }

  Result<v1::Value> Core(const std::string& object, const std::string& function,
                         std::vector<std::pair<std::string, std::string>> args,
                         const v1::ObjectValue* receiver = nullptr) {
    v1::Call call;
    call.set_module("core");
    call.set_object(object);
    call.set_function(function);
    if (receiver) *call.mutable_receiver() = *receiver;
    for (auto& [name, value] : args) {
      auto* a = call.add_args();
      a->set_name(name);
      a->mutable_value()->set_string_value(value);
    }
    return engine_->Call(call);
  }

  std::string state_;
  std::unique_ptr<Runtime> engine_;
};

TEST_F(Secrets, IdsAreKeyedHashesStableWithinAStateFolder) {
  auto a = Core("Query", "set-secret", {{"name", "token"}, {"plaintext", "hunter2"}});
  ASSERT_TRUE(a.ok()) << a.status().message();
  const std::string& id = a->object_value().id();
  EXPECT_EQ(id.rfind("sha256:", 0), 0u);
  EXPECT_EQ(id.find(Sha256Hex("hunter2")), std::string::npos);
  // Another engine on the same state folder gives the same ID; the key file is private.
  RuntimeOptions options;
  options.state_dir = state_;
  Runtime again(options);
  v1::Call call;
  call.set_object("Query");
  call.set_function("set-secret");
  for (auto [n, v] : {std::pair{"name", "token"}, std::pair{"plaintext", "hunter2"}}) {
    auto* arg = call.add_args();
    arg->set_name(n);
    arg->mutable_value()->set_string_value(v);
  }
  EXPECT_EQ(again.Call(call)->object_value().id(), id);
  EXPECT_EQ(fs::status(fs::path(state_) / "secret-key").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(Secrets, PlaintextNeverLeavesTheEngine) {
  auto secret = Core("Query", "set-secret", {{"name", "token"}, {"plaintext", "hunter2"}});
  ASSERT_TRUE(secret.ok());
  auto name = Core("Secret", "name", {}, &secret->object_value());
  EXPECT_EQ(name->string_value(), "token");
  auto plain = Core("Secret", "plaintext", {}, &secret->object_value());
  EXPECT_EQ(plain->string_value(), "***");
  // An error that quotes the secret is scrubbed too.
  v1::Call fail;
  fail.set_module("gxx");
  fail.set_object("Gxx");
  fail.set_function("fail");
  auto* message = fail.add_args();
  message->set_name("message");
  message->mutable_value()->set_string_value("login with hunter2 refused");
  auto failed = engine_->Call(fail);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().message(),
            "function 'fail' of module 'gxx' failed: login with *** refused");
}

TEST_F(Secrets, UrisAndRefusals) {
  setenv("HOST_TEST_SECRET", "from-env", 1);
  auto from_env = Core("Query", "secret", {{"uri", "env://HOST_TEST_SECRET"}});
  ASSERT_TRUE(from_env.ok()) << from_env.status().message();
  std::string file = state_ + "/secret.txt";
  std::ofstream(file) << "from-file\n";
  auto from_file = Core("Query", "secret", {{"uri", "file:" + file}});
  ASSERT_TRUE(from_file.ok()) << from_file.status().message();
  auto from_cmd = Core("Query", "secret", {{"uri", "cmd://\"echo from-cmd\""}});
  ASSERT_TRUE(from_cmd.ok()) << from_cmd.status().message();
  // Each plaintext is now known to the scrubber.
  EXPECT_EQ(engine_->core().secrets().Redact("from-env from-file from-cmd"), "*** *** ***");

  auto plain = Core("Query", "secret", {{"uri", "hunter3"}});
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.status().kind(), ErrorKind::kUsage);
  EXPECT_EQ(plain.status().message().find("hunter3"), std::string::npos);
  EXPECT_NE(plain.status().message().find("not as a plain value"), std::string::npos);
  auto missing = Core("Query", "secret", {{"uri", "env://HOST_TEST_NOT_SET"}});
  EXPECT_NE(
      missing.status().message().find("the environment variable HOST_TEST_NOT_SET is not set"),
      std::string::npos);
}

// A PEM-like key: armour lines and base64 lines of 64 characters.
const char kPem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n"
    "MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n"
    "NMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ\n"
    "-----END PRIVATE KEY-----\n";

TEST(Scrubber, EachLineOfAMultiLineSecretIsScrubbedAlone) {
  std::string state = test::TempDir();
  SecretStore store(fs::path(state) / "secret-key");
  ASSERT_TRUE(store.Add("key", kPem).ok());
  // The whole key is one "***".
  EXPECT_EQ(store.Redact(std::string("key: ") + kPem + "done"), "key: ***done");
  // One line printed alone, as `sed -n 2p` would, with or without its newline or a CR.
  EXPECT_EQ(store.Redact("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n"),
            "***\n");
  EXPECT_EQ(store.Redact("x=NMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ\r\n"),
            "x=***\r\n");
  // Two lines together, and the middle line inside other text.
  EXPECT_EQ(store.Redact("MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n"
                         "NMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ"),
            "***\n***");
  // The armour says only that a key is there; it stays readable.
  EXPECT_EQ(store.Redact("-----BEGIN PRIVATE KEY-----"), "-----BEGIN PRIVATE KEY-----");
  fs::remove_all(state);
}

TEST(Scrubber, ShortLinesAreNotScrubbedOnTheirOwnButTheWholeIs) {
  std::string state = test::TempDir();
  SecretStore store(fs::path(state) / "secret-key");
  ASSERT_TRUE(store.Add("config", "user=ada\n  pw: hunter2  \n}\nok\n").ok());
  EXPECT_EQ(store.Redact("user=ada and hunter2"), "*** and hunter2");
  EXPECT_EQ(store.Redact("pw: hunter2"), "***");
  EXPECT_EQ(store.Redact("} ok"), "} ok");  // under 4 characters: common text, no secret
  EXPECT_EQ(store.Redact("user=ada\n  pw: hunter2  \n}\nok\n"), "***");
  // A single-line secret is scrubbed whole only, as before.
  ASSERT_TRUE(store.Add("token", "abc").ok());
  EXPECT_EQ(store.Redact("abcabc"), "******");
  std::vector<std::string> pieces = ScrubbedPieces("one-line");
  EXPECT_EQ(pieces, std::vector<std::string>{"one-line"});
  fs::remove_all(state);
}

TEST(Scrubber, ManyLinesStayFast) {
  std::string state = test::TempDir();
  SecretStore store(fs::path(state) / "secret-key");
  // A 4096-bit key is about 50 lines; here 100 lines and a 1 MB output.
  std::string key = "-----BEGIN RSA PRIVATE KEY-----\n";
  for (int i = 0; i < 100; ++i) key += Sha256Hex(std::to_string(i)).substr(0, 64) + "\n";
  key += "-----END RSA PRIVATE KEY-----\n";
  ASSERT_TRUE(store.Add("key", key).ok());
  std::string output;
  while (output.size() < (1 << 20)) output += "step 12 of 40: compiling src/module.cc\n";
  output += Sha256Hex("42").substr(0, 64);
  auto started = std::chrono::steady_clock::now();
  std::string redacted = store.Redact(output);
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(redacted.substr(redacted.size() - 3), "***");
  EXPECT_LT(took, std::chrono::seconds(1));  // measured: a few ms
  std::cout << "Redact of 1 MB with a 100-line secret: "
            << std::chrono::duration_cast<std::chrono::microseconds>(took).count() << " us\n";
  fs::remove_all(state);
}

TEST(SecretsCli, SecretArgumentsTakeUrisAndOutputIsScrubbed) {
  std::string state = test::TempDir();
  std::vector<std::string> env = {"HOST_STATE_DIR=" + state, "MY_TOKEN=s3cr3t-value"};
  test::Ran ran = test::RunHost({"call", "secret", "--uri", "env://MY_TOKEN", "plaintext"}, env);
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "***\n");
  ran = test::RunHost({"call", "secret", "--uri", "s3cr3t-value", "name"}, env);
  EXPECT_EQ(ran.exit_code, 2);
  EXPECT_EQ(ran.err.find("s3cr3t-value"), std::string::npos) << ran.err;
  // Nothing under the state folder holds the plaintext.
  for (const auto& entry : fs::recursive_directory_iterator(state)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(bytes.find("s3cr3t-value"), std::string::npos) << entry.path();
  }
  fs::remove_all(state);
}

}  // namespace
}  // namespace host
