#include "core/executor/step_runner.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <set>
#include <thread>

#include "core/executor/layer_export.h"
#include "core/executor/layer_flattener.h"
#include "tests/core/executor/busybox_rootfs.h"
#include "tests/core/executor/scratch_dir.h"
#include "tests/core/executor/tar_listing.h"

namespace host {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using test::FilesContaining;
using test::MountsUnder;
using test::ReadWholeFile;
using test::ScratchDir;

// The busybox root filesystem all tests use as their bottom layer, built once; empty when this
// machine has no statically linked busybox.
const fs::path& BusyboxLayer() {
  static ScratchDir dir;  // removed at exit
  static fs::path layer = [] {
    fs::path busybox = test::FindStaticBusybox();
    if (busybox.empty()) return fs::path();
    std::string error = test::BuildBusyboxRootfs(busybox, dir.path() / "busybox");
    EXPECT_EQ(error, "");
    return error.empty() ? dir.path() / "busybox" : fs::path();
  }();
  return layer;
}

// Command lines of live processes that contain needle.
std::vector<std::string> ProcessesMatching(const std::string& needle) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = ReadWholeFile(entry.path() / "cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find(needle) != std::string::npos) found.push_back(name + ": " + cmdline);
  }
  return found;
}

// The processes matching needle that are still there after up to 2 s: killed processes vanish
// only once the kernel has reaped them, which can take a moment on a loaded machine.
std::vector<std::string> ProcessesLeft(const std::string& needle) {
  std::vector<std::string> left = ProcessesMatching(needle);
  for (int i = 0; i < 200 && !left.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    left = ProcessesMatching(needle);
  }
  return left;
}

// Folders named like our containers in the cgroup hierarchies (the runtimes create one per
// container and must remove it).
std::vector<std::string> CgroupsMatching(const std::string& prefix) {
  std::vector<std::string> found;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator("/sys/fs/cgroup", ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (it.depth() > 3 || !it->is_directory(ec)) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->path().filename().string().rfind(prefix, 0) == 0) found.push_back(it->path());
  }
  return found;
}

std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// Everything about a tree that a step could change: per entry its path, type, mode, owner, size,
// modification time, link count, and its bytes or link target.
std::string TreeListing(const fs::path& root) {
  std::vector<std::string> lines;
  std::error_code ec;
  auto describe = [&](const fs::path& path) {
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0) return;
    std::string line = path.lexically_relative(root).string() + " " + std::to_string(st.st_mode) +
                       " " + std::to_string(st.st_uid) + ":" + std::to_string(st.st_gid) + " " +
                       std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
                       std::to_string(st.st_mtim.tv_nsec) + " " + std::to_string(st.st_nlink);
    if (S_ISLNK(st.st_mode)) line += " -> " + fs::read_symlink(path, ec).string();
    if (S_ISREG(st.st_mode)) line += " = " + ReadWholeFile(path);
    lines.push_back(line);
  };
  describe(root);
  for (auto it = fs::recursive_directory_iterator(root, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    describe(it->path());
  }
  std::sort(lines.begin(), lines.end());
  std::string all;
  for (const auto& line : lines) all += line + "\n";
  return all;
}

class StepRunnerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (overlayfs, OCI runtimes)";
    if (BusyboxLayer().empty())
      GTEST_SKIP() << "needs a static busybox (apt-get install busybox-static)";
    Result<StepRunner> runner = StepRunner::Create({state_dir(), GetParam()});
    if (!runner.ok()) GTEST_SKIP() << runner.status().message();
    runner_.emplace(std::move(*runner));
  }

  void TearDown() override {
    if (!runner_) return;
    ExpectNothingLeft();
  }

  // No mounts, work folders, runtime processes or cgroups of this process's steps remain.
  void ExpectNothingLeft() {
    EXPECT_EQ(MountsUnder(scratch_.path()), std::vector<std::string>());
    std::error_code ec;
    EXPECT_TRUE(fs::is_empty(state_dir() / "tmp", ec)) << "work folders left in " << state_dir();
    std::string ids = "host-" + std::to_string(getpid()) + "-";
    EXPECT_EQ(ProcessesLeft(ids), std::vector<std::string>());
    EXPECT_EQ(CgroupsMatching(ids), std::vector<std::string>());
  }

  fs::path state_dir() const { return scratch_.path() / "state"; }
  fs::path scratch(const std::string& name) const { return scratch_.path() / name; }

  StepSpec Spec(std::vector<std::string> args) const {
    StepSpec spec;
    spec.layers = {BusyboxLayer()};
    spec.args = std::move(args);
    return spec;
  }

  StepSpec Shell(const std::string& script) const { return Spec({"sh", "-c", script}); }

  StepResult RunOk(const StepSpec& spec) {
    Result<StepResult> result = runner_->Run(spec);
    EXPECT_TRUE(result.ok()) << result.status().message();
    return result.ok() ? std::move(*result) : StepResult{};
  }

  ScratchDir scratch_;
  std::optional<StepRunner> runner_;
};

TEST_P(StepRunnerTest, UsesTheRuntimeAskedFor) { EXPECT_EQ(runner_->runtime().name, GetParam()); }

TEST_P(StepRunnerTest, CapturesStdout) {
  StepResult result = RunOk(Spec({"echo", "hi"}));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.stdout_bytes, "hi\n");
  EXPECT_EQ(result.stderr_bytes, "");
  EXPECT_GT(result.duration.count(), 0);
}

TEST_P(StepRunnerTest, CapturesStderrAndExitCode) {
  StepResult result = RunOk(Shell("echo out; echo oops >&2; exit 3"));
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.stdout_bytes, "out\n");
  EXPECT_EQ(result.stderr_bytes, "oops\n");
}

TEST_P(StepRunnerTest, ReportsAMissingCommandAsAFailedStep) {
  StepResult result = RunOk(Spec({"/no/such/command"}));
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.stderr_bytes.find("/no/such/command"), std::string::npos) << result.stderr_bytes;
}

TEST_P(StepRunnerTest, HonoursEnvAndWorkdir) {
  StepSpec spec = Shell("echo \"$GREETING $HOME\"; pwd; echo \"$PATH\"");
  spec.env = {"GREETING=hello", "GREETING=hello again"};
  spec.workdir = "/tmp";
  StepResult result = RunOk(spec);
  EXPECT_EQ(
      result.stdout_bytes,
      "hello again /root\n/tmp\n/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n");
}

TEST_P(StepRunnerTest, HonoursNumericUser) {
  StepSpec spec = Shell("id -u; id -g; echo $HOME");
  spec.user = "1000";
  EXPECT_EQ(RunOk(spec).stdout_bytes, "1000\n1000\n/home/builder\n");
  spec.user = "4242:4343";
  EXPECT_EQ(RunOk(spec).stdout_bytes, "4242\n4343\n/\n");
}

TEST_P(StepRunnerTest, ResolvesUserNamesInTheImage) {
  StepSpec spec = Shell("id -u; id -g; id -G");
  spec.user = "builder";
  EXPECT_EQ(RunOk(spec).stdout_bytes, "1000\n1000\n1000 2000\n");
  spec.user = "builder:tools";
  EXPECT_EQ(RunOk(spec).stdout_bytes, "1000\n2000\n2000\n");
  spec.user = "nobody-here";
  Result<StepResult> missing = runner_->Run(spec);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().kind(), ErrorKind::kUsage);
  EXPECT_NE(missing.status().message().find("nobody-here"), std::string::npos);
}

TEST_P(StepRunnerTest, FeedsStdin) {
  StepSpec spec = Spec({"cat"});
  spec.stdin_bytes = "line one\nline two\n";
  EXPECT_EQ(RunOk(spec).stdout_bytes, "line one\nline two\n");

  StepSpec big = Spec({"wc", "-c"});
  big.stdin_bytes = std::string(5 << 20, 'x');
  EXPECT_EQ(Trimmed(RunOk(big).stdout_bytes), std::to_string(5 << 20));

  StepSpec ignored = Spec({"true"});  // never reads its input
  ignored.stdin_bytes = std::string(4 << 20, 'y');
  EXPECT_EQ(RunOk(ignored).exit_code, 0);
}

TEST_P(StepRunnerTest, ReadOnlyBindCannotBeWritten) {
  fs::create_directories(scratch("data"));
  std::ofstream(scratch("data/in.txt")) << "from the host";
  StepSpec spec = Shell("cat /data/in.txt; echo changed > /data/out.txt");
  spec.mounts = {StepMount::Bind(scratch("data"), "/data", /*read_only=*/true)};
  StepResult result = RunOk(spec);
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(result.stdout_bytes, "from the host");
  EXPECT_NE(result.stderr_bytes.find("Read-only file system"), std::string::npos)
      << result.stderr_bytes;
  EXPECT_FALSE(fs::exists(scratch("data/out.txt")));
}

TEST_P(StepRunnerTest, ReadWriteBindWritesReachTheHost) {
  fs::create_directories(scratch("data"));
  StepSpec spec = Shell("echo written > /data/out.txt");
  spec.mounts = {StepMount::Bind(scratch("data"), "/data", /*read_only=*/false)};
  EXPECT_EQ(RunOk(spec).exit_code, 0);
  EXPECT_EQ(ReadWholeFile(scratch("data/out.txt")), "written\n");
}

TEST_P(StepRunnerTest, CacheFolderIsCreatedAndKeptAcrossSteps) {
  StepSpec first = Shell("echo 1 >> /cache/count");
  first.mounts = {StepMount::Cache(scratch("caches/one"), "/cache")};
  RunOk(first);
  RunOk(first);
  EXPECT_EQ(ReadWholeFile(scratch("caches/one/count")), "1\n1\n");
}

TEST_P(StepRunnerTest, TmpfsMountIsNotPartOfTheLayer) {
  StepSpec spec = Shell("echo scratch > /scratch/file; cat /scratch/file");
  spec.mounts = {StepMount::Tmpfs("/scratch", 1 << 20)};
  spec.result_layer = scratch("layer");
  StepResult result = RunOk(spec);
  EXPECT_EQ(result.stdout_bytes, "scratch\n");
  EXPECT_TRUE(fs::is_empty(scratch("layer"))) << "mount points must not be left in the layer";
}

TEST_P(StepRunnerTest, SecretsAreReadableInsideAndGoneAfterwards) {
  const std::string file_secret = "file-secret-7f3a9c1e55";
  const std::string env_secret = "env-secret-0b8d2e4f66";
  StepSpec spec = Shell("cat /run/secrets/token; echo; echo \"$API_TOKEN\"; ls -ln /run/secrets");
  spec.mounts = {StepMount::File("/run/secrets/token", file_secret)};
  spec.secret_env = {"API_TOKEN=" + env_secret};
  spec.user = "1000";
  spec.result_layer = scratch("layer");
  StepResult result = RunOk(spec);
  EXPECT_NE(result.stdout_bytes.find(file_secret + "\n" + env_secret + "\n"), std::string::npos)
      << result.stdout_bytes;
  EXPECT_NE(result.stdout_bytes.find("-r--------    1 1000     1000"), std::string::npos)
      << result.stdout_bytes;
  for (const auto& secret : {file_secret, env_secret}) {
    EXPECT_EQ(FilesContaining(state_dir(), secret), std::vector<std::string>());
    EXPECT_EQ(FilesContaining(scratch("layer"), secret), std::vector<std::string>());
  }
  EXPECT_TRUE(fs::is_empty(scratch("layer"))) << "the secret's mount point stayed in the layer";
}

TEST_P(StepRunnerTest, MountPointsDoNotEndUpInTheLayer) {
  fs::create_directories(scratch("data"));
  StepSpec spec = Spec({"true"});
  spec.mounts = {StepMount::Bind(scratch("data"), "/new/deep/data", true),
                 StepMount::File("/etc/app/config", "x", 0644)};
  spec.result_layer = scratch("layer");
  RunOk(spec);
  std::vector<std::string> left;
  for (const auto& entry : fs::recursive_directory_iterator(scratch("layer"))) {
    left.push_back(entry.path().string());
  }
  EXPECT_EQ(left, std::vector<std::string>());
}

TEST_P(StepRunnerTest, ResultLayerFeedsTheNextStep) {
  StepSpec first = Shell("echo one > /made; mkdir -p /dir && echo a > /dir/a");
  first.result_layer = scratch("layer1");
  RunOk(first);
  EXPECT_EQ(ReadWholeFile(scratch("layer1/made")), "one\n");

  StepSpec second = Shell("cat /made /dir/a; rm /made; rm -rf /dir; mkdir /dir; echo b > /dir/b");
  second.layers = {BusyboxLayer(), scratch("layer1")};
  second.result_layer = scratch("layer2");
  StepResult result = RunOk(second);
  EXPECT_EQ(result.stdout_bytes, "one\na\n");
  EXPECT_EQ(result.layer, scratch("layer2"));

  // In overlay form: a whiteout device and an opaque folder.
  struct stat st;
  ASSERT_EQ(lstat(scratch("layer2/made").c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(st.st_rdev, makedev(0, 0));
  char opaque[4] = {};
  EXPECT_EQ(lgetxattr(scratch("layer2/dir").c_str(), "trusted.overlay.opaque", opaque, 4), 1);
  EXPECT_EQ(opaque[0], 'y');

  // As an OCI layer: .wh. files.
  ASSERT_TRUE(
      ExportLayerToFile(scratch("layer2"), scratch("layer2.tar"), {.zero_mtime = true}).ok());
  std::vector<std::string> names;
  for (const auto& entry : test::ReadTar(scratch("layer2.tar"))) names.push_back(entry.path);
  EXPECT_EQ(names, (std::vector<std::string>{".wh.made", "dir/", "dir/.wh..wh..opq", "dir/b"}));

  // The third step sees the deletion.
  StepSpec third = Shell("ls / | grep -c made; ls /dir");
  third.layers = {BusyboxLayer(), scratch("layer1"), scratch("layer2")};
  StepResult seen = RunOk(third);
  EXPECT_EQ(seen.stdout_bytes, "0\nb\n");
}

TEST_P(StepRunnerTest, RunsWithoutLayers) {
  fs::create_directories(scratch("tools/bin"));
  fs::copy_file(BusyboxLayer() / "bin/busybox", scratch("tools/bin/busybox"));
  StepSpec spec;
  spec.args = {"/tools/bin/busybox", "echo", "from scratch"};
  spec.mounts = {StepMount::Bind(scratch("tools"), "/tools", true)};
  spec.result_layer = scratch("layer");
  EXPECT_EQ(RunOk(spec).stdout_bytes, "from scratch\n");
  // /proc, /dev, /sys, /etc/hosts, /tools... were all created by the runtime, and removed again.
  EXPECT_TRUE(fs::is_empty(scratch("layer")));
}

TEST_P(StepRunnerTest, MountsManyLayers) {
  // Long enough lowerdir lists exceed mount(2)'s page of options and need the new mount API.
  StepSpec spec = Shell("cat /f00 /f69; ls / | grep -c '^f'");
  for (int i = 0; i < 70; ++i) {
    char name[16];
    snprintf(name, sizeof name, "f%02d", i);
    fs::path layer =
        scratch("layers") /
        ("a-layer-folder-with-a-rather-long-name-as-content-stores-have-" + std::string(name));
    fs::create_directories(layer);
    std::ofstream(layer / name) << name << "\n";
    spec.layers.push_back(layer);
  }
  StepResult result = RunOk(spec);
  EXPECT_EQ(result.stdout_bytes, "f00\nf69\n70\n");
}

TEST_P(StepRunnerTest, SixHundredLayersAreFlattenedPastTheOverlayLimit) {
  // Overlayfs takes at most 500 lower layers: the lowest ones are merged into one folder, with
  // their whiteouts and opaque folders applied.
  StepSpec spec = Shell("ls / | grep -c '^f'; cat /f001 /f599; ls /d; test -e /f003 || echo gone");
  for (int i = 0; i < 600; ++i) {
    char name[16];
    snprintf(name, sizeof name, "f%03d", i);
    fs::path layer = scratch("layers") / name;
    fs::create_directories(layer);
    std::ofstream(layer / name) << name << "\n";
    if (i == 5) {
      ASSERT_EQ(mknod((layer / "f003").c_str(), S_IFCHR, makedev(0, 0)), 0);
    }
    if (i == 10 || i == 20) fs::create_directories(layer / "d");
    if (i == 10) std::ofstream(layer / "d/x") << "x\n";
    if (i == 20) {
      ASSERT_EQ(setxattr((layer / "d").c_str(), "trusted.overlay.opaque", "y", 1, 0), 0);
      std::ofstream(layer / "d/y") << "y\n";
    }
    if (i == 30) std::ofstream(layer / "f001") << "replaced\n";
    spec.layers.push_back(layer);
  }
  const std::string expected = "599\nreplaced\nf599\ny\ngone\n";
  auto merges = [&] {
    std::error_code ec;
    return std::distance(fs::directory_iterator(state_dir() / "flattened", ec),
                         fs::directory_iterator());
  };
  auto started = std::chrono::steady_clock::now();
  StepResult first = RunOk(spec);
  auto built = std::chrono::steady_clock::now();
  EXPECT_EQ(first.stdout_bytes, expected) << first.stderr_bytes;
  // One merge per whole block, each built on the one below.
  EXPECT_EQ(merges(), static_cast<long>((spec.layers.size() - 1) / kFlattenBlock));
  // The merges are reused.
  StepResult second = RunOk(spec);
  auto reused = std::chrono::steady_clock::now();
  EXPECT_EQ(second.stdout_bytes, expected) << second.stderr_bytes;
  EXPECT_EQ(merges(), static_cast<long>((spec.layers.size() - 1) / kFlattenBlock));
  std::printf("601 layers: first step %lld ms (flattening), second %lld ms\n",
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(built - started).count()),
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(reused - built).count()));
}

TEST_P(StepRunnerTest, TimeoutKillsTheStep) {
  StepSpec spec = Spec({"sleep", "4321"});
  spec.timeout = milliseconds(500);
  auto begin = std::chrono::steady_clock::now();
  Result<StepResult> result = runner_->Run(spec);
  auto took = std::chrono::steady_clock::now() - begin;
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().kind(), ErrorKind::kFailed);
  EXPECT_EQ(result.status().message(), "step `sleep 4321` timed out after 500 ms and was killed");
  EXPECT_LT(took, std::chrono::seconds(3));
  EXPECT_EQ(ProcessesLeft("sleep 4321"), std::vector<std::string>());
}

TEST_P(StepRunnerTest, TimeoutDuringContainerCreation) {
  // The deadline passes while the runtime is still setting the container up.
  StepSpec spec = Spec({"sleep", "4325"});
  spec.timeout = milliseconds(1);
  auto begin = std::chrono::steady_clock::now();
  Result<StepResult> result = runner_->Run(spec);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("timed out"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(2));
  EXPECT_EQ(ProcessesLeft("sleep 4325"), std::vector<std::string>());
}

TEST_P(StepRunnerTest, TimeoutKillsTheWholeProcessTree) {
  StepSpec spec = Shell("sleep 4322 & sleep 4323 & wait");
  spec.timeout = milliseconds(300);
  Result<StepResult> result = runner_->Run(spec);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(ProcessesLeft("sleep 432"), std::vector<std::string>());
}

TEST_P(StepRunnerTest, BadSpecsAreUsageErrors) {
  std::vector<StepSpec> bad(5, Spec({"true"}));
  bad[0].args.clear();
  bad[1].workdir = "relative";
  bad[2].env = {"=value"};
  bad[3].mounts = {StepMount::Bind(scratch("missing"), "/m", true)};
  bad[4].layers = {scratch("no-layer")};
  for (const auto& spec : bad) {
    Result<StepResult> result = runner_->Run(spec);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().kind(), ErrorKind::kUsage) << result.status().message();
  }
}

TEST_P(StepRunnerTest, ExistingResultLayerIsRefused) {
  fs::create_directories(scratch("taken"));
  StepSpec spec = Spec({"true"});
  spec.result_layer = scratch("taken");
  Result<StepResult> result = runner_->Run(spec);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().kind(), ErrorKind::kUsage);
}

TEST_P(StepRunnerTest, LargeOutputDoesNotDeadlock) {
  StepSpec spec = Shell("head -c 20971520 /dev/zero; head -c 10485760 /dev/zero >&2");
  spec.timeout = milliseconds(60000);
  StepResult result = RunOk(spec);
  EXPECT_EQ(result.stdout_bytes.size(), 20971520u);
  EXPECT_EQ(result.stderr_bytes.size(), 10485760u);
}

TEST_P(StepRunnerTest, StepsRunInParallel) {
  // Each step waits until all four have started: run one after another, the first would never
  // see the others and would time out. (How fast they run together is measured in bench/.)
  fs::create_directories(scratch("shared"));
  std::vector<std::future<Result<StepResult>>> steps;
  for (int i = 0; i < 4; ++i) {
    steps.push_back(std::async(std::launch::async, [&, i] {
      StepSpec spec = Shell("touch /shared/started-" + std::to_string(i) +
                            "; until [ $(ls /shared | wc -l) -ge 4 ]; do sleep 0.02; done");
      spec.mounts = {StepMount::Bind(scratch("shared"), "/shared", /*read_only=*/false)};
      spec.timeout = std::chrono::seconds(60);
      return runner_->Run(spec);
    }));
  }
  for (auto& step : steps) {
    Result<StepResult> result = step.get();
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->exit_code, 0);
  }
}

TEST_P(StepRunnerTest, HostNetworkByDefault) {
  std::string host_devices = ReadWholeFile("/proc/net/dev");
  StepSpec spec = Spec({"cat", "/proc/net/dev"});
  std::string inside = RunOk(spec).stdout_bytes;
  auto names = [](const std::string& table) {
    std::set<std::string> result;
    std::istringstream in(table);
    for (std::string line; std::getline(in, line);) {
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      name.erase(0, name.find_first_not_of(' '));
      result.insert(name);
    }
    return result;
  };
  EXPECT_EQ(names(inside), names(host_devices));
  spec.host_network = false;
  EXPECT_EQ(names(RunOk(spec).stdout_bytes), std::set<std::string>{"lo"});
}

std::atomic<int> interrupts_seen{0};
void CountInterrupt(int) { interrupts_seen++; }

TEST_P(StepRunnerTest, InterruptKillsTheStepThenReachesTheProcess) {
  struct sigaction counting = {};
  counting.sa_handler = CountInterrupt;
  struct sigaction before;
  ASSERT_EQ(sigaction(SIGINT, &counting, &before), 0);
  interrupts_seen = 0;
  auto step = std::async(std::launch::async, [&] { return runner_->Run(Spec({"sleep", "4324"})); });
  std::this_thread::sleep_for(milliseconds(400));
  EXPECT_EQ(interrupts_seen, 0);
  kill(getpid(), SIGINT);
  ASSERT_EQ(step.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  Result<StepResult> result = step.get();
  sigaction(SIGINT, &before, nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "step `sleep 4324` was interrupted by SIGINT and killed");
  EXPECT_EQ(interrupts_seen, 1) << "the signal must reach the old handler after clean-up";
  EXPECT_EQ(ProcessesLeft("sleep 4324"), std::vector<std::string>());
}

// A source folder as hostile as a snapshot can be: files, a sub-folder, a setuid file, symlinks
// to the host's /etc and far up, and a character device (the host's /dev/null).
fs::path HostileSource(const fs::path& at) {
  fs::create_directories(at / "sub");
  std::ofstream(at / "keep.txt") << "keep";
  std::ofstream(at / "sub" / "deep.txt") << "deep";
  std::ofstream(at / "suid") << "#!/bin/sh\nid -u\n";
  chmod((at / "suid").c_str(), 04755);
  fs::create_symlink("/etc", at / "etc");
  fs::create_symlink("../../../../../../../../..", at / "up");
  EXPECT_EQ(mknod((at / "null").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
  return at;
}

TEST_P(StepRunnerTest, OverlayMountWritesAreDiscardedAndTheSourceIsUnchanged) {
  fs::path source = HostileSource(scratch("source"));
  const std::string before = TreeListing(source);
  StepSpec spec = Shell(
      "cat /src/keep.txt; echo new > /src/new.txt; echo more >> /src/keep.txt; "
      "rm /src/sub/deep.txt; mv /src/sub /src/moved; chmod 777 /src/suid; chown 1:1 /src; "
      "rm /src/etc; mkdir /src/etc; echo inside > /src/etc/x; ls /src | sort | tr '\n' ' '");
  spec.mounts = {StepMount::Overlay(source, "/src")};
  spec.result_layer = scratch("layer");
  StepResult result = RunOk(spec);
  EXPECT_EQ(result.exit_code, 0) << result.stderr_bytes;
  EXPECT_EQ(result.stdout_bytes, "keepetc keep.txt moved new.txt null suid up ");
  EXPECT_EQ(TreeListing(source), before);
  EXPECT_TRUE(fs::is_empty(scratch("layer"))) << "writes to the mount must not be in the layer";
  // A second step sees the source as it was.
  StepSpec again = Shell("cat /src/keep.txt /src/sub/deep.txt; ls /src/new.txt");
  again.mounts = {StepMount::Overlay(source, "/src")};
  StepResult second = RunOk(again);
  EXPECT_EQ(second.stdout_bytes, "keepdeep");
  EXPECT_NE(second.exit_code, 0);
}

TEST_P(StepRunnerTest, OverlayMountSymlinksDoNotLeadOutOfTheContainer) {
  fs::path source = HostileSource(scratch("source"));
  // Links resolve in the container: /src/etc is the busybox layer's /etc, /src/up its root.
  std::ofstream(scratch("marker-host")) << "host";
  StepSpec spec = Shell(
      "cat /src/etc/passwd; echo escaped > /src/etc/overlay-escape-probe; "
      "echo escaped > /src/up/overlay-escape-probe; ls /src/up/ | grep -c marker-host");
  spec.mounts = {StepMount::Overlay(source, "/src")};
  StepResult result = RunOk(spec);
  EXPECT_EQ(result.stdout_bytes, ReadWholeFile(BusyboxLayer() / "etc/passwd") + "0\n");
  EXPECT_FALSE(fs::exists("/etc/overlay-escape-probe"));
  EXPECT_FALSE(fs::exists("/overlay-escape-probe"));
  EXPECT_EQ(FilesContaining(scratch_.path(), "escaped"), std::vector<std::string>());
}

TEST_P(StepRunnerTest, OverlayMountIsNosuidAndNodev) {
  fs::path source = HostileSource(scratch("source"));
  StepSpec spec = Shell(
      "grep ' /src ' /proc/self/mountinfo | grep -c 'nosuid,nodev'; "
      "echo x > /src/null && echo device-opened; stat -c %a /src/suid");
  spec.mounts = {StepMount::Overlay(source, "/src")};
  spec.user = "1000";
  StepResult result = RunOk(spec);
  // The device cannot be opened; the setuid bit is shown but has no effect on this mount.
  EXPECT_EQ(result.stdout_bytes, "1\n4755\n") << result.stderr_bytes;
}

TEST_P(StepRunnerTest, OverlayMountOfAFileDiscardsWritesAndKeepsTheFile) {
  fs::create_directories(scratch("files"));
  std::ofstream(scratch("files/config")) << "stored";
  chmod(scratch("files/config").c_str(), 0644);
  const std::string before = TreeListing(scratch("files"));
  StepSpec spec = Shell("cat /cfg; echo changed > /cfg; cat /cfg; chmod 600 /cfg");
  spec.mounts = {StepMount::Overlay(scratch("files/config"), "/cfg")};
  StepResult result = RunOk(spec);
  EXPECT_EQ(result.exit_code, 0) << result.stderr_bytes;
  EXPECT_EQ(result.stdout_bytes, "storedchanged\n");
  EXPECT_EQ(TreeListing(scratch("files")), before);  // bytes, mode and link count as they were
}

TEST_P(StepRunnerTest, OverlayMountOfASymlinkedFileIsRefused) {
  fs::create_symlink("/etc/shadow", scratch("link"));
  StepSpec spec = Shell("cat /cfg");
  spec.mounts = {StepMount::Overlay(scratch("link"), "/cfg")};
  Result<StepResult> result = runner_->Run(spec);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("neither a folder nor a regular file"),
            std::string::npos)
      << result.status().message();
}

TEST_P(StepRunnerTest, TwoStepsMountTheSameSourceAtOnce) {
  fs::path source = HostileSource(scratch("source"));
  const std::string before = TreeListing(source);
  fs::create_directories(scratch("meet"));
  std::vector<std::future<Result<StepResult>>> steps;
  for (int i = 0; i < 2; ++i) {
    steps.push_back(std::async(std::launch::async, [&, i] {
      const std::string me = std::to_string(i);
      StepSpec spec =
          Shell("echo " + me + " > /src/keep.txt; touch /src/mine-" + me + "; touch /meet/" + me +
                "; until [ $(ls /meet | wc -l) -ge 2 ]; do sleep 0.02; done; "
                "cat /src/keep.txt; ls /src | grep -c mine-");
      spec.mounts = {StepMount::Overlay(source, "/src"),
                     StepMount::Bind(scratch("meet"), "/meet", /*read_only=*/false)};
      spec.timeout = std::chrono::seconds(60);
      return runner_->Run(spec);
    }));
  }
  for (int i = 0; i < 2; ++i) {
    Result<StepResult> result = steps[i].get();
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->stdout_bytes, std::to_string(i) + "\n1\n") << result->stderr_bytes;
  }
  EXPECT_EQ(TreeListing(source), before);
}

TEST_P(StepRunnerTest, KilledStepLeavesNoOverlayMountBehind) {
  fs::path source = HostileSource(scratch("source"));
  const std::string before = TreeListing(source);
  StepSpec spec = Shell("echo x > /src/written; sleep 4331");
  spec.mounts = {StepMount::Overlay(source, "/src")};
  spec.timeout = milliseconds(500);
  Result<StepResult> result = runner_->Run(spec);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(MountsUnder(state_dir()), std::vector<std::string>());
  EXPECT_EQ(TreeListing(source), before);
  // A mount that cannot be made (a second, missing source) fails the step cleanly too.
  StepSpec broken = Shell("true");
  broken.mounts = {StepMount::Overlay(source, "/src"),
                   StepMount::Overlay(scratch("source/null"), "/dev-like")};
  Result<StepResult> refused = runner_->Run(broken);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("mount at /dev-like"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ(MountsUnder(state_dir()), std::vector<std::string>());
}

TEST_P(StepRunnerTest, AnAbandonedStepsOverlayMountIsRemovedByTheNextRunner) {
  fs::path source = HostileSource(scratch("source"));
  const std::string before = TreeListing(source);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    StepSpec spec = Shell("echo x > /src/written; sleep 4333");
    spec.mounts = {StepMount::Overlay(source, "/src")};
    Result<StepResult> ignored = runner_->Run(spec);
    _exit(0);
  }
  // Kill the runner's process without warning once its step runs with the mount in place.
  for (int i = 0;
       i < 500 && (MountsUnder(state_dir()).size() < 3 || ProcessesMatching("sleep 4333").empty());
       ++i) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  ASSERT_FALSE(ProcessesMatching("sleep 4333").empty()) << "the step never started";
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  ASSERT_FALSE(MountsUnder(state_dir()).empty());
  Result<StepRunner> next = StepRunner::Create({state_dir(), GetParam()});
  ASSERT_TRUE(next.ok()) << next.status().message();
  EXPECT_EQ(MountsUnder(state_dir()), std::vector<std::string>());
  EXPECT_EQ(ProcessesLeft("sleep 4333"), std::vector<std::string>());
  EXPECT_EQ(TreeListing(source), before);
}

INSTANTIATE_TEST_SUITE_P(Runtimes, StepRunnerTest, ::testing::Values("crun", "runc"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace host
