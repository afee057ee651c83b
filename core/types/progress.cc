#include "core/types/progress.h"

#include <cstdio>

namespace host {

namespace {
constexpr const char* kClearLine = "\r\033[K";
}  // namespace

std::string FormatSeconds(std::chrono::steady_clock::duration duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2fs", std::chrono::duration<double>(duration).count());
  return text;
}

ProgressLog::ProgressLog(std::ostream* out, bool terminal, int columns,
                         std::function<std::string(std::string_view)> redact)
    : out_(out),
      terminal_(terminal && out != nullptr),
      columns_(columns),
      redact_(std::move(redact)) {}

ProgressLog::~ProgressLog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  if (terminal_ && !running_.empty()) *out_ << kClearLine << std::flush;
}

int ProgressLog::Started(const std::string& what) {
  std::lock_guard lock(mutex_);
  const int ticket = next_ticket_++;
  running_[ticket] = {redact_(what), std::chrono::steady_clock::now()};
  if (out_ == nullptr) return ticket;
  if (terminal_) {
    if (!ticker_.joinable()) ticker_ = std::thread([this] { Tick(); });
    Emit("");
  } else {
    Emit("host: " + running_[ticket].what + "\n");
  }
  return ticket;
}

void ProgressLog::Finished(int ticket, const std::string& outcome) {
  std::lock_guard lock(mutex_);
  auto found = running_.find(ticket);
  if (found == running_.end()) return;
  const std::string what = std::move(found->second.what);
  running_.erase(found);
  if (out_ != nullptr) Emit("host: " + what + " " + redact_(outcome) + "\n");
}

void ProgressLog::Line(const std::string& line) {
  std::lock_guard lock(mutex_);
  if (out_ != nullptr) Emit(redact_(line) + "\n");
}

void ProgressLog::Emit(const std::string& text) {
  if (!terminal_) {
    *out_ << text << std::flush;
    return;
  }
  *out_ << kClearLine << text << StatusLine() << std::flush;
}

std::string ProgressLog::StatusLine() const {
  if (running_.empty()) return "";
  const auto now = std::chrono::steady_clock::now();
  std::string line = "host: running";
  for (const auto& [ticket, r] : running_) {
    const double seconds = std::chrono::duration<double>(now - r.since).count();
    char elapsed[32];
    std::snprintf(elapsed, sizeof elapsed, " (%.1fs)", seconds);
    line += (ticket == running_.begin()->first ? " " : ", ") + r.what + elapsed;
  }
  const size_t width = columns_ > 4 ? static_cast<size_t>(columns_ - 1) : 79;
  if (line.size() > width) line = line.substr(0, width - 3) + "...";
  return line;
}

void ProgressLog::Tick() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(100));
    if (!stopping_ && !running_.empty()) *out_ << kClearLine << StatusLine() << std::flush;
  }
}

ProgressStep::ProgressStep(ProgressLog& log, const std::string& what)
    : log_(log), ticket_(log.Started(what)), started_(std::chrono::steady_clock::now()) {}

ProgressStep::~ProgressStep() { Finish(false); }

void ProgressStep::Finish(bool ok, std::string_view why) {
  std::string outcome = FormatSeconds(elapsed());
  if (!ok) outcome = (why.empty() ? "FAILED " : "FAILED (" + std::string(why) + ") ") + outcome;
  FinishAs(outcome);
}

void ProgressStep::FinishAs(const std::string& outcome) {
  if (finished_) return;
  finished_ = true;
  log_.Finished(ticket_, outcome);
}

std::chrono::steady_clock::duration ProgressStep::elapsed() const {
  return std::chrono::steady_clock::now() - started_;
}

}  // namespace host
