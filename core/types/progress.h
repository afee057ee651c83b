// Progress of the work a run does (pulls, steps), on stderr: a line as each starts and ends, or,
// on a terminal, the finished ones as lines and the running ones on a live status line.
#ifndef HOST_TYPES_PROGRESS_H_
#define HOST_TYPES_PROGRESS_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>

namespace host {

// A duration as progress lines show it: 0.14s.
std::string FormatSeconds(std::chrono::steady_clock::duration duration);

// Writes progress for one engine. Thread-safe; every text goes through redact first.
class ProgressLog {
 public:
  // out: where to write (null: nowhere); terminal: whether out is a terminal of width columns.
  ProgressLog(std::ostream* out, bool terminal, int columns,
              std::function<std::string(std::string_view)> redact);
  ~ProgressLog();
  ProgressLog(const ProgressLog&) = delete;
  ProgressLog& operator=(const ProgressLog&) = delete;

  // Reports that work called what (e.g. "exec go mod download") started; returns its ticket.
  int Started(const std::string& what);
  // Reports how it ended: "0.14s", "CACHED", "FAILED 0.20s".
  void Finished(int ticket, const std::string& outcome);
  // Writes a line of its own ("host: " is not added).
  void Line(const std::string& line);

 private:
  // Writes text above the status line and draws the status line again (lock held).
  void Emit(const std::string& text);
  // The status line: what runs, for how long, cut to the terminal's width.
  std::string StatusLine() const;
  // Redraws the status line every tenth of a second while something runs.
  void Tick();

  std::ostream* out_;
  bool terminal_;
  int columns_;
  std::function<std::string(std::string_view)> redact_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  int next_ticket_ = 0;
  struct Running {
    std::string what;
    std::chrono::steady_clock::time_point since;
  };
  std::map<int, Running> running_;
  std::thread ticker_;  // only on a terminal, from the first Started
};

// One piece of work on a ProgressLog, from start (when made) to end: Finish(ok) reports its time,
// with "FAILED " in front when it failed; one destroyed unfinished (an early return) is reported
// as failed.
//   ProgressStep step(progress, "pull " + address);
//   ...
//   step.Finish(image.ok());
class ProgressStep {
 public:
  // Reports that what started.
  ProgressStep(ProgressLog& log, const std::string& what);
  // Finishes as failed unless finished already.
  ~ProgressStep();
  ProgressStep(const ProgressStep&) = delete;
  ProgressStep& operator=(const ProgressStep&) = delete;

  // Reports the end: "0.14s", or "FAILED 0.14s", or with why "FAILED (why) 0.14s". Only the
  // first call counts.
  void Finish(bool ok, std::string_view why = {});
  // Reports the end with an outcome of the caller's ("CACHED"). Only the first call counts.
  void FinishAs(const std::string& outcome);
  // The time since the start.
  std::chrono::steady_clock::duration elapsed() const;

 private:
  ProgressLog& log_;
  int ticket_;
  std::chrono::steady_clock::time_point started_;
  bool finished_ = false;
};

}  // namespace host

#endif  // HOST_TYPES_PROGRESS_H_
