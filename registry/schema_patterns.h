// The `pattern`s of module.json.schema, matched by plain code: a backtracking regular expression
// engine (std::regex) recurses once per character and overflows the stack on long input.
#ifndef HOST_REGISTRY_SCHEMA_PATTERNS_H_
#define HOST_REGISTRY_SCHEMA_PATTERNS_H_

#include <string_view>

namespace host {

// Tells whether a string matches one pattern.
using PatternMatcher = bool (*)(std::string_view text);

// The matcher of a pattern the schema uses, or nullptr for a pattern this validator does not
// know (a schema that uses one is refused: see ValidateJson).
PatternMatcher FindPatternMatcher(std::string_view pattern);

}  // namespace host

#endif  // HOST_REGISTRY_SCHEMA_PATTERNS_H_
