// Containers for real: a busybox image built offline, served by Debian's docker-registry on
// loopback, pulled and run with crun or runc through the core module.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "core/engine/engine.h"
#include "tests/support/container_fixture.h"
#include "tests/support/run.h"

namespace host {
namespace {

namespace fs = std::filesystem;

TEST_F(ContainerTest, EnvironmentAndCommandOutput) {
  auto engine = MakeEngine();
  auto out =
      Chain(*engine, Plus(From(), {{"with-env-variable", {{"name", S("X")}, {"value", S("hi")}}},
                                   {"with-workdir", {{"path", S("/tmp")}}},
                                   {"with-exec", {{"args", L({"sh", "-c", "echo $X; pwd"})}}},
                                   {"stdout", {}}}));
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->string_value(), "hi\n/tmp\n");
  auto err = Chain(*engine, Plus(From(), {{"with-exec", {{"args", L({"sh", "-c", "echo e >&2"})}}},
                                          {"stderr", {}}}));
  EXPECT_EQ(err->string_value(), "e\n");
}

TEST_F(ContainerTest, LaterStepsSeeEarlierFiles) {
  auto engine = MakeEngine();
  auto out = Chain(*engine, Plus(From(), {{"with-exec", {{"args", L({"sh", "-c", "echo 1 > /f"})}}},
                                          {"with-exec", {{"args", L({"cat", "/f"})}}},
                                          {"stdout", {}}}));
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->string_value(), "1\n");
}

TEST_F(ContainerTest, UnchangedStepsAreCachedAndChangedOnesRerun) {
  // A cache volume counts how often the step really ran (cache volumes are not part of the key).
  auto counting = [&](const std::string& value) {
    return Plus(
        From(),
        {{"with-mounted-cache", {{"path", S("/count")}, {"cache", v1::Value()}}},
         {"with-env-variable", {{"name", S("V")}, {"value", S(value)}}},
         {"with-exec", {{"args", L({"sh", "-c", "echo run >> /count/runs; wc -l < /count/runs"})}}},
         {"stdout", {}}});
  };
  auto run = [&](const std::string& value) -> std::string {
    auto engine = MakeEngine();
    auto cache = Chain(*engine, {{"cache-volume", {{"key", S("counter")}}}});
    EXPECT_TRUE(cache.ok());
    std::vector<Step> steps = counting(value);
    *steps[2].args[1].second.mutable_object_value() = cache->object_value();
    auto out = Chain(*engine, steps);
    EXPECT_TRUE(out.ok()) << out.status().message();
    return out.ok() ? out->string_value() : "";
  };
  EXPECT_EQ(run("a"), "1\n");
  EXPECT_EQ(run("a"), "1\n");  // cached: the step did not run again
  EXPECT_EQ(run("b"), "2\n");  // its input changed: it ran
}

TEST_F(ContainerTest, SecondRunStartsNoContainer) {
  std::ostringstream first, second;
  auto steps = Plus(From(), {{"with-exec", {{"args", L({"echo", "one"})}}},
                             {"with-exec", {{"args", L({"echo", "two"})}}},
                             {"stdout", {}}});
  ASSERT_TRUE(Chain(*MakeEngine(&first), steps).ok());
  auto again = Chain(*MakeEngine(&second), steps);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->string_value(), "two\n");
  EXPECT_NE(first.str().find("host: exec echo two 0."), std::string::npos) << first.str();
  EXPECT_NE(second.str().find("host: exec echo one CACHED"), std::string::npos) << second.str();
  EXPECT_NE(second.str().find("host: exec echo two CACHED"), std::string::npos) << second.str();
  EXPECT_EQ(second.str().find("host: exec echo two\n"), std::string::npos) << second.str();
}

TEST_F(ContainerTest, FailingCommandReportsExitCodeAndStderr) {
  auto engine = MakeEngine();
  auto out = Chain(
      *engine, Plus(From(), {{"with-exec", {{"args", L({"sh", "-c", "echo broken >&2; exit 3"})}}},
                             {"stdout", {}}}));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(
      out.status().message(),
      "function 'stdout' of module 'core' failed: exec sh -c 'echo broken >&2; exit 3' exited "
      "with code 3\nstderr (last lines):\nbroken\n");
  v1::Value any;
  any.set_enum_value("ANY");
  auto code = Chain(
      *engine, Plus(From(), {{"with-exec", {{"args", L({"sh", "-c", "exit 3"})}, {"expect", any}}},
                             {"exit-code", {}}}));
  ASSERT_TRUE(code.ok()) << code.status().message();
  EXPECT_EQ(code->int_value(), 3);
}

TEST_F(ContainerTest, SecretsReachTheStepButNoOutputOrFile) {
  setenv("HOST_TEST_TOKEN", "tok-12345-secret", 1);
  auto engine = MakeEngine();
  auto secret = Chain(*engine, {{"secret", {{"uri", S("env://HOST_TEST_TOKEN")}}}});
  ASSERT_TRUE(secret.ok());
  auto steps = Plus(
      From(), {{"with-secret-variable", {{"name", S("TOKEN")}, {"secret", *secret}}},
               {"with-mounted-secret", {{"path", S("/run/token")}, {"source", *secret}}},
               {"with-exec",
                {{"args", L({"sh", "-c", "echo $TOKEN; cat /run/token; echo $TOKEN > /kept"})}}},
               {"stdout", {}}});
  auto out = Chain(*engine, steps);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->string_value(), "***\n***");  // the file holds the value without a newline
  // No file under the state folder holds the plaintext, except what the command itself chose to
  // write into its own layer (/kept).
  for (const auto& entry : fs::recursive_directory_iterator(state_)) {
    if (!entry.is_regular_file() || entry.path().filename() == "kept") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(bytes.find("tok-12345-secret"), std::string::npos) << entry.path();
  }
}

TEST_F(ContainerTest, OneLineOfAMultiLineSecretPrintedAloneIsScrubbed) {
  const std::string pem =
      "-----BEGIN PRIVATE KEY-----\n"
      "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n"
      "MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n"
      "-----END PRIVATE KEY-----";
  auto engine = MakeEngine();
  auto secret = Chain(*engine, {{"set-secret", {{"name", S("key")}, {"plaintext", S(pem)}}}});
  ASSERT_TRUE(secret.ok()) << secret.status().message();
  auto steps = Plus(From(), {{"with-secret-variable", {{"name", S("K")}, {"secret", *secret}}},
                             {"with-exec", {{"args", L({"sh", "-c", R"(echo "$K" | sed -n 2p)"})}}},
                             {"stdout", {}}});
  auto out = Chain(*engine, steps);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->string_value(), "***\n");
}

TEST_F(ContainerTest, BadInputIsReportedClearly) {
  auto engine = MakeEngine();
  auto missing = Chain(*engine, {{"container", {}},
                                 {"from", {{"address", S(address_ + "/no-such-image:1")}}},
                                 {"with-exec", {{"args", L({"true"})}}},
                                 {"sync", {}}});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no-such-image"), std::string::npos)
      << missing.status().message();
  EXPECT_NE(missing.status().message().find("MANIFEST_UNKNOWN"), std::string::npos)
      << missing.status().message();
  auto no_args = Chain(*engine, Plus(From(), {{"with-exec", {{"args", L({})}}}, {"sync", {}}}));
  ASSERT_FALSE(no_args.ok());
  EXPECT_EQ(no_args.status().kind(), ErrorKind::kUsage);
  EXPECT_NE(no_args.status().message().find("with-exec needs a command"), std::string::npos);
  auto nothing_run = Chain(*engine, Plus(From(), {{"stdout", {}}}));
  ASSERT_FALSE(nothing_run.ok());
  EXPECT_NE(nothing_run.status().message().find("call with-exec before reading its output"),
            std::string::npos);
}

TEST_F(ContainerTest, TwoProcessesBuildingOneStepBothSucceedAndItRunsOnce) {
  auto steps = Plus(
      From(),
      {{"with-mounted-cache", {{"path", S("/count")}, {"cache", v1::Value()}}},
       {"with-exec",
        {{"args", L({"sh", "-c", "echo run >> /count/runs; sleep 0.3; wc -l < /count/runs"})}}},
       {"stdout", {}}});
  std::vector<std::string> outputs(2);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      auto engine = MakeEngine();  // separate engines share only the state folder, like processes
      auto cache = Chain(*engine, {{"cache-volume", {{"key", S("race")}}}});
      std::vector<Step> mine = steps;
      *mine[2].args[1].second.mutable_object_value() = cache->object_value();
      auto out = Chain(*engine, mine);
      outputs[i] = out.ok() ? out->string_value() : out.status().message();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(outputs[0], "1\n");
  EXPECT_EQ(outputs[1], "1\n");
}

TEST_F(ContainerTest, FilesAndFoldersComeBackOutWithDeletionsHonoured) {
  auto engine = MakeEngine();
  auto built = Plus(
      From(), {{"with-exec",
                {{"args", L({"sh", "-c", "mkdir /out && echo a > /out/a && echo b > /out/b"})}}},
               {"with-exec", {{"args", L({"rm", "/out/a"})}}}});
  auto entries =
      Chain(*engine, Plus(built, {{"directory", {{"path", S("/out")}}}, {"entries", {}}}));
  ASSERT_TRUE(entries.ok()) << entries.status().message();
  ASSERT_EQ(entries->list_value().items_size(), 1);
  EXPECT_EQ(entries->list_value().items(0).string_value(), "b");
  auto contents =
      Chain(*engine, Plus(built, {{"file", {{"path", S("/out/b")}}}, {"contents", {}}}));
  EXPECT_EQ(contents->string_value(), "b\n");
  auto gone = Chain(*engine, Plus(built, {{"file", {{"path", S("/out/a")}}}, {"contents", {}}}));
  ASSERT_FALSE(gone.ok());
  EXPECT_NE(gone.status().message().find("there is no file /out/a in the container"),
            std::string::npos);
  auto added =
      Chain(*engine,
            Plus(From(), {{"with-new-file", {{"path", S("/etc/motd")}, {"contents", S("hello")}}},
                          {"with-exec", {{"args", L({"cat", "/etc/motd"})}}},
                          {"stdout", {}}}));
  ASSERT_TRUE(added.ok()) << added.status().message();
  EXPECT_EQ(added->string_value(), "hello");
}

TEST_F(ContainerTest, MountedSourcesRerunOnlyWhatDependsOnThem) {
  std::string project = state_ + "-project";
  fs::create_directories(project);
  std::ofstream(project + "/input.txt") << "one";
  auto pipeline = [&](std::ostream* progress) {
    auto engine = MakeEngine(progress);
    v1::Value path = S(project);
    auto dir = Chain(*engine, {{"host", {}}, {"directory", {{"path", path}}}});
    EXPECT_TRUE(dir.ok());
    std::vector<Step> steps = Plus(
        From(),
        {{"with-exec", {{"args", L({"echo", "independent"})}}},
         {"with-mounted-directory", {{"path", S("/src")}, {"source", *dir}}},
         {"with-exec", {{"args", L({"sh", "-c", "cat /src/input.txt; echo x > /src/written"})}}},
         {"stdout", {}}});
    return Chain(*engine, steps);
  };
  std::ostringstream first, second, third;
  EXPECT_EQ(pipeline(&first)->string_value(), "one");
  EXPECT_FALSE(fs::exists(project + "/written"));  // writes to a mounted directory are not kept
  EXPECT_EQ(pipeline(&second)->string_value(), "one");
  EXPECT_NE(second.str().find("sh -c 'cat /src/input.txt; echo x > /src/written' CACHED"),
            std::string::npos)
      << second.str();
  std::ofstream(project + "/input.txt") << "two";
  EXPECT_EQ(pipeline(&third)->string_value(), "two");
  EXPECT_NE(third.str().find("host: exec echo independent CACHED"), std::string::npos)
      << third.str();
  EXPECT_EQ(third.str().find("sh -c 'cat /src/input.txt; echo x > /src/written' CACHED"),
            std::string::npos)
      << third.str();
  fs::remove_all(project);
}

// Names created directly in folder while watched (inotify); the watch starts at construction.
class CreationWatch {
 public:
  explicit CreationWatch(const fs::path& folder) : fd_(inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
    EXPECT_GE(inotify_add_watch(fd_, folder.c_str(), IN_CREATE | IN_MOVED_TO), 0) << folder;
  }
  ~CreationWatch() { close(fd_); }
  // The names created so far.
  std::vector<std::string> Created() {
    std::vector<std::string> names;
    alignas(inotify_event) char buffer[1 << 16];
    for (ssize_t n; (n = read(fd_, buffer, sizeof buffer)) > 0;) {
      for (char* at = buffer; at < buffer + n;) {
        auto* event = reinterpret_cast<inotify_event*>(at);
        if (event->len > 0) names.emplace_back(event->name);
        at += sizeof(inotify_event) + event->len;
      }
    }
    return names;
  }

 private:
  int fd_;
};

TEST_F(ContainerTest, ACachedStepWithAMountedDirectoryCopiesNothing) {
  std::string project = state_ + "-project";
  fs::create_directories(project + "/sub");
  for (int i = 0; i < 50; ++i) std::ofstream(project + "/sub/f" + std::to_string(i)) << i;
  auto engine = MakeEngine();
  auto mounted = [&](const v1::Value& dir) {
    return Plus(From(), {{"with-mounted-directory", {{"path", S("/src")}, {"source", dir}}},
                         {"with-exec", {{"args", L({"sh", "-c", "ls /src/sub | wc -l"})}}},
                         {"stdout", {}}});
  };
  auto dir = Chain(*engine, {{"host", {}}, {"directory", {{"path", S(project)}}}});
  ASSERT_TRUE(dir.ok()) << dir.status().message();
  auto first = Chain(*engine, mounted(*dir));
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->string_value(), "50\n");

  // A new session: the directory is read again (outside the watch), then the step is cached.
  std::ostringstream progress;
  auto again = MakeEngine(&progress);
  auto dir_again = Chain(*again, {{"host", {}}, {"directory", {{"path", S(project)}}}});
  ASSERT_TRUE(dir_again.ok()) << dir_again.status().message();
  CreationWatch watch(fs::path(state_) / "tmp");
  auto second = Chain(*again, mounted(*dir_again));
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->string_value(), "50\n");
  EXPECT_NE(progress.str().find("CACHED"), std::string::npos) << progress.str();
  // Nothing was prepared for the mount: a cached step creates nothing in the state's tmp.
  EXPECT_EQ(watch.Created(), std::vector<std::string>());
  fs::remove_all(project);
}

TEST_F(ContainerTest, AMountedFileIsWritableButItsChangesAreNotKept) {
  std::string project = state_ + "-project";
  fs::create_directories(project);
  std::ofstream(project + "/config") << "stored\n";
  auto engine = MakeEngine();
  auto file = Chain(*engine, {{"host", {}}, {"file", {{"path", S(project + "/config")}}}});
  ASSERT_TRUE(file.ok()) << file.status().message();
  auto run = [&](const std::string& script) {
    return Chain(
        *engine,
        Plus(From(), {{"with-mounted-file", {{"path", S("/etc/app.conf")}, {"source", *file}}},
                      {"with-exec", {{"args", L({"sh", "-c", script})}}},
                      {"stdout", {}}}));
  };
  auto changed = run("echo changed > /etc/app.conf; cat /etc/app.conf");
  ASSERT_TRUE(changed.ok()) << changed.status().message();
  EXPECT_EQ(changed->string_value(), "changed\n");
  auto after = run("cat /etc/app.conf");
  ASSERT_TRUE(after.ok()) << after.status().message();
  EXPECT_EQ(after->string_value(), "stored\n");
  std::ifstream stored(project + "/config");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(stored), {}), "stored\n");
  fs::remove_all(project);
}

TEST_F(ContainerTest, AModuleRunsContainersThroughTheSdk) {
  auto engine = MakeEngine();
  ASSERT_TRUE(engine->Load(test::TestModule("gxx")).ok());
  v1::Call call;
  call.set_module("gxx");
  call.set_object("Gxx");
  call.set_function("container_echo");
  for (auto [name, value] : {std::pair{"address", address_ + "/busybox:latest"},
                             std::pair{"text", std::string("from a module")}}) {
    auto* a = call.add_args();
    a->set_name(name);
    a->mutable_value()->set_string_value(value);
  }
  auto out = engine->Call(call);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->string_value(), "from a module\n");
}

// What is left under the state folder that only a running step should have: mounts, processes
// of the given command, step work folders, unfinished cache entries.
std::vector<std::string> Leftovers(const std::string& state, const std::string& command) {
  std::vector<std::string> found;
  std::ifstream mounts("/proc/self/mountinfo");
  for (std::string line; std::getline(mounts, line);) {
    if (line.find(state) != std::string::npos) found.push_back("mount: " + line);
  }
  for (const auto& p : fs::directory_iterator("/proc")) {
    std::ifstream cmdline(p.path() / "cmdline");
    std::string text((std::istreambuf_iterator<char>(cmdline)), {});
    std::replace(text.begin(), text.end(), '\0', ' ');
    if (text.rfind(command, 0) == 0) found.push_back("process: " + text);
  }
  std::error_code ec;
  for (const char* dir : {"tmp", "steps"}) {
    for (const auto& e : fs::directory_iterator(state + "/" + dir, ec)) {
      std::string name = e.path().filename().string();
      if (name.rfind("step-", 0) == 0 || name.find(".tmp") != std::string::npos) {
        found.push_back("folder: " + name);
      }
    }
  }
  return found;
}

TEST_F(ContainerTest, AKilledProcessLeavesNothingTheNextRunDoesNotClean) {
  std::vector<std::string> env = {"HOST_STATE_DIR=" + state_};
  ASSERT_EQ(test::RunHost({"-q", "call", "container", "from", "--address",
                           address_ + "/busybox:latest", "sync"},
                          env)
                .exit_code,
            0);
  pid_t pid = StartSleepingStep("4711");
  // Wait until the step runs, then kill the host process without warning.
  for (int i = 0; i < 500 && Leftovers(state_, "sleep 4711").size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_GE(Leftovers(state_, "sleep 4711").size(), 2u) << "the step never started";
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  // The killed run's helper processes die with it, a moment later; until then they hold its step
  // folder's lock, and the folder is rightly left alone. (The container itself runs on until the
  // next run removes it.)
  auto locked = [&] {
    for (const auto& e : fs::directory_iterator(state_ + "/tmp")) {
      int fd = open((e.path() / "owner.lock").c_str(), O_RDWR | O_CLOEXEC);
      if (fd < 0) continue;
      const bool held = flock(fd, LOCK_EX | LOCK_NB) != 0;
      close(fd);  // closing drops a lock this test took
      if (held) return true;
    }
    return false;
  };
  for (int i = 0; i < 250 && locked(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_FALSE(locked()) << "the killed run's helpers outlived it by 5 s";
  // The next run works, and cleans up what the killed one left.
  test::Ran next =
      test::RunHost({"-q", "call", "container", "from", "--address", address_ + "/busybox:latest",
                     "with-exec", "--args", "echo,after", "stdout"},
                    env);
  ASSERT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(next.out, "after\n");
  std::vector<std::string> left = Leftovers(state_, "sleep 4711");
  for (int i = 0; i < 100 && !left.empty(); ++i) {  // killed processes take a moment to vanish
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    left = Leftovers(state_, "sleep 4711");
  }
  EXPECT_EQ(left, std::vector<std::string>());
}

TEST_F(ContainerTest, AnInterruptedProcessRemovesItsContainerAndMounts) {
  pid_t pid = StartSleepingStep("4712");
  for (int i = 0; i < 500 && Leftovers(state_, "sleep 4712").size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) << status;
  std::vector<std::string> left;
  for (const auto& item : Leftovers(state_, "sleep 4712")) {
    if (item.find(".tmp") == std::string::npos) left.push_back(item);  // removed by the next run
  }
  EXPECT_EQ(left, std::vector<std::string>());
}

TEST_F(ContainerTest, AnUnusableStateFolderIsAClearError) {
  std::string readonly = state_ + "/readonly";
  fs::create_directories(readonly);
  ASSERT_EQ(mount("tmpfs", readonly.c_str(), "tmpfs", MS_RDONLY, "size=1m"), 0);
  test::Ran ran =
      test::RunHost({"-q", "call", "container", "from", "--address", address_ + "/busybox:latest",
                     "with-exec", "--args", "true", "sync"},
                    {"HOST_STATE_DIR=" + readonly + "/state"});
  umount2(readonly.c_str(), MNT_DETACH);
  EXPECT_EQ(ran.exit_code, 1);
  EXPECT_NE(ran.err.find("cannot create the state folder " + readonly + "/state"),
            std::string::npos)
      << ran.err;
  EXPECT_NE(ran.err.find("set HOST_STATE_DIR to a writable folder"), std::string::npos);
}

// The entry count `host cache du` prints for a store, or -1.
int DuEntries(const std::string& du, const std::string& store) {
  std::istringstream lines(du);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string name, size, unit;
    int entries = -1;
    if (words >> name >> size >> unit >> entries && name == store) return entries;
  }
  return -1;
}

TEST_F(ContainerTest, CacheDuAndPrune) {
  std::vector<std::string> env = {"HOST_STATE_DIR=" + state_};
  std::vector<std::string> pipeline = {
      "call",      "container", "from",        "--address", address_ + "/busybox:latest",
      "with-exec", "--args",    "echo,pruned", "stdout"};
  ASSERT_EQ(test::RunHost(pipeline, env).exit_code, 0);
  test::Ran du = test::RunHost({"cache", "du"}, env);
  ASSERT_EQ(du.exit_code, 0) << du.err;
  EXPECT_EQ(DuEntries(du.out, "steps"), 1) << du.out;
  EXPECT_EQ(DuEntries(du.out, "layers"), 1) << du.out;
  EXPECT_NE(test::RunHost(pipeline, env).err.find("echo pruned CACHED"), std::string::npos);
  test::Ran prune = test::RunHost({"cache", "prune"}, env);
  ASSERT_EQ(prune.exit_code, 0) << prune.err;
  EXPECT_EQ(prune.out.rfind("removed ", 0), 0u) << prune.out;
  du = test::RunHost({"cache", "du"}, env);
  EXPECT_EQ(DuEntries(du.out, "steps"), 0) << du.out;
  EXPECT_EQ(DuEntries(du.out, "layers"), 0) << du.out;
  test::Ran again = test::RunHost(pipeline, env);  // pulls and runs again, from nothing
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "pruned\n");
  EXPECT_EQ(again.err.find("CACHED"), std::string::npos) << again.err;
  EXPECT_EQ(test::RunHost({"cache", "prune", "--keep", "lots"}, env).exit_code, 2);
}

TEST_F(ContainerTest, EvictionKeepsTheStoresNearTheConfiguredSize) {
  std::ofstream(state_ + "-config.json")
      << R"({"insecure": [")" << address_ << R"("], "cache_size": "2MB"})";
  std::vector<std::string> env = {"HOST_STATE_DIR=" + state_,
                                  "HOST_CONFIG=" + state_ + "-config.json"};
  auto pipeline = [&](const std::string& word) {
    return std::vector<std::string>{
        "call",      "container", "from",         "--address", address_ + "/busybox:latest",
        "with-exec", "--args",    "echo," + word, "stdout"};
  };
  ASSERT_EQ(test::RunHost(pipeline("first"), env).exit_code, 0);
  fs::remove(state_ + "/last-eviction");  // eviction runs at most once a minute
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(test::RunHost(pipeline("second"), env).exit_code, 0);
  // The stores were over 2 MB: the first run's result went, the second run's stayed.
  EXPECT_EQ(DuEntries(test::RunHost({"cache", "du"}, env).out, "steps"), 1);
  EXPECT_NE(test::RunHost(pipeline("second"), env).err.find("echo second CACHED"),
            std::string::npos);
  EXPECT_EQ(test::RunHost(pipeline("first"), env).err.find("echo first CACHED"), std::string::npos);
  fs::remove(state_ + "-config.json");
}

TEST_F(ContainerTest, TheCliRunsAPipelineWithoutAModule) {
  test::Ran ran = test::RunHost(
      {"call", "container", "from", "--address", address_ + "/busybox:latest", "with-env-variable",
       "--name", "X", "--value", "hi", "with-exec", "--args", "sh,-c,echo $X", "stdout"},
      {"HOST_STATE_DIR=" + state_});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, "hi\n");
  EXPECT_NE(ran.err.find("host: exec sh -c 'echo $X'"), std::string::npos) << ran.err;
  test::Ran quiet =
      test::RunHost({"--quiet", "call", "container", "from", "--address",
                     address_ + "/busybox:latest", "with-exec", "--args", "sh,-c,exit 4", "sync"},
                    {"HOST_STATE_DIR=" + state_});
  EXPECT_EQ(quiet.exit_code, 1);
  EXPECT_EQ(quiet.err.rfind("Error: function 'sync' of module 'core' failed: exec sh -c 'exit 4' "
                            "exited with code 4",
                            0),
            0u)
      << quiet.err;
}

// The bytes of a file, or "" when it cannot be read.
std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

TEST_F(ContainerTest, ExportWritesAnOciArchiveThatUmociUnpacks) {
  setenv("HOST_TEST_EXPORT_TOKEN", "tok-export-secret", 1);
  auto engine = MakeEngine();
  auto secret = Chain(*engine, {{"secret", {{"uri", S("env://HOST_TEST_EXPORT_TOKEN")}}}});
  ASSERT_TRUE(secret.ok());
  const std::string out = state_ + "-image.tar";
  // Step layers with a new file, a deleted file of the image (a whiteout) and a folder removed
  // and made again (an opaque folder), then a file added without a step.
  auto exported =
      Chain(*engine,
            Plus(From(),
                 {{"with-env-variable", {{"name", S("GREETING")}, {"value", S("hello")}}},
                  {"with-secret-variable", {{"name", S("TOKEN")}, {"secret", *secret}}},
                  {"with-exec", {{"args", L({"sh", "-c", "mkdir /data && echo old > /data/old"})}}},
                  {"with-exec",
                   {{"args", L({"sh", "-c",
                                "echo made > /made.txt; rm /etc/group; rm -r /data; mkdir /data; "
                                "echo new > /data/new; test -n \"$TOKEN\""})}}},
                  {"with-new-file", {{"path", S("/etc/motd")}, {"contents", S("motd")}}},
                  {"with-workdir", {{"path", S("/data")}}},
                  {"with-entrypoint", {{"args", L({"sh", "-c"})}}},
                  {"with-default-args", {{"args", L({"echo $GREETING"})}}},
                  {"export", {{"path", S(out)}}}}));
  ASSERT_TRUE(exported.ok()) << exported.status().message();
  EXPECT_EQ(exported->string_value(), out);
  // The layout's index names the image.
  test::Ran index = test::Run({"tar", "-xOf", out, "index.json"});
  ASSERT_EQ(index.exit_code, 0) << index.err;
  EXPECT_NE(index.out.find(R"("org.opencontainers.image.ref.name":"latest")"), std::string::npos)
      << index.out;
  // skopeo reads the archive; umoci unpacks what skopeo copied out of it.
  const std::string layout = state_ + "-layout";
  test::Ran copied =
      test::Run({"skopeo", "copy", "-q", "oci-archive:" + out, "oci:" + layout + ":t"});
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  const std::string bundle = state_ + "-bundle";
  test::Ran unpacked = test::Run({"umoci", "unpack", "--image", layout + ":t", bundle});
  ASSERT_EQ(unpacked.exit_code, 0) << unpacked.err;
  EXPECT_EQ(ReadAll(bundle + "/rootfs/made.txt"), "made\n");
  EXPECT_EQ(ReadAll(bundle + "/rootfs/etc/motd"), "motd");
  EXPECT_TRUE(fs::exists(bundle + "/rootfs/etc/passwd"));
  EXPECT_FALSE(fs::exists(bundle + "/rootfs/etc/group"));  // deleted by a step
  EXPECT_TRUE(fs::exists(bundle + "/rootfs/bin/busybox"));
  std::vector<std::string> data;
  for (const auto& e : fs::directory_iterator(bundle + "/rootfs/data")) {
    data.push_back(e.path().filename().string());
  }
  EXPECT_EQ(data, std::vector<std::string>{"new"});  // the opaque folder hides the old one
  // umoci's runtime config comes from the image config.
  const std::string runtime = ReadAll(bundle + "/config.json");
  EXPECT_NE(runtime.find("\"GREETING=hello\""), std::string::npos) << runtime;
  EXPECT_NE(runtime.find("\"cwd\": \"/data\""), std::string::npos) << runtime;
  EXPECT_NE(runtime.find("\"echo $GREETING\""), std::string::npos) << runtime;
  test::Ran config = test::Run({"skopeo", "inspect", "--config", "oci-archive:" + out});
  ASSERT_EQ(config.exit_code, 0) << config.err;
  EXPECT_NE(config.out.find("GREETING=hello"), std::string::npos) << config.out;
  // Secrets are no part of an image: neither the variable nor its value is in the archive.
  const std::string tar = ReadAll(out);
  EXPECT_EQ(tar.find("TOKEN"), std::string::npos);
  EXPECT_EQ(tar.find("tok-export-secret"), std::string::npos);
  EXPECT_EQ(config.out.find("TOKEN"), std::string::npos) << config.out;
  // The image's own layer is the pulled blob itself, so its digest is the registry's.
  test::Ran pulled = test::Run(
      {"skopeo", "inspect", "--tls-verify=false", "docker://" + address_ + "/busybox:latest"});
  test::Ran ours = test::Run({"skopeo", "inspect", "oci-archive:" + out});
  ASSERT_EQ(pulled.exit_code, 0) << pulled.err;
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  size_t at = pulled.out.find("\"sha256:", pulled.out.find("\"Layers\""));
  ASSERT_NE(at, std::string::npos) << pulled.out;
  EXPECT_NE(ours.out.find(pulled.out.substr(at, 72)), std::string::npos) << ours.out;
  for (const auto& path : {out, layout, bundle}) fs::remove_all(path);
}

TEST_F(ContainerTest, ExportChecksItsPathAndLeavesNothingHalfWritten) {
  auto engine = MakeEngine();
  const std::string folder = state_ + "-exports";
  fs::create_directories(folder);
  auto no_folder = Chain(*engine, Plus(From(), {{"export", {{"path", S(folder + "/no/x.tar")}}}}));
  ASSERT_FALSE(no_folder.ok());
  EXPECT_EQ(no_folder.status().kind(), ErrorKind::kUsage);
  EXPECT_NE(
      no_folder.status().message().find("cannot export to " + folder + "/no/x.tar: the folder " +
                                        folder + "/no does not exist"),
      std::string::npos)
      << no_folder.status().message();
  auto into_folder = Chain(*engine, Plus(From(), {{"export", {{"path", S(folder)}}}}));
  ASSERT_FALSE(into_folder.ok());
  EXPECT_NE(into_folder.status().message().find("it is a folder"), std::string::npos)
      << into_folder.status().message();
  // A layer that cannot be exported (a name OCI reserves for whiteouts) fails the export; what
  // was at the path before is untouched and no temporary file is left beside it.
  std::ofstream(folder + "/image.tar") << "before";
  auto reserved = Chain(*engine, Plus(From(), {{"with-exec", {{"args", L({"touch", "/.wh.x"})}}},
                                               {"export", {{"path", S(folder + "/image.tar")}}}}));
  ASSERT_FALSE(reserved.ok());
  EXPECT_NE(reserved.status().message().find("reserved for whiteouts"), std::string::npos)
      << reserved.status().message();
  EXPECT_EQ(ReadAll(folder + "/image.tar"), "before");
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(folder)) left.push_back(e.path().filename());
  EXPECT_EQ(left, std::vector<std::string>{"image.tar"});
  for (const auto& e : fs::directory_iterator(state_ + "/tmp")) {
    EXPECT_EQ(e.path().filename().string().rfind("blob-export-", 0), std::string::npos) << e.path();
  }
  fs::remove_all(folder);
}

TEST_F(ContainerTest, TheCliExportsAContainerWithDashO) {
  const std::string out = state_ + "-cli.tar";
  test::Ran ran =
      test::RunHost({"-q", "call", "container", "from", "--address", address_ + "/busybox:latest",
                     "with-exec", "--args", "sh,-c,echo cli > /cli.txt", "-o", out},
                    {"HOST_STATE_DIR=" + state_});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out, out + "\n");
  test::Ran inspected = test::Run({"skopeo", "inspect", "oci-archive:" + out});
  ASSERT_EQ(inspected.exit_code, 0) << inspected.err;
  test::Ran layers =
      test::Run({"skopeo", "inspect", "--format", "{{len .Layers}}", "oci-archive:" + out});
  EXPECT_EQ(layers.out, "2\n") << layers.err;  // the image's layer and the step's
  fs::remove(out);
}

TEST_F(ContainerTest, PrivateCacheVolumesAreNeverSharedByRunningSteps) {
  auto engine = MakeEngine();
  auto cache = Chain(*engine, {{"cache-volume", {{"key", S("private")}}}});
  auto meeting = Chain(*engine, {{"cache-volume", {{"key", S("meeting")}}}});
  ASSERT_TRUE(cache.ok() && meeting.ok());
  v1::Value private_mode;
  private_mode.set_enum_value("PRIVATE");
  auto with_caches = [&](std::vector<Step> steps) {
    return Plus(
        Plus(From(), {{"with-mounted-cache",
                       {{"path", S("/cache")}, {"cache", *cache}, {"sharing", private_mode}}},
                      {"with-mounted-cache", {{"path", S("/meet")}, {"cache", *meeting}}}}),
        steps);
  };
  // Each step leaves a marker, then waits (through a shared cache) until the other one runs too,
  // so both hold their instance at the same time; then lists what it sees.
  auto step = [&](const std::string& me, const std::string& other) {
    return with_caches(
        {{"with-exec",
          {{"args", L({"sh", "-c",
                       "touch /cache/" + me + " /meet/" + me + "; i=0; until [ -e /meet/" + other +
                           " ]; do i=$((i+1)); [ $i -lt 600 ] || exit 9; sleep 0.05; done; "
                           "ls /cache"})}}},
         {"stdout", {}}});
  };
  std::vector<std::string> seen(2);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      auto out = Chain(*engine, step(i == 0 ? "a" : "b", i == 0 ? "b" : "a"));
      seen[i] = out.ok() ? out->string_value() : out.status().message();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(seen[0], "a\n");
  EXPECT_EQ(seen[1], "b\n");
  // A later step takes a free instance: one of the two, with its marker; none is made anew.
  auto later =
      Chain(*engine, with_caches({{"with-exec", {{"args", L({"ls", "/cache"})}}}, {"stdout", {}}}));
  ASSERT_TRUE(later.ok()) << later.status().message();
  EXPECT_TRUE(later->string_value() == "a\n" || later->string_value() == "b\n")
      << later->string_value();
  size_t folders = 0;
  for (const auto& e : fs::directory_iterator(state_ + "/caches")) folders += e.is_directory();
  EXPECT_EQ(folders, 3u);  // the two instances of "private" and "meeting"
}

TEST_F(ContainerTest, DiffOfContainerFoldersShowsWhatAStepChanged) {
  auto engine = MakeEngine();
  auto after =
      Chain(*engine, Plus(From(), {{"with-exec",
                                    {{"args", L({"sh", "-c",
                                                 "echo x > /etc/added; "
                                                 "echo 'u:x:1:1::/:/bin/sh' >> /etc/passwd; "
                                                 "rm /etc/group"})}}},
                                   {"directory", {{"path", S("/etc")}}}}));
  ASSERT_TRUE(after.ok()) << after.status().message();
  auto diff = Chain(*engine, Plus(From(), {{"directory", {{"path", S("/etc")}}},
                                           {"diff", {{"other", *after}}},
                                           {"entries", {}}}));
  ASSERT_TRUE(diff.ok()) << diff.status().message();
  std::vector<std::string> names;
  for (const auto& item : diff->list_value().items()) names.push_back(item.string_value());
  EXPECT_EQ(names, (std::vector<std::string>{"added", "passwd"}));  // a deletion is no file
}

// The files the dynamic loader loaded (LD_DEBUG=files output in err) into the process that loaded
// a file named like `marker`: host itself, not the runtimes it starts.
std::vector<std::string> LoadedFiles(const std::string& err, const std::string& marker) {
  std::map<std::string, std::vector<std::string>> by_pid;  // "  1234:" -> files
  std::istringstream lines(err);
  for (std::string line; std::getline(lines, line);) {
    const size_t colon = line.find(':');
    const size_t file = line.find("file=");
    if (colon == std::string::npos || file == std::string::npos || file < colon) continue;
    const size_t end = line.find_first_of(" \t", file);
    by_pid[line.substr(0, colon)].push_back(line.substr(file + 5, end - file - 5));
  }
  for (const auto& [pid, files] : by_pid) {
    for (const auto& file : files) {
      if (file.find(marker) != std::string::npos) return files;
    }
  }
  return {};
}

// A registry of its own for one test, holding busybox:latest, which the test may stop.
class OwnRegistry {
 public:
  // Starts it with storage in dir and pushes the image of oci_layout.
  OwnRegistry(const std::string& dir, const std::string& oci_layout) : dir_(dir) {
    test::Ran started = test::Run({"bash", Script(), "start", dir_});
    if (started.exit_code != 0) {
      error_ = started.err;
      return;
    }
    address_ = started.out.substr(0, started.out.find('\n'));
    test::Ran pushed =
        test::Run({"skopeo", "copy", "-q", "oci:" + oci_layout + ":latest",
                   "docker://" + address_ + "/busybox:latest", "--dest-tls-verify=false"});
    if (pushed.exit_code != 0) error_ = pushed.err;
  }
  // Stops it if it still runs.
  ~OwnRegistry() { Stop(); }
  OwnRegistry(const OwnRegistry&) = delete;
  OwnRegistry& operator=(const OwnRegistry&) = delete;

  // Stops it: nothing answers at its address any more.
  void Stop() { test::Run({"bash", Script(), "stop", dir_}); }
  // "127.0.0.1:PORT".
  const std::string& address() const { return address_; }
  // Why it could not be started or filled, or empty.
  const std::string& error() const { return error_; }

 private:
  static std::string Script() {
    return std::string(HOST_SOURCE_DIR) + "/tests/fixtures/images/registry.sh";
  }
  std::string dir_;
  std::string address_;
  std::string error_;
};

TEST_F(ContainerTest, ATagWithinItsTtlRunsOfflineWithoutTheTransferLibrary) {
  OwnRegistry registry(state_ + "-registry", root_ + "/oci");
  ASSERT_TRUE(registry.error().empty()) << registry.error();
  const std::string image = registry.address() + "/busybox:latest";
  auto config = [&](const std::string& extra) {
    const std::string file = state_ + "-config" + std::to_string(std::hash<std::string>{}(extra));
    std::ofstream(file) << R"({"insecure": [")" << registry.address() << R"("])" << extra << "}";
    return "HOST_CONFIG=" + file;
  };
  auto step = [&](const std::string& word, std::vector<std::string> env) {
    env.push_back("HOST_STATE_DIR=" + state_);
    return test::RunHost({"-q", "call", "container", "from", "--address", image, "with-exec",
                          "--args", "echo," + word, "stdout"},
                         env);
  };
  test::Ran pulled = step("one", {config(R"(, "tag_ttl": "1s")")});
  ASSERT_EQ(pulled.exit_code, 0) << pulled.err;
  EXPECT_EQ(pulled.out, "one\n");
  registry.Stop();

  // Within the ttl: no registry, no transfer library, and no libcurl, OpenSSL or libarchive
  // mapped at all (the dynamic loader names every file it loads).
  test::Ran offline = step(
      "two", {config(""), "HOST_TRANSFER_LIB=/nonexistent/libhost-transfer.so", "LD_DEBUG=files"});
  ASSERT_EQ(offline.exit_code, 0) << offline.err;
  EXPECT_EQ(offline.out, "two\n");
  const std::vector<std::string> loaded = LoadedFiles(offline.err, "libhost-containers.so");
  ASSERT_FALSE(loaded.empty()) << offline.err;
  for (const std::string& file : loaded) {
    for (const char* heavy : {"libcurl", "libssl", "libcrypto", "libarchive", "libhost-transfer"}) {
      EXPECT_EQ(file.find(heavy), std::string::npos) << file;
    }
  }

  // tag_ttl 0 asks the registry on every run, and so does an expired answer: both fail now.
  test::Ran always = step("three", {config(R"(, "tag_ttl": 0)")});
  EXPECT_EQ(always.exit_code, 1);
  EXPECT_NE(always.err.find("registry " + registry.address() + " unreachable"), std::string::npos)
      << always.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  test::Ran expired = step("four", {config(R"(, "tag_ttl": "1s")")});
  EXPECT_EQ(expired.exit_code, 1);
  EXPECT_NE(expired.err.find("unreachable"), std::string::npos) << expired.err;

  // By digest, the registry is never needed once the image is here.
  fs::path tags = fs::path(state_) / "tags";
  ASSERT_EQ(std::distance(fs::directory_iterator(tags), fs::directory_iterator()), 1);
  std::ifstream entry(fs::directory_iterator(tags)->path());
  std::string text((std::istreambuf_iterator<char>(entry)), {});
  const size_t at = text.find("sha256:");
  ASSERT_NE(at, std::string::npos) << text;
  test::Ran by_digest = test::RunHost({"-q", "call", "container", "from", "--address",
                                       registry.address() + "/busybox@" + text.substr(at, 71),
                                       "with-exec", "--args", "echo,five", "stdout"},
                                      {config(R"(, "tag_ttl": 0)"), "HOST_STATE_DIR=" + state_,
                                       "HOST_TRANSFER_LIB=/nonexistent/libhost-transfer.so"});
  ASSERT_EQ(by_digest.exit_code, 0) << by_digest.err;
  EXPECT_EQ(by_digest.out, "five\n");
}

TEST_F(ContainerTest, MissingEngineLibrariesAreClearErrors) {
  const std::vector<std::string> run = {
      "-q",        "call",   "container", "from",  "--address", address_ + "/busybox:latest",
      "with-exec", "--args", "echo,hi",   "stdout"};
  const std::string state = "HOST_STATE_DIR=" + state_;
  test::Ran no_engine =
      test::RunHost(run, {state, "HOST_CONTAINERS_LIB=/nonexistent/libhost-containers.so"});
  EXPECT_EQ(no_engine.exit_code, 1);
  EXPECT_NE(no_engine.err.find("cannot load the container engine "
                               "/nonexistent/libhost-containers.so: "),
            std::string::npos)
      << no_engine.err;
  EXPECT_NE(no_engine.err.find("reinstall host"), std::string::npos) << no_engine.err;

  // The image is not here yet: pulling it needs the transfer library.
  test::Ran no_transfer =
      test::RunHost(run, {state, "HOST_TRANSFER_LIB=/nonexistent/libhost-transfer.so"});
  EXPECT_EQ(no_transfer.exit_code, 1);
  EXPECT_NE(no_transfer.err.find("cannot pull " + address_ +
                                 "/busybox:latest: cannot load the image transfer library "
                                 "/nonexistent/libhost-transfer.so: "),
            std::string::npos)
      << no_transfer.err;
  EXPECT_NE(no_transfer.err.find("No such file or directory; reinstall host"), std::string::npos)
      << no_transfer.err;

  // A library that is there but is not the transfer plugin.
  const std::string engine =
      (fs::path(HOST_BINARY).parent_path() / ".." / "lib" / "host" / "libhost-containers.so")
          .lexically_normal();
  test::Ran wrong = test::RunHost(run, {state, "HOST_TRANSFER_LIB=" + engine});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("the image transfer library " + engine +
                           " lacks host_create_image_transfer; reinstall host"),
            std::string::npos)
      << wrong.err;

  // Pulled, the image runs without it; exporting needs it again.
  ASSERT_EQ(test::RunHost(run, {state}).exit_code, 0);
  test::Ran exported =
      test::RunHost({"-q", "call", "container", "from", "--address", address_ + "/busybox:latest",
                     "export", "--path", state_ + "-image.tar"},
                    {state, "HOST_TRANSFER_LIB=/nonexistent/libhost-transfer.so"});
  EXPECT_EQ(exported.exit_code, 1);
  EXPECT_NE(exported.err.find("cannot export: cannot load the image transfer library"),
            std::string::npos)
      << exported.err;
  EXPECT_FALSE(fs::exists(state_ + "-image.tar"));
}

}  // namespace
}  // namespace host
