#include "core/types/step_cache.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <set>
#include <sstream>
#include <tuple>
#include <vector>

#include "core/base/best_effort.h"
#include "core/base/file_lock.h"
#include "core/base/file_write.h"
#include "core/base/sha256.h"
#include "core/base/store_size_index.h"
#include "core/base/unique_fd.h"
#include "core/base/warning.h"

namespace host {
namespace fs = std::filesystem;
namespace {

// The first line of a record: entries without it (stored by an older host, or damaged) are
// misses and are run again.
constexpr std::string_view kRecordFormat = "host step result 2";

// Reads a whole file; false when it cannot be opened or read. One read of the file's size (a
// stream's rdbuf copies a megabyte of stdout in ~15 ms, several times the cost of hashing it).
bool ReadFile(const fs::path& path, std::string* bytes) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.ok()) return false;
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  bytes->resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < bytes->size()) {
    ssize_t n = read(fd.get(), bytes->data() + done, bytes->size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  if (done != bytes->size()) return false;  // shorter than it said: changed while read
  return true;
}

// An integer written in full in text, with nothing around it.
template <class T>
std::optional<T> ParseInteger(std::string_view text) {
  T value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// How many entries a layer folder holds and how many bytes its regular files take: a cheap
// fingerprint that notices removed, added or truncated files.
struct LayerSize {
  uint64_t entries = 0;
  uint64_t bytes = 0;
  uint64_t disk_bytes = 0;  // st_blocks of every entry, a hard-linked file once; not recorded
};

bool MeasureLayer(const fs::path& layer, LayerSize* size) {
  std::set<std::pair<dev_t, ino_t>> seen;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(layer, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    struct stat st {};
    if (lstat(it->path().c_str(), &st) != 0) return false;
    ++size->entries;
    if (S_ISREG(st.st_mode)) size->bytes += static_cast<uint64_t>(st.st_size);
    if (S_ISDIR(st.st_mode) || st.st_nlink <= 1 || seen.insert({st.st_dev, st.st_ino}).second) {
      size->disk_bytes += DiskBytesOf(st);
    }
  }
  return !ec;
}

// "<sha256 hex> <size>" of an output.
std::string OutputLine(std::string_view bytes) {
  return Sha256Hex(bytes) + " " + std::to_string(bytes.size());
}

// The record of a step result: every line but the last, then "sum <sha256 of those lines>".
std::string MakeRecord(const std::string& hex, const CachedStep& step, const LayerSize& layer) {
  std::string body = std::string(kRecordFormat) + "\nkey " + hex + "\nexit_code " +
                     std::to_string(step.exit_code) + "\nstdout " + OutputLine(step.stdout_bytes) +
                     "\nstderr " + OutputLine(step.stderr_bytes) + "\nlayer " +
                     std::to_string(layer.entries) + " " + std::to_string(layer.bytes) + "\n";
  return body + "sum " + Sha256Hex(body) + "\n";
}

// Splits a record into its lines (without the newlines); false unless it ends with a newline.
bool SplitLines(std::string_view text, std::vector<std::string_view>* lines) {
  if (text.empty() || text.back() != '\n') return false;
  while (!text.empty()) {
    size_t end = text.find('\n');
    lines->push_back(text.substr(0, end));
    text.remove_prefix(end + 1);
  }
  return true;
}

// The value of a "name value" line, or nullopt when the line has another name.
std::optional<std::string_view> Field(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line.substr(0, name.size()) != name ||
      line[name.size()] != ' ') {
    return std::nullopt;
  }
  return line.substr(name.size() + 1);
}

// Removes an entry: renamed aside first, so that a reader finds the whole entry or nothing.
Status RemoveEntry(const fs::path& folder) {
  fs::path doomed = folder.string() + ".tmp" + std::to_string(getpid()) + "-corrupt";
  std::error_code ec;
  RemoveTreeBestEffort(doomed);
  fs::rename(folder, doomed, ec);
  if (ec && fs::exists(folder)) {
    return Status::Failed("cannot remove the corrupt step result " + folder.string() + ": " +
                          ec.message() + "; remove it by hand or run `host cache verify --repair`");
  }
  RemoveTreeBestEffort(doomed);  // aside already: a reader no longer finds it
  return {};
}

}  // namespace

StepEntryCheck InspectStepEntry(const fs::path& folder, bool deep) {
  StepEntryCheck check;
  std::error_code ec;
  struct stat st {};
  if (lstat(folder.c_str(), &st) != 0) return check;
  check.present = true;
  auto fail = [&](std::string problem) {
    check.problem = std::move(problem);
    return check;
  };
  if (!S_ISDIR(st.st_mode)) return fail("is not a folder");
  std::string record;
  if (!ReadFile(folder / "record", &record)) {
    check.old_format = fs::exists(folder / "exit_code", ec);
    return fail(check.old_format ? "has no integrity record (stored by an older host)"
                                 : "has no record (incomplete)");
  }
  std::vector<std::string_view> lines;
  if (!SplitLines(record, &lines) || lines.size() != 7 || lines[0] != kRecordFormat) {
    return fail("has a record that is not of the format \"" + std::string(kRecordFormat) + "\"");
  }
  const size_t body_size = record.size() - lines[6].size() - 1;
  std::optional<std::string_view> sum = Field(lines[6], "sum");
  if (!sum || *sum != Sha256Hex(std::string_view(record).substr(0, body_size))) {
    return fail("has a record whose checksum does not match (the record is damaged)");
  }
  std::optional<std::string_view> key = Field(lines[1], "key");
  if (!key || *key != folder.filename().string()) {
    return fail("has a record for another key (" + std::string(key.value_or("none")) + ")");
  }
  std::optional<std::string_view> code_field = Field(lines[2], "exit_code");
  std::optional<int> code = code_field ? ParseInteger<int>(*code_field) : std::nullopt;
  if (!code) return fail("has a record whose exit code is not a number");
  std::string code_text;
  if (!ReadFile(folder / "exit_code", &code_text)) return fail("has no exit_code file");
  std::optional<int> code_file = ParseInteger<int>(code_text);
  if (!code_file) return fail("has an exit_code file that is not a number");
  if (*code_file != *code) {
    return fail("has an exit_code file (" + code_text + ") that differs from its record (" +
                std::to_string(*code) + ")");
  }
  check.step.exit_code = *code;
  for (auto [name, line, bytes] : {std::tuple{"stdout", lines[3], &check.step.stdout_bytes},
                                   std::tuple{"stderr", lines[4], &check.step.stderr_bytes}}) {
    std::optional<std::string_view> expected = Field(line, name);
    if (!expected) return fail(std::string("has a record without the digest of ") + name);
    if (!ReadFile(folder / name, bytes)) return fail(std::string("has no ") + name + " file");
    if (*expected != OutputLine(*bytes)) {
      return fail(std::string("has a ") + name + " file that does not match its recorded digest");
    }
  }
  check.step.layer = folder / "layer";
  if (!fs::is_directory(check.step.layer, ec)) return fail("has no layer folder");
  std::optional<std::string_view> layer_field = Field(lines[5], "layer");
  if (!layer_field) return fail("has a record without the layer's size");
  if (deep) {
    LayerSize size;
    if (!MeasureLayer(check.step.layer, &size)) return fail("has a layer that cannot be read");
    if (*layer_field != std::to_string(size.entries) + " " + std::to_string(size.bytes)) {
      return fail("has a layer of " + std::to_string(size.entries) + " entries and " +
                  std::to_string(size.bytes) + " bytes where " + std::string(*layer_field) +
                  " were stored");
    }
  }
  return check;
}

StepCache::StepCache(fs::path dir) : dir_(std::move(dir)) {}

fs::path StepCache::Folder(const std::string& key) const {
  std::string hex = key.substr(key.find(':') + 1);
  return dir_ / hex;
}

std::optional<CachedStep> StepCache::Find(const std::string& key) const {
  fs::path folder = Folder(key);
  StepEntryCheck check = InspectStepEntry(folder, /*deep=*/false);
  if (!check.present || !check.problem.empty()) return std::nullopt;
  // Touch the folder: least recently used entries go first when the cache is pruned.
  std::error_code ec;
  fs::last_write_time(folder, fs::file_time_type::clock::now(), ec);
  return std::move(check.step);
}

Result<CachedStep> StepCache::GetOrRun(
    const std::string& key, const std::function<Result<StepResult>(const fs::path&)>& run,
    const std::function<bool(const StepResult&)>& keep,
    const std::function<std::string(std::string_view)>& scrub, bool* cached) {
  *cached = false;
  if (auto found = Find(key)) {
    *cached = true;
    return *found;
  }
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec)
    return Status::Failed("cannot create the step cache " + dir_.string() + ": " + ec.message());
  fs::path folder = Folder(key);
  Result<FileLock> lock = FileLock::Acquire(folder.string() + ".lock");
  if (!lock.ok()) return lock.status();
  // Another process may have run it while we waited; a damaged entry is replaced (under the lock,
  // so that it is reported and removed once).
  StepEntryCheck check = InspectStepEntry(folder, /*deep=*/false);
  if (check.present && check.problem.empty()) {
    *cached = true;
    fs::last_write_time(folder, fs::file_time_type::clock::now(), ec);
    return std::move(check.step);
  }
  if (check.present && !check.old_format) {  // an older host's entry is replaced quietly
    Warn("the stored result of step " + key + " (" + folder.string() + ") " + check.problem +
         "; running the step again");
  }
  if (check.present) {
    if (Status s = RemoveEntry(folder); !s.ok()) return s;
  }
  // Build the entry beside its final place, then rename it in: a killed process leaves only a
  // temporary folder, never an entry that looks complete.
  fs::path tmp = fs::path(folder.string() + ".tmp" + std::to_string(getpid()));
  RemoveTreeBestEffort(tmp);  // a leftover of a killed process with our pid
  fs::create_directories(tmp, ec);
  if (ec) {
    return Status::Failed("cannot write to the step cache " + dir_.string() + ": " +
                          WriteErrorText(ec.value()));
  }
  Result<StepResult> result = run(tmp / "layer");
  if (!result.ok()) {
    RemoveTreeBestEffort(tmp);
    return result.status();
  }
  CachedStep step;
  step.exit_code = result->exit_code;
  step.stdout_bytes = scrub(result->stdout_bytes);
  step.stderr_bytes = scrub(result->stderr_bytes);
  if (!keep(*result)) {
    RemoveTreeBestEffort(tmp);
    step.layer.clear();
    return step;
  }
  // Every file of the entry is checked: a step result that was not written whole is not stored.
  auto discard = [&](const Status& why) {
    RemoveTreeBestEffort(tmp);
    return why.Prefixed("cannot store the result of step " + key + ": ");
  };
  fs::create_directories(tmp / "layer", ec);  // a step that wrote nothing has an empty layer
  if (ec) return discard(Status::Failed(tmp.string() + "/layer: " + WriteErrorText(ec.value())));
  LayerSize layer;
  if (!MeasureLayer(tmp / "layer", &layer)) {
    return discard(Status::Failed("cannot read its layer " + (tmp / "layer").string()));
  }
  const std::string exit_code = std::to_string(step.exit_code);
  const std::string record = MakeRecord(folder.filename().string(), step, layer);
  for (const auto& [name, bytes] :
       {std::pair<const char*, std::string_view>{"stdout", step.stdout_bytes},
        {"stderr", step.stderr_bytes},
        {"exit_code", exit_code},
        {"record", record}}) {
    if (Status s = WriteWholeFile(tmp / name, bytes); !s.ok()) return discard(s);
  }
  // No fsync: a process killed mid-step loses nothing already written (the page cache survives
  // it), and the rename below is what makes an entry count. After a power loss, an entry whose
  // files did not reach the disk fails its checks and is run again.
  fs::rename(tmp, folder, ec);
  if (ec) {
    RemoveTreeBestEffort(tmp);
    return Status::Failed("cannot store a step in " + dir_.string() + ": " +
                          WriteErrorText(ec.value()));
  }
  // The entry's bytes: its layer, measured above, and the folders and files written here.
  uint64_t bytes = layer.disk_bytes + FileDiskBytes(folder) + FileDiskBytes(folder / "layer");
  for (const char* name : {"stdout", "stderr", "exit_code", "record"}) {
    bytes += FileDiskBytes(folder / name);
  }
  RecordStoreEntry(dir_.parent_path(), "steps", bytes);
  step.layer = folder / "layer";
  return step;
}

}  // namespace host
