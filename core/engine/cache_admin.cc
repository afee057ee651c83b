#include "core/engine/cache_admin.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace host {
namespace fs = std::filesystem;
namespace {

// The prunable stores: where their entries are.
const std::vector<std::pair<std::string, std::string>> kStores = {{"steps", "steps"},
                                                                  {"snapshots", "snapshots"},
                                                                  {"derived", "derived"},
                                                                  {"layers", "layers"},
                                                                  {"blobs", "blobs/sha256"}};

bool IsTemporaryOrLock(const std::string& name) {
  return name.find(".tmp") != std::string::npos || name.rfind("tmp", 0) == 0 ||
         (name.size() > 5 && name.substr(name.size() - 5) == ".lock");
}

// Bytes on disk under path; files already in seen (hard links) are not counted again.
uint64_t DiskBytes(const fs::path& path, std::set<std::pair<dev_t, ino_t>>* seen) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return 0;
  uint64_t total = 0;
  if (seen->insert({st.st_dev, st.st_ino}).second)
    total += static_cast<uint64_t>(st.st_blocks) * 512;
  if (S_ISDIR(st.st_mode)) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(path, ec)) total += DiskBytes(e.path(), seen);
  }
  return total;
}

}  // namespace

std::vector<StoreUsage> CacheUsage(const fs::path& state) {
  std::vector<StoreUsage> usage;
  std::set<std::pair<dev_t, ino_t>> seen;
  auto stores = kStores;
  stores.emplace_back("caches", "caches");
  for (const auto& [name, dir] : stores) {
    StoreUsage u{name, 0, 0};
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(state / dir, ec)) {
      if (IsTemporaryOrLock(e.path().filename().string())) continue;
      u.bytes += DiskBytes(e.path(), &seen);
      ++u.entries;
    }
    usage.push_back(u);
  }
  return usage;
}

Result<uint64_t> PruneCache(const fs::path& state, uint64_t keep_bytes, size_t* removed) {
  struct Entry {
    fs::path path;
    fs::file_time_type used;
    uint64_t bytes;
  };
  std::vector<Entry> entries;
  std::set<std::pair<dev_t, ino_t>> seen;
  uint64_t total = 0;
  for (const auto& [name, dir] : kStores) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(state / dir, ec)) {
      if (IsTemporaryOrLock(e.path().filename().string())) continue;
      Entry entry{e.path(), fs::last_write_time(e.path(), ec), DiskBytes(e.path(), &seen)};
      total += entry.bytes;
      entries.push_back(entry);
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.used < b.used; });
  uint64_t freed = 0;
  *removed = 0;
  for (const auto& entry : entries) {
    if (total - freed <= keep_bytes) break;
    // Rename first: a reader either finds the whole entry or nothing.
    fs::path doomed = entry.path.string() + ".tmp" + std::to_string(getpid());
    std::error_code ec;
    fs::rename(entry.path, doomed, ec);
    if (ec) continue;
    fs::remove_all(doomed, ec);
    if (ec) return Status::Failed("cannot remove " + doomed.string() + ": " + ec.message());
    freed += entry.bytes;
    ++*removed;
  }
  return freed;
}

Result<uint64_t> ParseSize(const std::string& text) {
  size_t used = 0;
  double number = 0;
  try {
    number = std::stod(text, &used);
  } catch (...) {
    used = 0;
  }
  std::string unit = text.substr(used);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  static const std::vector<std::pair<std::string, double>> kUnits = {
      {"", 1},      {"B", 1},        {"KB", 1e3},        {"MB", 1e6},           {"GB", 1e9},
      {"TB", 1e12}, {"KIB", 1024.0}, {"MIB", 1048576.0}, {"GIB", 1073741824.0}, {"K", 1e3},
      {"M", 1e6},   {"G", 1e9}};
  for (const auto& [name, factor] : kUnits) {
    if (used > 0 && unit == name && number >= 0)
      return static_cast<uint64_t>(std::llround(number * factor));
  }
  return Status::Usage("'" + text + "' is not a size: write for example 500MB, 2GB or 1.5GiB");
}

std::string FormatSize(uint64_t bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1000 && unit < 4) {
    value /= 1000;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return buf;
}

}  // namespace host
