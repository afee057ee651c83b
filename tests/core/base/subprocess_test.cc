#include "core/base/subprocess.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <set>
#include <sstream>
#include <thread>

namespace host {
namespace {

// A spec running `sh -c script` with stdout and stderr captured.
SubprocessSpec Shell(const std::string& script) {
  SubprocessSpec spec;
  spec.argv = {"sh", "-c", script};
  spec.stdio = {ChildStream::Inherit(), ChildStream::Pipe(), ChildStream::Pipe()};
  return spec;
}

SubprocessOutput RunOk(const SubprocessSpec& spec, std::string_view input = {}) {
  Result<SubprocessOutput> ran = RunSubprocess(spec, input);
  EXPECT_TRUE(ran.ok()) << ran.status().message();
  return ran.ok() ? *ran : SubprocessOutput{};
}

TEST(SubprocessTest, ReportsTheExitCode) {
  SubprocessOutput ran = RunOk(Shell("exit 3"));
  EXPECT_EQ(ran.exit.code, 3);
  EXPECT_EQ(ran.exit.signal, 0);
  EXPECT_FALSE(ran.exit.success());
  EXPECT_EQ(ran.exit.Text(), "exited with code 3");
  EXPECT_TRUE(RunOk(Shell("true")).exit.success());
}

TEST(SubprocessTest, ReportsTheSignalThatEndedIt) {
  SubprocessOutput ran = RunOk(Shell("kill -TERM $$; sleep 5"));
  EXPECT_EQ(ran.exit.signal, SIGTERM);
  EXPECT_EQ(ran.exit.ShellCode(), 128 + SIGTERM);
  EXPECT_NE(ran.exit.Text().find("killed by signal 15"), std::string::npos) << ran.exit.Text();
}

TEST(SubprocessTest, CapturesStdoutAndStderrApart) {
  SubprocessOutput ran = RunOk(Shell("echo out; echo err >&2"));
  EXPECT_EQ(ran.out, "out\n");
  EXPECT_EQ(ran.err, "err\n");
}

TEST(SubprocessTest, FeedsStdinBytesLargerThanAPipeWhileReadingOutput) {
  SubprocessSpec spec;
  spec.argv = {"cat"};
  spec.stdio = {ChildStream::Pipe(), ChildStream::Pipe(), ChildStream::Inherit()};
  std::string input;
  for (int i = 0; input.size() < (4u << 20); ++i) input += std::to_string(i) + "\n";
  SubprocessOutput ran = RunOk(spec, input);
  EXPECT_TRUE(ran.exit.success());
  EXPECT_EQ(ran.out, input);
}

TEST(SubprocessTest, AChildThatIgnoresItsInputDoesNotKillTheParent) {
  SubprocessSpec spec = Shell("exec 0<&-; exit 0");
  spec.stdio[0] = ChildStream::Pipe();
  SubprocessOutput ran = RunOk(spec, std::string(1 << 20, 'x'));
  EXPECT_TRUE(ran.exit.success());
}

TEST(SubprocessTest, AMissingProgramIsAnErrorNamingIt) {
  SubprocessSpec spec;
  spec.argv = {"no-such-program-for-host-tests"};
  Result<SubprocessOutput> ran = RunSubprocess(spec);
  ASSERT_FALSE(ran.ok());
  EXPECT_EQ(ran.status().message(),
            "cannot run 'no-such-program-for-host-tests': No such file or directory");

  spec.program = "/no/such/folder/prog";
  Result<Subprocess> started = Subprocess::Start(spec);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().message(),
            "cannot run 'no-such-program-for-host-tests': No such file or directory");
}

TEST(SubprocessTest, AMissingWorkingFolderIsAnErrorNamingIt) {
  SubprocessSpec spec;
  spec.argv = {"true"};
  spec.dir = "/no/such/folder";
  Result<SubprocessOutput> ran = RunSubprocess(spec);
  ASSERT_FALSE(ran.ok());
  EXPECT_EQ(ran.status().message(),
            "cannot run 'true' in /no/such/folder: changing to its working folder: No such file "
            "or directory");
}

TEST(SubprocessTest, RunsInTheWorkingFolderWithTheGivenEnvironment) {
  SubprocessSpec spec = Shell("pwd; echo \"$GREETING\"; echo \"${HOME-unset}\"");
  spec.dir = "/";
  spec.env = std::vector<std::string>{"GREETING=hello", "PATH=/usr/bin:/bin"};
  SubprocessOutput ran = RunOk(spec);
  EXPECT_EQ(ran.out, "/\nhello\nunset\n");
}

// The descriptor numbers the child has open, read from /proc/self/fd in the child.
std::set<int> ChildDescriptors(SubprocessSpec spec) {
  // The glob's own folder descriptor is closed by the time the loop runs: -e skips it.
  spec.argv = {"sh", "-c", "for f in /proc/$$/fd/*; do [ -e \"$f\" ] && echo ${f##*/}; done"};
  spec.stdio[1] = ChildStream::Pipe();
  SubprocessOutput ran = RunOk(spec);
  std::set<int> fds;
  std::istringstream lines(ran.out);
  for (int fd; lines >> fd;) fds.insert(fd);
  return fds;
}

TEST(SubprocessTest, NoDescriptorLeaksIntoTheChild) {
  // Opened without O_CLOEXEC, as a library or another thread might.
  const int leaky = open("/dev/null", O_RDONLY);
  ASSERT_GE(leaky, 3);
  SubprocessSpec spec;
  spec.stdio = {ChildStream::Null(), ChildStream::Inherit(), ChildStream::Null()};
  EXPECT_EQ(ChildDescriptors(spec), (std::set<int>{0, 1, 2}));
  close(leaky);
}

TEST(SubprocessTest, PassesTheDescriptorsAskedFor) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
  UniqueFd read_end(fds[0]);
  UniqueFd write_end(fds[1]);
  SubprocessSpec spec = Shell("echo passed >&7");
  spec.pass_fds = {{7, write_end.get()}};
  EXPECT_TRUE(RunOk(spec).exit.success());
  write_end.reset();
  char buffer[64] = {};
  EXPECT_EQ(read(read_end.get(), buffer, sizeof buffer - 1), 7);
  EXPECT_STREQ(buffer, "passed\n");

  spec.stdio = {ChildStream::Null(), ChildStream::Inherit(), ChildStream::Null()};
  spec.pass_fds = {{7, read_end.get()}};
  EXPECT_EQ(ChildDescriptors(spec), (std::set<int>{0, 1, 2, 7}));
}

TEST(SubprocessTest, StartsInAProcessGroupOfItsOwnWhenAsked) {
  SubprocessSpec spec = Shell("cut -d' ' -f5 /proc/$$/stat");
  spec.own_process_group = true;
  Result<Subprocess> started = Subprocess::Start(spec);
  ASSERT_TRUE(started.ok()) << started.status().message();
  const pid_t pid = started->pid();
  std::string out;
  char buffer[64];
  for (ssize_t n; (n = read(started->stdout_pipe().get(), buffer, sizeof buffer)) > 0;) {
    out.append(buffer, static_cast<size_t>(n));
  }
  EXPECT_TRUE(started->Wait().success());
  EXPECT_EQ(out, std::to_string(pid) + "\n");
}

TEST(SubprocessTest, TheParentDeathSignalFollowsTheThreadThatStartedIt) {
  SubprocessSpec spec;
  spec.argv = {"sleep", "60"};
  spec.parent_death_signal = SIGKILL;
  pid_t pid = -1;
  std::thread starter([&] {
    Result<Subprocess> started = Subprocess::Start(spec);
    if (started.ok()) pid = started->release_pid();
  });
  starter.join();  // the thread ends: the kernel sends the child SIGKILL
  ASSERT_GT(pid, 0);
  ExitStatus ended = WaitForProcess(pid);
  EXPECT_EQ(ended.signal, SIGKILL);
}

const char* RefuseToStart(void*) {
  errno = EPERM;
  return "preparing the child";
}

TEST(SubprocessTest, AFailedStepBeforeExecIsReportedWithItsName) {
  SubprocessSpec spec;
  spec.argv = {"true"};
  spec.before_exec = &RefuseToStart;
  Result<Subprocess> started = Subprocess::Start(spec);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().message(),
            "cannot run 'true': preparing the child: Operation not permitted");
}

TEST(SubprocessTest, DefaultSignalsUndoIgnoredOnes) {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction old {};
  sigaction(SIGUSR1, &ignore, &old);
  SubprocessSpec spec = Shell("kill -USR1 $$; exit 0");
  EXPECT_EQ(RunOk(spec).exit.signal, 0);  // ignored, as the parent does
  spec.default_signals = true;
  EXPECT_EQ(RunOk(spec).exit.signal, SIGUSR1);
  sigaction(SIGUSR1, &old, nullptr);
}

}  // namespace
}  // namespace host
