// Progress lines: plain when not on a terminal, a live status line on one; secrets scrubbed.
#include "core/types/progress.h"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <thread>

namespace host {
namespace {

std::string Redact(std::string_view text) {
  std::string out(text);
  for (size_t pos; (pos = out.find("s3cret")) != std::string::npos;) out.replace(pos, 6, "***");
  return out;
}

TEST(ProgressTest, PlainLinesAsWorkStartsAndEnds) {
  std::ostringstream out;
  {
    ProgressLog log(&out, false, 0, Redact);
    int pull = log.Started("pull busybox");
    int step = log.Started("exec echo s3cret");
    log.Finished(step, "FAILED (exit code 1) 0.10s");
    log.Finished(pull, "0.20s");
    log.Line("host: exec echo one CACHED");
  }
  EXPECT_EQ(out.str(),
            "host: pull busybox\nhost: exec echo ***\nhost: exec echo *** FAILED (exit code 1) "
            "0.10s\nhost: pull busybox 0.20s\nhost: exec echo one CACHED\n");
}

TEST(ProgressTest, TerminalShowsWhatRunsOnOneStatusLine) {
  std::ostringstream out;
  {
    ProgressLog log(&out, true, 40, Redact);
    int a = log.Started("exec sleep 1 s3cret");
    int b = log.Started("exec a very long command that will not fit the width");
    std::this_thread::sleep_for(std::chrono::milliseconds(250));  // the ticker redraws
    log.Finished(a, "1.00s");
    log.Finished(b, "1.20s");
  }
  const std::string text = out.str();
  EXPECT_NE(text.find("\r\033[Khost: running exec sleep 1 *** (0."), std::string::npos) << text;
  EXPECT_NE(text.find("\r\033[Khost: exec sleep 1 *** 1.00s\n"), std::string::npos) << text;
  EXPECT_NE(text.find("host: exec a very long command that will not fit the width 1.20s\n"),
            std::string::npos);
  EXPECT_EQ(text.find("s3cret"), std::string::npos);
  // No status line is wider than the terminal, and none is left behind at the end.
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line, '\r');) {
    const std::string status =
        line.substr(line.rfind('\n') == std::string::npos ? 0 : line.rfind('\n') + 1);
    EXPECT_LE(status.size(), 3u + 39u) << status;  // "\033[K" and 39 visible columns
  }
  EXPECT_EQ(text.substr(text.size() - 1), "\n");
}

TEST(ProgressTest, NowhereWritesNothing) {
  ProgressLog log(nullptr, true, 80, Redact);
  log.Finished(log.Started("exec echo"), "0.01s");
  log.Line("line");
}

TEST(ProgressStepTest, ReportsTheStartAndTheTimeItTook) {
  std::ostringstream out;
  ProgressLog log(&out, false, 0, Redact);
  {
    ProgressStep step(log, "pull s3cret/image");
    EXPECT_EQ(out.str(), "host: pull ***/image\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    EXPECT_GE(step.elapsed(), std::chrono::milliseconds(30));
    step.Finish(true);
  }
  std::smatch seconds;
  const std::string text = out.str();
  ASSERT_TRUE(std::regex_match(text, seconds,
                               std::regex("host: pull \\*\\*\\*/image\nhost: pull \\*\\*\\*/image "
                                          "([0-9]+\\.[0-9][0-9])s\n")))
      << text;
  EXPECT_GE(std::stod(seconds[1]), 0.03);
}

TEST(ProgressStepTest, AFailureIsMarkedAndMayGiveWhy) {
  std::ostringstream out;
  ProgressLog log(&out, false, 0, Redact);
  ProgressStep(log, "pull a").Finish(false);
  ProgressStep(log, "exec false").Finish(false, "exit code 1");
  const std::string text = out.str();
  EXPECT_TRUE(std::regex_match(text, std::regex("host: pull a\nhost: pull a FAILED [0-9.]+s\n"
                                                "host: exec false\nhost: exec false FAILED "
                                                "\\(exit code 1\\) [0-9.]+s\n")))
      << text;
}

TEST(ProgressStepTest, AStepLeftUnfinishedEndsAsFailedAndOnlyTheFirstEndCounts) {
  std::ostringstream out;
  ProgressLog log(&out, false, 0, Redact);
  { ProgressStep returned_early(log, "export out.tar"); }
  {
    ProgressStep step(log, "exec echo");
    step.FinishAs("CACHED");
    step.Finish(false);
  }
  const std::string text = out.str();
  EXPECT_TRUE(std::regex_match(text, std::regex("host: export out.tar\nhost: export out.tar FAILED "
                                                "[0-9.]+s\nhost: exec echo\nhost: exec echo "
                                                "CACHED\n")))
      << text;
}

}  // namespace
}  // namespace host
