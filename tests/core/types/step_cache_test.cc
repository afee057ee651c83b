// Stored step results are checked before they are trusted: a damaged or forged entry is a miss,
// reported, removed and run again.
#include "core/types/step_cache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/run.h"

namespace host {
namespace {
namespace fs = std::filesystem;

const std::string kKey = "sha256:" + std::string(64, 'c');

class StepCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir(); }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs (or reuses) the step of kKey, whose run writes a file into its layer and prints "out".
  Result<CachedStep> Get(StepCache& cache, bool* cached) {
    return cache.GetOrRun(
        kKey,
        [&](const fs::path& layer) -> Result<StepResult> {
          ++runs_;
          fs::create_directories(layer);
          std::ofstream(layer / "made") << "by the step";
          StepResult result;
          result.exit_code = 0;
          result.stdout_bytes = "out\n";
          result.stderr_bytes = "err\n";
          return result;
        },
        [](const StepResult& r) { return r.exit_code == 0; },
        [](std::string_view text) { return std::string(text); }, cached);
  }
  // The folder of kKey's entry.
  fs::path Entry() const { return fs::path(dir_) / "steps" / kKey.substr(7); }

  // Stores the step, damages its entry with damage, and checks that the next run warns with
  // `expected` in the warning (no warning when empty), runs the step again and stores a whole
  // entry.
  void ExpectDamageIsAMiss(const std::function<void(const fs::path&)>& damage,
                           const std::string& expected) {
    StepCache cache(fs::path(dir_) / "steps");
    bool cached = false;
    ASSERT_TRUE(Get(cache, &cached).ok());
    ASSERT_FALSE(cached);
    ASSERT_TRUE(cache.Find(kKey).has_value());
    damage(Entry());
    EXPECT_FALSE(cache.Find(kKey).has_value());
    const int runs_before = runs_;
    testing::internal::CaptureStderr();
    Result<CachedStep> again = Get(cache, &cached);
    const std::string warned = testing::internal::GetCapturedStderr();
    ASSERT_TRUE(again.ok()) << again.status().message();
    EXPECT_FALSE(cached);  // never CACHED: the step ran again
    EXPECT_EQ(runs_, runs_before + 1);
    EXPECT_EQ(again->stdout_bytes, "out\n");
    EXPECT_EQ(again->exit_code, 0);
    if (expected.empty()) {
      EXPECT_EQ(warned, "");  // nothing is wrong: the entry is just of an older format
    } else {
      EXPECT_NE(warned.find("host: warning: the stored result of step " + kKey), std::string::npos)
          << warned;
      EXPECT_NE(warned.find(expected), std::string::npos) << warned;
      EXPECT_NE(warned.find("running the step again"), std::string::npos) << warned;
    }
    // Replaced: whole again, and reused by the next run without a warning.
    EXPECT_EQ(InspectStepEntry(Entry(), /*deep=*/true).problem, "");
    testing::internal::CaptureStderr();
    Result<CachedStep> third = Get(cache, &cached);
    EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
    ASSERT_TRUE(third.ok());
    EXPECT_TRUE(cached);
    EXPECT_EQ(third->stdout_bytes, "out\n");
    EXPECT_EQ(runs_, runs_before + 1);
  }

  static void Write(const fs::path& file, const std::string& bytes) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  }
  static std::string Read(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
  }

  std::string dir_;
  int runs_ = 0;
};

TEST_F(StepCacheTest, AWholeEntryIsReusedAsStored) {
  StepCache cache(fs::path(dir_) / "steps");
  bool cached = true;
  Result<CachedStep> first = Get(cache, &cached);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_FALSE(cached);
  Result<CachedStep> second = Get(cache, &cached);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(cached);
  EXPECT_EQ(runs_, 1);
  EXPECT_EQ(second->stdout_bytes, "out\n");
  EXPECT_EQ(second->stderr_bytes, "err\n");
  EXPECT_EQ(second->layer, Entry() / "layer");
  EXPECT_EQ(Read(Entry() / "record").rfind("host step result 2\n", 0), 0u);
  EXPECT_EQ(InspectStepEntry(Entry(), /*deep=*/true).problem, "");
}

TEST_F(StepCacheTest, AForgedStdoutIsNotReturnedAsCached) {
  ExpectDamageIsAMiss([](const fs::path& entry) { Write(entry / "stdout", "forged\n"); },
                      "stdout file that does not match its recorded digest");
}

TEST_F(StepCacheTest, AGarbageExitCodeIsAMiss) {
  ExpectDamageIsAMiss([](const fs::path& entry) { Write(entry / "exit_code", "garbage"); },
                      "exit_code file that is not a number");
}

TEST_F(StepCacheTest, AnotherExitCodeThanRecordedIsAMiss) {
  ExpectDamageIsAMiss([](const fs::path& entry) { Write(entry / "exit_code", "1"); },
                      "differs from its record");
}

TEST_F(StepCacheTest, AMissingStdoutFileIsAMiss) {
  ExpectDamageIsAMiss([](const fs::path& entry) { fs::remove(entry / "stdout"); },
                      "has no stdout file");
}

TEST_F(StepCacheTest, AMissingLayerIsAMiss) {
  ExpectDamageIsAMiss([](const fs::path& entry) { fs::remove_all(entry / "layer"); },
                      "has no layer folder");
}

TEST_F(StepCacheTest, ADamagedRecordIsAMiss) {
  ExpectDamageIsAMiss(
      [](const fs::path& entry) {
        std::string record = Read(entry / "record");
        record.replace(record.find("exit_code 0"), 11, "exit_code 1");
        Write(entry / "record", record);
        Write(entry / "exit_code", "1");  // consistent with the forged record, but not its sum
      },
      "checksum does not match");
}

TEST_F(StepCacheTest, AnEntryOfAnOlderHostIsRunAgainAndReplacedQuietly) {
  ExpectDamageIsAMiss([](const fs::path& entry) { fs::remove(entry / "record"); }, "");
  StepCache cache(fs::path(dir_) / "steps");
  bool cached = false;
  ASSERT_TRUE(Get(cache, &cached).ok());
  fs::remove(Entry() / "record");
  EXPECT_EQ(InspectStepEntry(Entry(), /*deep=*/true).problem,
            "has no integrity record (stored by an older host)");
}

TEST_F(StepCacheTest, AChangedLayerIsFoundByTheDeepCheckOnly) {
  StepCache cache(fs::path(dir_) / "steps");
  bool cached = false;
  ASSERT_TRUE(Get(cache, &cached).ok());
  Write(Entry() / "layer" / "made", "truncat");
  EXPECT_EQ(InspectStepEntry(Entry(), /*deep=*/false).problem, "");
  EXPECT_NE(InspectStepEntry(Entry(), /*deep=*/true).problem.find("has a layer of 1 entries"),
            std::string::npos)
      << InspectStepEntry(Entry(), true).problem;
  fs::remove(Entry() / "layer" / "made");
  EXPECT_NE(InspectStepEntry(Entry(), /*deep=*/true).problem, "");
}

}  // namespace
}  // namespace host
