// Validates JSON documents against a JSON Schema (draft 2020-12), for the keywords module.json's
// schema uses: type, properties, required, additionalProperties, items, enum, const, pattern,
// minLength, maxLength, minimum, exclusiveMinimum, maximum, minItems and local $ref. Unknown
// keywords are ignored, as the specification asks; a `pattern` must be one registry/
// schema_patterns.cc knows (patterns are matched by plain code, never by a regex engine).
#ifndef HOST_REGISTRY_JSON_SCHEMA_H_
#define HOST_REGISTRY_JSON_SCHEMA_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace host {

// One reason a document does not match its schema.
struct SchemaViolation {
  std::string pointer;  // JSON pointer of the offending value ("" is the whole document)
  std::string message;  // what is wrong with it
};

// Returns every violation of schema by document; empty when it matches.
std::vector<SchemaViolation> ValidateJson(const nlohmann::json& document,
                                          const nlohmann::json& schema);

}  // namespace host

#endif  // HOST_REGISTRY_JSON_SCHEMA_H_
