// Reading hostile JSON without exceptions: a missing key or a value of the wrong type reads as
// empty, so a catalog that is not the documented shape never throws.
#ifndef HOST_CORE_INDEX_JSON_ACCESS_H_
#define HOST_CORE_INDEX_JSON_ACCESS_H_

#include <nlohmann/json.hpp>
#include <string>

namespace host::index {

// The member key of object j, or null when j is not an object or has no such member.
const nlohmann::json& Member(const nlohmann::json& j, const char* key);

// The string at j[key], or "" when it is missing or not a string.
std::string StringAt(const nlohmann::json& j, const char* key);

// The array at j[key], or an empty array when it is missing or not an array.
const nlohmann::json& ArrayAt(const nlohmann::json& j, const char* key);

// Whether j[key] is true.
bool BoolAt(const nlohmann::json& j, const char* key);

// The integer at j[key], or fallback when it is missing or not an integer.
long long IntAt(const nlohmann::json& j, const char* key, long long fallback);

// j as short JSON text for display: at most max_bytes (cut with "…"), nesting deeper than 16
// shown as "…", invalid UTF-8 replaced; never throws.
std::string ShortJson(const nlohmann::json& j, size_t max_bytes = 200);

// text cut to at most max_bytes on a UTF-8 boundary, with "…" appended when cut.
std::string Cut(const std::string& text, size_t max_bytes);

}  // namespace host::index

#endif  // HOST_CORE_INDEX_JSON_ACCESS_H_
