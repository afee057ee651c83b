// The API difference between two versions of a module, computed from their schema JSONs
// (docs/embedding.md, "The schema JSON"): objects, constructors, fields, functions, arguments and
// enums added, removed and changed. Pure logic; both schemas are untrusted.
#ifndef HOST_CORE_INDEX_API_DIFF_H_
#define HOST_CORE_INDEX_API_DIFF_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace host::index {

// One difference: what it is about ("function Pulumi.preview", "argument Pulumi.preview --src")
// and, for a change, what changed ("type String → String?").
struct ApiChange {
  std::string subject;  // the kind and dotted name of the thing
  std::string detail;   // for changes: what changed, before → after; "" otherwise
  bool operator==(const ApiChange&) const = default;
};

// Everything that differs from one schema to the next.
struct ApiDiff {
  std::vector<ApiChange> added;    // objects, fields, functions, arguments, enums, enum values
  std::vector<ApiChange> removed;  // the same, gone in the newer schema
  std::vector<ApiChange> changed;  // types, defaults, optional/required, return types
  std::vector<ApiChange> minor;    // description changes
  // Whether the two schemas describe the same API.
  bool empty() const {
    return added.empty() && removed.empty() && changed.empty() && minor.empty();
  }
};

// Caps on what a diff reads from an untrusted schema; anything beyond is ignored.
inline constexpr size_t kMaxDiffObjects = 500;
inline constexpr size_t kMaxDiffMembers = 2000;  // fields or functions of one object
inline constexpr size_t kMaxDiffArguments = 200;
inline constexpr size_t kMaxDiffEnumValues = 1000;

// The difference from the schema `from` (older) to `to` (newer); a schema that is null or not the
// documented shape reads as empty.
ApiDiff DiffSchemas(const nlohmann::json& from, const nlohmann::json& to);

// Whether an argument must be given: it has no default and its type does not end in "?".
bool IsRequiredArgument(const nlohmann::json& argument);

}  // namespace host::index

#endif  // HOST_CORE_INDEX_API_DIFF_H_
