#include "core/base/names.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace host {

std::string KebabCase(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 4);
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '_' || c == '-') {
      if (!out.empty() && out.back() != '-') out += '-';
      continue;
    }
    if (std::isupper(static_cast<unsigned char>(c))) {
      bool after_lower = i > 0 && (std::islower(static_cast<unsigned char>(name[i - 1])) ||
                                   std::isdigit(static_cast<unsigned char>(name[i - 1])));
      bool before_lower = i + 1 < name.size() && i > 0 &&
                          std::isupper(static_cast<unsigned char>(name[i - 1])) &&
                          std::islower(static_cast<unsigned char>(name[i + 1]));
      if ((after_lower || before_lower) && !out.empty() && out.back() != '-') out += '-';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string SnakeCase(std::string_view name) {
  std::string out = KebabCase(name);
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

std::string PascalCase(std::string_view name) {
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

namespace {

bool IsLowerAlpha(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsLowerAlpha(c) || IsDigit(c) || (c >= 'A' && c <= 'Z'); }

// Consumes one or more digits from *text; false when there is none.
bool TakeDigits(std::string_view* text) {
  size_t n = 0;
  while (n < text->size() && IsDigit((*text)[n])) ++n;
  text->remove_prefix(n);
  return n > 0;
}

}  // namespace

bool HasModuleNameCharacters(std::string_view name) {
  if (name.empty() || !IsLowerAlpha(name[0])) return false;
  for (char c : name) {
    if (!IsLowerAlpha(c) && !IsDigit(c) && c != '-') return false;
  }
  return true;
}

bool IsModuleName(std::string_view name) {
  return name.size() <= kMaxModuleNameLength && HasModuleNameCharacters(name);
}

bool IsSemanticVersion(std::string_view version) {
  for (int part = 0; part < 3; ++part) {
    if (part > 0) {
      if (version.empty() || version[0] != '.') return false;
      version.remove_prefix(1);
    }
    if (!TakeDigits(&version)) return false;
  }
  if (version.empty()) return true;
  if (version[0] != '-' && version[0] != '+') return false;
  version.remove_prefix(1);
  if (version.empty()) return false;
  for (char c : version) {
    if (!IsAlnum(c) && c != '.' && c != '-') return false;
  }
  return true;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace host
