// A state folder that runs out of room mid-run: each store that fills fails with an error naming
// the disk, leaves no temporary behind and stores nothing, so the next run on a folder with room
// gives the right result. The state folder is a small tmpfs (the tests run as root), shrunk to
// what it holds plus a little and grown again with `mount -o remount,size=...`.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/base/sha256.h"
#include "core/engine/engine.h"
#include "tests/support/container_fixture.h"
#include "tests/support/run.h"

namespace host {
namespace {

namespace fs = std::filesystem;

constexpr size_t kBig = 3'000'000;         // more than is left once the folder is squeezed
constexpr uint64_t kRoomLeft = 512 << 10;  // what a squeezed folder has free

class DiskFullTest : public ContainerTest {
 protected:
  void SetUp() override {
    ContainerTest::SetUp();
    if (IsSkipped()) return;
    if (mount("tmpfs", state_.c_str(), "tmpfs", 0, "size=64m,mode=0755") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs (tests must run as root): " << std::strerror(errno);
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) umount2(state_.c_str(), MNT_DETACH);
    ContainerTest::TearDown();
  }

  // Shrinks the state folder to what it holds plus `room` bytes (a page is put there first:
  // a tmpfs of size 0 would have no limit at all).
  void Squeeze(uint64_t room) {
    std::ofstream(state_ + "/ballast") << std::string(4096, 'b');
    struct statvfs st {};
    ASSERT_EQ(statvfs(state_.c_str(), &st), 0);
    const uint64_t used = (st.f_blocks - st.f_bfree) * st.f_frsize;
    Resize(used + room);
  }
  // Gives the state folder plenty of room again.
  void Grow() { Resize(uint64_t{512} << 20); }
  void Resize(uint64_t bytes) {
    const std::string options = "size=" + std::to_string(bytes) + ",mode=0755";
    ASSERT_EQ(mount("tmpfs", state_.c_str(), "tmpfs", MS_REMOUNT, options.c_str()), 0)
        << std::strerror(errno);
  }

  // Temporaries left in the state folder (names with ".tmp", as every store gives them, or
  // anything in its tmp/ folder): a failed write must remove its own.
  std::vector<std::string> Leftovers() const {
    std::vector<std::string> found;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(state_, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      const std::string name = it->path().filename().string();
      const std::string relative = it->path().lexically_relative(state_).string();
      if (name.find(".tmp") != std::string::npos || relative.rfind("tmp/", 0) == 0 ||
          relative.rfind("snapshots/tmp", 0) == 0) {
        found.push_back(relative);
      }
    }
    return found;
  }

  // Asserts that a call failed because the disk was full, saying so and what to do.
  static void ExpectDiskFull(const Result<v1::Value>& result) {
    ASSERT_FALSE(result.ok()) << "the call succeeded on a full state folder";
    EXPECT_NE(result.status().message().find("No space left on device"), std::string::npos)
        << result.status().message();
  }

  bool mounted_ = false;
};

// sha256:<hex> of a string, as File.digest gives it for a file that is not executable.
std::string DigestOf(const std::string& bytes) { return "sha256:" + Sha256Hex(bytes); }

std::string ReadAll(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

TEST_F(DiskFullTest, PullThatRunsOutOfRoomIsPulledWholeNextTime) {
  Squeeze(kRoomLeft);  // the image's layer blob alone is larger
  std::vector<Step> busybox_digest =
      Plus(From(), {{"with-exec", {{"args", L({"sha256sum", "/bin/busybox"})}}}, {"stdout", {}}});
  ExpectDiskFull(Chain(*MakeEngine(), busybox_digest));
  EXPECT_EQ(Leftovers(), std::vector<std::string>());

  Grow();
  Result<v1::Value> out = Chain(*MakeEngine(), busybox_digest);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->string_value(), Sha256Hex(ReadAll("/bin/busybox")) + "  /bin/busybox\n");
}

TEST_F(DiskFullTest, StepWritingMoreThanFitsFailsAndRunsWholeNextTime) {
  ASSERT_TRUE(Chain(*MakeEngine(), Plus(From(), {{"sync", {}}})).ok());  // pulled with room
  Squeeze(kRoomLeft);
  const std::string script =
      "dd if=/dev/zero of=/big bs=1000 count=" + std::to_string(kBig / 1000) + " && wc -c < /big";
  std::vector<Step> steps =
      Plus(From(), {{"with-exec", {{"args", L({"sh", "-c", script})}}}, {"stdout", {}}});
  ExpectDiskFull(Chain(*MakeEngine(), steps));
  EXPECT_EQ(Leftovers(), std::vector<std::string>());

  Grow();
  Result<v1::Value> out = Chain(*MakeEngine(), steps);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->string_value(), std::to_string(kBig) + "\n");
}

TEST_F(DiskFullTest, StepResultThatCannotBeStoredIsNotCached) {
  ASSERT_TRUE(Chain(*MakeEngine(), Plus(From(), {{"sync", {}}})).ok());
  Squeeze(kRoomLeft);
  // The step writes nothing to its layer; its output is what the step cache must store.
  const std::string script = "head -c " + std::to_string(kBig) + " /dev/zero | tr '\\0' a";
  std::vector<Step> steps =
      Plus(From(), {{"with-exec", {{"args", L({"sh", "-c", script})}}}, {"stdout", {}}});
  Result<v1::Value> full = Chain(*MakeEngine(), steps);
  ExpectDiskFull(full);
  if (!full.ok()) {
    EXPECT_NE(full.status().message().find("cache_size"), std::string::npos)
        << "the error says what to do: " << full.status().message();
  }
  EXPECT_EQ(Leftovers(), std::vector<std::string>());

  Grow();
  Result<v1::Value> out = Chain(*MakeEngine(), steps);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->string_value(), std::string(kBig, 'a'));
}

TEST_F(DiskFullTest, NewFileInContainerThatDoesNotFitIsWrittenWholeNextTime) {
  ASSERT_TRUE(Chain(*MakeEngine(), Plus(From(), {{"sync", {}}})).ok());
  Squeeze(kRoomLeft);
  std::string contents(kBig, 'x');
  contents += "end";
  std::vector<Step> steps =
      Plus(From(), {{"with-new-file", {{"path", S("/big")}, {"contents", S(contents)}}},
                    {"with-exec", {{"args", L({"sh", "-c", "wc -c < /big; tail -c 3 /big"})}}},
                    {"stdout", {}}});
  ExpectDiskFull(Chain(*MakeEngine(), steps));
  EXPECT_EQ(Leftovers(), std::vector<std::string>());

  Grow();
  Result<v1::Value> out = Chain(*MakeEngine(), steps);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->string_value(), std::to_string(contents.size()) + "\nend");
}

TEST_F(DiskFullTest, HostDirectorySnapshotThatDoesNotFitIsWholeNextTime) {
  const std::string host_dir = test::TempDir();
  std::string contents(kBig, 'h');
  std::ofstream(host_dir + "/big", std::ios::binary) << contents;
  std::vector<Step> steps = {{"host", {}},
                             {"directory", {{"path", S(host_dir)}}},
                             {"file", {{"path", S("big")}}},
                             {"digest", {}}};
  Squeeze(kRoomLeft);
  ExpectDiskFull(Chain(*MakeEngine(), steps, "Query"));
  EXPECT_EQ(Leftovers(), std::vector<std::string>());

  Grow();
  Result<v1::Value> out = Chain(*MakeEngine(), steps, "Query");
  fs::remove_all(host_dir);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->string_value(), DigestOf(contents));
}

TEST_F(DiskFullTest, NewFileInDirectoryThatDoesNotFitIsWholeNextTime) {
  Squeeze(kRoomLeft);
  std::string contents(kBig, 'd');
  std::vector<Step> steps = {{"directory", {}},
                             {"with-new-file", {{"path", S("big")}, {"contents", S(contents)}}},
                             {"file", {{"path", S("big")}}},
                             {"digest", {}}};
  ExpectDiskFull(Chain(*MakeEngine(), steps, "Query"));
  EXPECT_EQ(Leftovers(), std::vector<std::string>());

  Grow();
  Result<v1::Value> out = Chain(*MakeEngine(), steps, "Query");
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->string_value(), DigestOf(contents));
}

TEST_F(DiskFullTest, SecretKeyThatCannotBeWrittenLeavesNothing) {
  ASSERT_TRUE(Chain(*MakeEngine(), Plus(From(), {{"sync", {}}})).ok());
  Squeeze(0);  // not a page left for the key that a step's cache key needs
  auto length_of_secret = [&](Runtime& engine) -> Result<v1::Value> {
    Result<v1::Value> secret =
        Chain(engine, {{"set-secret", {{"name", S("token")}, {"plaintext", S("s3cret")}}}});
    if (!secret.ok()) return secret;
    return Chain(
        engine, Plus(From(), {{"with-secret-variable", {{"name", S("TOKEN")}, {"secret", *secret}}},
                              {"with-exec", {{"args", L({"sh", "-c", "echo ${#TOKEN}"})}}},
                              {"stdout", {}}}));
  };
  ExpectDiskFull(length_of_secret(*MakeEngine()));
  EXPECT_EQ(Leftovers(), std::vector<std::string>());

  Grow();
  Result<v1::Value> out = length_of_secret(*MakeEngine());
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->string_value(), "6\n");
}

TEST_F(DiskFullTest, FunctionResultThatCannotBeKeptIsReturnedAndRunsAgainNextTime) {
  auto with_gxx = [&] {
    std::unique_ptr<Runtime> engine = MakeEngine();
    Result<const ModuleInfo*> loaded = engine->Load(test::TestModule("gxx"));
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return engine;
  };
  // slow_tick counts its runs (in this process) and takes long enough to be kept on disk.
  auto tick = [](Runtime& engine) -> int64_t {
    v1::Call call;
    call.set_module("gxx");
    call.set_function("slow_tick");
    auto* tag = call.add_args();
    tag->set_name("tag");
    tag->mutable_value()->set_string_value("full");
    Result<v1::Value> out = engine.Call(call);
    EXPECT_TRUE(out.ok()) << out.status().message();
    return out.ok() ? out->int_value() : -1;
  };
  std::unique_ptr<Runtime> engine = with_gxx();
  Squeeze(0);
  testing::internal::CaptureStderr();
  const int64_t on_full_disk = tick(*engine);
  const std::string warned = testing::internal::GetCapturedStderr();
  EXPECT_NE(warned.find("No space left on device"), std::string::npos) << warned;
  EXPECT_EQ(tick(*engine), on_full_disk);  // kept for the run
  EXPECT_EQ(Leftovers(), std::vector<std::string>());
  engine.reset();

  Grow();
  const int64_t next_run = tick(*with_gxx());
  EXPECT_GT(next_run, on_full_disk) << "a result was stored on the full disk";
  EXPECT_EQ(tick(*with_gxx()), next_run);  // now kept on disk
}

}  // namespace
}  // namespace host
