// Problems, ParallelFor, text checks and version tags of the crawler (core/index/crawl_parts.h).
#include "core/index/crawl_parts.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>

namespace host::index {
using nlohmann::json;

void Problems::Add(std::string text) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (list_.size() >= cap_) {
    ++dropped_;
    return;
  }
  list_.push_back(ValidUtf8(text.substr(0, 2000)));
}

json Problems::ToJson() const {
  std::lock_guard<std::mutex> lock(mutex_);
  json out = json::array();
  for (const std::string& problem : list_) out.push_back(problem);
  if (dropped_ > 0) out.push_back("... and " + std::to_string(dropped_) + " more problems");
  return out;
}

void ParallelFor(size_t count, int parallel, const std::function<void(size_t)>& work,
                 const std::function<void(size_t, const std::string&)>& on_error) {
  std::atomic<size_t> next{0};
  auto run = [&] {
    for (size_t i = next++; i < count; i = next++) {
      try {
        work(i);
      } catch (const std::exception& e) {
        on_error(i, e.what());
      } catch (...) {
        on_error(i, "an unknown error");
      }
    }
  };
  const size_t threads = std::min<size_t>(count, static_cast<size_t>(std::max(parallel, 1)));
  if (threads <= 1) {
    run();
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (size_t t = 0; t + 1 < threads; ++t) pool.emplace_back(run);
  run();
  for (std::thread& thread : pool) thread.join();
}

std::string ValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    uint32_t min = 0;
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      length = 2;
      min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      length = 3;
      min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      length = 4;
      min = 0x10000;
    }
    bool ok = length > 0 && i + length <= text.size();
    uint32_t code = length > 0 ? c & (0xff >> (length + 1)) : 0;
    for (size_t k = 1; ok && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) ok = false;
      code = (code << 6) | (next & 0x3f);
    }
    if (ok && (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))) ok = false;
    if (ok) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += "\xef\xbf\xbd";
      ++i;
    }
  }
  return out;
}

bool NestingAtMost(const json& value, size_t max_depth) {
  std::vector<std::pair<const json*, size_t>> pending = {{&value, 1}};
  while (!pending.empty()) {
    auto [node, depth] = pending.back();
    pending.pop_back();
    if (!node->is_structured()) continue;
    if (depth > max_depth) return false;
    for (const json& child : *node) pending.push_back({&child, depth + 1});
  }
  return true;
}

bool IsRfc3339(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  auto digits = [&](size_t at, size_t count) {
    if (at + count > text.size()) return false;
    for (size_t i = at; i < at + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
    }
    return true;
  };
  if (text.size() > 40 || !digits(0, 4) || text.size() < 20 || text[4] != '-' || !digits(5, 2) ||
      text[7] != '-' || !digits(8, 2) || (text[10] != 'T' && text[10] != 't') || !digits(11, 2) ||
      text[13] != ':' || !digits(14, 2) || text[16] != ':' || !digits(17, 2)) {
    return false;
  }
  size_t at = 19;
  if (at < text.size() && text[at] == '.') {
    ++at;
    const size_t start = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
    if (at == start) return false;
  }
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) return at + 1 == text.size();
  return at + 6 == text.size() && (text[at] == '+' || text[at] == '-') && digits(at + 1, 2) &&
         text[at + 3] == ':' && digits(at + 4, 2);
}

namespace {

// A decimal number without a sign or leading zeros (semver's numeric identifier), at most 18
// digits.
std::optional<uint64_t> Numeric(std::string_view text) {
  if (text.empty() || text.size() > 18 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

// The dot-separated identifiers of a pre-release.
std::vector<std::string_view> Identifiers(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t dot = text.find('.', start);
    out.push_back(text.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) return out;
    start = dot + 1;
  }
}

}  // namespace

std::optional<VersionTag> ParseVersionTag(std::string_view tag) {
  if (!tag.empty() && tag[0] == 'v') tag.remove_prefix(1);
  VersionTag out;
  out.version = std::string(tag);
  std::string_view core = tag;
  if (const size_t dash = tag.find('-'); dash != std::string_view::npos) {
    core = tag.substr(0, dash);
    out.prerelease = std::string(tag.substr(dash + 1));
    for (std::string_view id : Identifiers(out.prerelease)) {
      if (id.empty()) return std::nullopt;
      bool all_digits = true;
      for (char c : id) {
        const bool alnum =
            (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
        if (!alnum) return std::nullopt;
        all_digits = all_digits && c >= '0' && c <= '9';
      }
      if (all_digits && !Numeric(id)) return std::nullopt;
    }
  }
  const std::vector<std::string_view> parts = Identifiers(core);
  if (parts.size() != 3) return std::nullopt;
  std::optional<uint64_t> major = Numeric(parts[0]), minor = Numeric(parts[1]),
                          patch = Numeric(parts[2]);
  if (!major || !minor || !patch) return std::nullopt;
  out.major = *major;
  out.minor = *minor;
  out.patch = *patch;
  return out;
}

bool NewerThan(const VersionTag& a, const VersionTag& b) {
  if (a.major != b.major) return a.major > b.major;
  if (a.minor != b.minor) return a.minor > b.minor;
  if (a.patch != b.patch) return a.patch > b.patch;
  if (a.prerelease.empty() || b.prerelease.empty()) {
    return a.prerelease.empty() && !b.prerelease.empty();  // a release is newer
  }
  const std::vector<std::string_view> x = Identifiers(a.prerelease), y = Identifiers(b.prerelease);
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
    const std::optional<uint64_t> nx = Numeric(x[i]), ny = Numeric(y[i]);
    if (nx && ny) {
      if (*nx != *ny) return *nx > *ny;
    } else if (nx || ny) {
      return !nx;  // alphanumeric identifiers are newer than numeric ones
    } else if (x[i] != y[i]) {
      return x[i] > y[i];
    }
  }
  return x.size() > y.size();
}

}  // namespace host::index
