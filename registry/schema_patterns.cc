#include "registry/schema_patterns.h"

#include "core/base/names.h"

namespace host {
namespace {

bool IsSha256Digest(std::string_view text) {
  constexpr std::string_view kPrefix = "sha256:";
  if (text.size() != kPrefix.size() + 64 || text.substr(0, kPrefix.size()) != kPrefix) return false;
  for (char c : text.substr(kPrefix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

struct KnownPattern {
  std::string_view pattern;
  PatternMatcher matches;
};

// Each pattern written exactly as module.json.schema spells it.
constexpr KnownPattern kKnownPatterns[] = {
    {"^[a-z][a-z0-9-]*$", HasModuleNameCharacters},
    {"^[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.-]+)?$", IsSemanticVersion},
    {"^sha256:[0-9a-f]{64}$", IsSha256Digest},
};

}  // namespace

PatternMatcher FindPatternMatcher(std::string_view pattern) {
  for (const KnownPattern& known : kKnownPatterns) {
    if (known.pattern == pattern) return known.matches;
  }
  return nullptr;
}

}  // namespace host
