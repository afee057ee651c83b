#include "core/base/size.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

namespace host {

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
    // Below 2^63 bytes (8 EiB): larger, infinite or NaN sizes do not convert to an integer.
    if (used > 0 && unit == name && number >= 0 && number * factor < 9.2e18) {
      return static_cast<uint64_t>(std::llround(number * factor));
    }
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
