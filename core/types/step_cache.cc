#include "core/types/step_cache.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "core/base/file_lock.h"

namespace host {
namespace fs = std::filesystem;
namespace {

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  return static_cast<bool>(out.flush());
}

}  // namespace

StepCache::StepCache(fs::path dir) : dir_(std::move(dir)) {}

fs::path StepCache::Folder(const std::string& key) const {
  std::string hex = key.substr(key.find(':') + 1);
  return dir_ / hex;
}

std::optional<CachedStep> StepCache::Find(const std::string& key) const {
  fs::path folder = Folder(key);
  std::error_code ec;
  if (!fs::exists(folder / "exit_code", ec)) return std::nullopt;  // written last
  CachedStep step;
  step.layer = folder / "layer";
  step.exit_code = std::atoi(ReadFile(folder / "exit_code").c_str());
  step.stdout_bytes = ReadFile(folder / "stdout");
  step.stderr_bytes = ReadFile(folder / "stderr");
  // Touch the folder: least recently used entries go first when the cache is pruned.
  fs::last_write_time(folder, fs::file_time_type::clock::now(), ec);
  return step;
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
  if (auto found = Find(key)) {  // another process ran it while we waited
    *cached = true;
    return *found;
  }
  // Build the entry beside its final place, then rename it in: a killed process leaves only a
  // temporary folder, never an entry that looks complete.
  fs::path tmp = fs::path(folder.string() + ".tmp" + std::to_string(getpid()));
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec)
    return Status::Failed("cannot write to the step cache " + dir_.string() + ": " + ec.message());
  Result<StepResult> result = run(tmp / "layer");
  if (!result.ok()) {
    fs::remove_all(tmp, ec);
    return result.status();
  }
  CachedStep step;
  step.exit_code = result->exit_code;
  step.stdout_bytes = scrub(result->stdout_bytes);
  step.stderr_bytes = scrub(result->stderr_bytes);
  if (!keep(*result)) {
    fs::remove_all(tmp, ec);
    step.layer.clear();
    return step;
  }
  if (!WriteFile(tmp / "stdout", step.stdout_bytes) ||
      !WriteFile(tmp / "stderr", step.stderr_bytes) ||
      !WriteFile(tmp / "exit_code", std::to_string(step.exit_code))) {
    fs::remove_all(tmp, ec);
    return Status::Failed("cannot write to the step cache " + dir_.string() +
                          " (is the disk full?); nothing was stored");
  }
  // No fsync: a process killed mid-step loses nothing already written (the page cache survives
  // it), and the rename below is what makes an entry count.
  fs::rename(tmp, folder, ec);
  if (ec) {
    fs::remove_all(tmp, ec);
    return Status::Failed("cannot store a step in " + dir_.string() + ": " + ec.message());
  }
  step.layer = folder / "layer";
  return step;
}

}  // namespace host
