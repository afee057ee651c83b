// `host cache verify` and the checks a run makes as it uses stored entries: corrupt blobs, tags,
// step results, snapshots and function results are found, named, and replaced.
#include "core/engine/cache_verify.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "core/base/sha256.h"
#include "core/engine/engine.h"
#include "core/images/reference.h"
#include "core/images/tag_store.h"
#include "core/types/snapshot_store.h"
#include "core/types/step_cache.h"
#include "tests/support/container_fixture.h"
#include "tests/support/run.h"

namespace host {
namespace {
namespace fs = std::filesystem;

std::string ReadAll(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void WriteAll(const fs::path& file, const std::string& bytes) {
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

// Flips the bits of one byte of a file.
void FlipByte(const fs::path& file, size_t at = 0) {
  std::string bytes = ReadAll(file);
  ASSERT_LT(at, bytes.size()) << file;
  bytes[at] = static_cast<char>(bytes[at] ^ 0xff);
  WriteAll(file, bytes);
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The only entry of a store folder that is not a lock or a temporary.
fs::path OnlyEntry(const fs::path& dir) {
  fs::path found;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.find(".lock") != std::string::npos || name.find(".tmp") != std::string::npos) {
      continue;
    }
    EXPECT_TRUE(found.empty()) << "more than one entry in " << dir;
    found = e.path();
  }
  return found;
}

class CacheVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::TempDir();
    state_ = fs::path(dir_) / "state";
    fs::create_directories(state_ / "blobs" / "sha256");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Stores bytes as a blob; returns its digest.
  std::string PutBlob(const std::string& bytes) const {
    const std::string hex = Sha256Hex(bytes);
    WriteAll(state_ / "blobs" / "sha256" / hex, bytes);
    return "sha256:" + hex;
  }
  // Stores a manifest naming config (stored too); returns the manifest's digest.
  std::string PutImage(const std::string& config) const {
    const std::string config_digest = PutBlob(config);
    return PutBlob(
        R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",)"
        R"( "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": ")" +
        config_digest + R"(", "size": )" + std::to_string(config.size()) + R"(}, "layers": []})");
  }
  fs::path Blob(const std::string& digest) const {
    return state_ / "blobs" / "sha256" / digest.substr(7);
  }

  // A state folder with an entry of every kind: an image (manifest and config), a resolved tag,
  // a step result, a snapshot and a function result.
  void Fill() {
    config_ = PutBlob(kConfig);
    manifest_ = PutImage(kConfig);
    Result<images::ImageReference> ref =
        images::ParseImageReference("127.0.0.1:5000/busybox:latest");
    ASSERT_TRUE(ref.ok());
    tag_ = images::TagStore(state_).Path(*ref);
    ASSERT_TRUE(images::TagStore(state_).Record(*ref, manifest_).ok());
    StepCache steps(state_ / "steps");
    bool cached = false;
    Result<CachedStep> step = steps.GetOrRun(
        "sha256:" + std::string(64, 'd'),
        [](const fs::path& layer) -> Result<StepResult> {
          fs::create_directories(layer / "etc");
          WriteAll(layer / "etc" / "made", "by the step");
          StepResult result;
          result.stdout_bytes = "out\n";
          return result;
        },
        [](const StepResult&) { return true; }, [](std::string_view t) { return std::string(t); },
        &cached);
    ASSERT_TRUE(step.ok()) << step.status().message();
    step_ = OnlyEntry(state_ / "steps");
    StoreLeases leases(state_);
    Result<Snapshot> snapshot =
        SnapshotStore(state_ / "snapshots", &leases).Make([](const fs::path& dir) {
          WriteAll(dir / "file", "snapshot");
          return Status();
        });
    ASSERT_TRUE(snapshot.ok());
    snapshot_ = snapshot->path;
    // A persistent function result, by a real call.
    RuntimeOptions options;
    options.state_dir = state_;
    Runtime engine(options);
    ASSERT_TRUE(engine.Load(test::TestModule("gxx")).ok());
    v1::Call call;
    call.set_module("gxx");
    call.set_function("slow_tick");
    auto* arg = call.add_args();
    arg->set_name("tag");
    arg->mutable_value()->set_string_value("verify");
    ASSERT_TRUE(engine.Call(call).ok());
    call_ = OnlyEntry(state_ / "calls");
    ASSERT_FALSE(call_.empty());
  }

  // Runs `host cache verify` (with more args) on the state folder.
  test::Ran Verify(const std::vector<std::string>& more = {}) const {
    std::vector<std::string> args = {"cache", "verify"};
    args.insert(args.end(), more.begin(), more.end());
    return test::RunHost(args, {"HOST_STATE_DIR=" + state_.string()});
  }

  // Expects VerifyCache to find exactly one problem: entry (relative), with `what` in it.
  void ExpectOneProblem(const fs::path& entry, const std::string& what) const {
    CacheVerifyReport report = VerifyCache(state_, /*repair=*/false);
    ASSERT_EQ(report.problems.size(), 1u);
    EXPECT_EQ(report.problems[0].entry, entry.lexically_relative(state_).generic_string());
    EXPECT_TRUE(Contains(report.problems[0].problem, what)) << report.problems[0].problem;
    test::Ran ran = Verify();
    EXPECT_EQ(ran.exit_code, 1) << ran.out << ran.err;
    EXPECT_TRUE(Contains(ran.out, "corrupt: " + report.problems[0].entry + " ")) << ran.out;
    EXPECT_TRUE(Contains(ran.out, ": 1 corrupt, 0 removed")) << ran.out;
  }

  static constexpr const char* kConfig =
      R"({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["sh"]},)"
      R"( "rootfs": {"type": "layers", "diff_ids": []}})";
  std::string dir_;
  fs::path state_;
  std::string config_, manifest_;
  fs::path tag_, step_, snapshot_, call_;
};

TEST_F(CacheVerifyTest, ACleanStateFolderPasses) {
  Fill();
  CacheVerifyReport report = VerifyCache(state_, /*repair=*/false);
  EXPECT_TRUE(report.problems.empty()) << report.problems[0].entry << report.problems[0].problem;
  EXPECT_EQ(report.checked, 6u);  // 2 blobs, a tag, a step, a snapshot, a function result
  test::Ran ran = Verify();
  EXPECT_EQ(ran.exit_code, 0) << ran.out << ran.err;
  EXPECT_TRUE(Contains(ran.out, "checked 6 entries in " + state_.string() + ": no problems"))
      << ran.out;
  EXPECT_EQ(Verify({"--bogus"}).exit_code, 2);
}

TEST_F(CacheVerifyTest, AnEmptyOrMissingStateFolderPasses) {
  fs::remove_all(state_);
  EXPECT_TRUE(VerifyCache(state_, false).problems.empty());
  EXPECT_EQ(Verify().exit_code, 0);
}

TEST_F(CacheVerifyTest, AFlippedByteInABlobIsNamed) {
  Fill();
  FlipByte(Blob(config_), 5);
  ExpectOneProblem(Blob(config_), "is corrupt: its bytes hash to sha256:");
}

TEST_F(CacheVerifyTest, AConfigThatDoesNotParseIsNamed) {
  Fill();
  const std::string broken = PutBlob(R"({"architecture": "amd64"})");  // no rootfs
  PutBlob(R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",)"
          R"( "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": ")" +
          broken + R"(", "size": 25}, "layers": []})");
  ExpectOneProblem(Blob(broken), "is the config of manifest");
}

TEST_F(CacheVerifyTest, ADamagedTagIsNamed) {
  Fill();
  WriteAll(tag_, R"({"reference": "127.0.0.1:5000/busybox:latest", "digest": "sha256:12"})");
  ExpectOneProblem(tag_, "digest");
}

TEST_F(CacheVerifyTest, AForgedStepOutputIsNamed) {
  Fill();
  WriteAll(step_ / "stdout", "forged\n");
  ExpectOneProblem(step_, "stdout file that does not match its recorded digest");
}

TEST_F(CacheVerifyTest, AGarbageStepExitCodeIsNamed) {
  Fill();
  WriteAll(step_ / "exit_code", "garbage");
  ExpectOneProblem(step_, "exit_code file that is not a number");
}

TEST_F(CacheVerifyTest, AMissingStepStdoutIsNamed) {
  Fill();
  fs::remove(step_ / "stdout");
  ExpectOneProblem(step_, "has no stdout file");
}

TEST_F(CacheVerifyTest, AChangedStepLayerIsNamed) {
  Fill();
  WriteAll(step_ / "layer" / "etc" / "added", "x");
  ExpectOneProblem(step_, "has a layer of 3 entries");
}

TEST_F(CacheVerifyTest, AChangedSnapshotIsNamed) {
  Fill();
  WriteAll(snapshot_ / "file", "changed");
  ExpectOneProblem(snapshot_, "holds a tree whose digest is sha256:");
}

TEST_F(CacheVerifyTest, AFlippedByteInAFunctionResultIsNamed) {
  Fill();
  const std::string bytes = ReadAll(call_);
  FlipByte(call_, bytes.size() - 1);
  ExpectOneProblem(call_, "does not match its recorded digest");
}

TEST_F(CacheVerifyTest, RepairRemovesEveryCorruptEntryAndNothingElse) {
  Fill();
  FlipByte(Blob(config_), 5);
  WriteAll(tag_, "{");
  WriteAll(step_ / "exit_code", "garbage");
  WriteAll(snapshot_ / "file", "changed");
  FlipByte(call_, ReadAll(call_).size() - 1);
  fs::create_directories(state_ / "steps" / (std::string(64, 'e') + ".tmp123"));  // a killed run's
  test::Ran ran = Verify();
  EXPECT_EQ(ran.exit_code, 1) << ran.out;
  EXPECT_TRUE(Contains(ran.out, ": 5 corrupt, 0 removed")) << ran.out;
  for (const fs::path& entry : {Blob(config_), tag_, step_, snapshot_, call_}) {
    EXPECT_TRUE(Contains(ran.out, "corrupt: " + entry.lexically_relative(state_).string() + " "))
        << entry << "\n"
        << ran.out;
  }
  test::Ran repaired = Verify({"--repair"});
  EXPECT_EQ(repaired.exit_code, 0) << repaired.out;
  EXPECT_TRUE(Contains(repaired.out, ": 5 corrupt, 5 removed")) << repaired.out;
  EXPECT_TRUE(Contains(repaired.out, "(removed)")) << repaired.out;
  for (const fs::path& entry : {Blob(config_), tag_, step_, snapshot_, call_}) {
    EXPECT_FALSE(fs::exists(entry)) << entry;
  }
  EXPECT_TRUE(fs::exists(Blob(manifest_)));  // whole: kept
  test::Ran again = Verify();
  EXPECT_EQ(again.exit_code, 0) << again.out;
  EXPECT_TRUE(Contains(again.out, "checked 1 entries")) << again.out;
}

// Runs through the CLI on the busybox image of the container tests' local registry.
class CacheVerifyContainerTest : public ContainerTest {
 protected:
  // Runs host with this test's state folder and config.
  test::Ran Host(const std::vector<std::string>& args) const {
    return test::RunHost(args,
                         {"HOST_STATE_DIR=" + state_, "HOST_CONFIG=" + root_ + "/config.json"});
  }
  // A one-step pipeline printing word through the CLI.
  test::Ran Echo(const std::string& word) const {
    return Host({"call", "container", "from", "--address", address_ + "/busybox:latest",
                 "with-exec", "--args", "echo," + word, "stdout"});
  }
  // The stored image config: the blob that holds a rootfs.
  fs::path ConfigBlob() const {
    for (const auto& e : fs::directory_iterator(fs::path(state_) / "blobs" / "sha256")) {
      if (Contains(ReadAll(e.path()), "\"rootfs\"")) return e.path();
    }
    return {};
  }
};

TEST_F(CacheVerifyContainerTest, AFlippedConfigByteIsReportedPulledAgainAndRunsRight) {
  test::Ran first = Echo("hello");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(first.out, "hello\n");
  EXPECT_EQ(Host({"cache", "verify"}).exit_code, 0);
  const fs::path config = ConfigBlob();
  ASSERT_FALSE(config.empty());
  const std::string good = ReadAll(config);
  // A byte of the Cmd or Env the step would use: a corrupt config must never reach a step.
  FlipByte(config, good.find("PATH="));
  test::Ran verify = Host({"cache", "verify"});
  EXPECT_EQ(verify.exit_code, 1) << verify.out;
  EXPECT_TRUE(Contains(verify.out, "corrupt: blobs/sha256/" + config.filename().string() +
                                       " is corrupt: its bytes hash to"))
      << verify.out;
  test::Ran second = Echo("again");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.out, "again\n");
  EXPECT_TRUE(Contains(second.err, "host: warning: blob sha256:" + config.filename().string()))
      << second.err;
  EXPECT_EQ(ReadAll(config), good);  // fetched again
  EXPECT_EQ(Host({"cache", "verify"}).exit_code, 0);
}

TEST_F(CacheVerifyContainerTest, ADamagedStepResultIsNeverCachedAndRunsAgain) {
  test::Ran first = Echo("real");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const fs::path step = OnlyEntry(fs::path(state_) / "steps");
  ASSERT_FALSE(step.empty());
  const std::string name = "steps/" + step.filename().string();
  struct Damage {
    std::string what;
    std::function<void()> apply;
  };
  const std::vector<Damage> damages = {
      {"stdout file that does not match", [&] { WriteAll(step / "stdout", "forged\n"); }},
      {"exit_code file that is not a number", [&] { WriteAll(step / "exit_code", "garbage"); }},
      {"has no stdout file", [&] { fs::remove(step / "stdout"); }},
  };
  for (const Damage& damage : damages) {
    damage.apply();
    test::Ran verify = Host({"cache", "verify"});
    EXPECT_EQ(verify.exit_code, 1) << verify.out;
    EXPECT_TRUE(Contains(verify.out, "corrupt: " + name + " ")) << verify.out;
    EXPECT_TRUE(Contains(verify.out, damage.what)) << verify.out;
    test::Ran again = Echo("real");
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(again.out, "real\n");
    EXPECT_FALSE(Contains(again.err, "CACHED")) << again.err;
    EXPECT_TRUE(Contains(
        again.err, "host: warning: the stored result of step sha256:" + step.filename().string()))
        << again.err;
    EXPECT_TRUE(Contains(again.err, damage.what)) << again.err;
    EXPECT_EQ(Host({"cache", "verify"}).exit_code, 0);  // replaced by a whole entry
    EXPECT_TRUE(Contains(Echo("real").err, "CACHED"));
  }
}

}  // namespace
}  // namespace host
