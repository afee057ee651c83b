#include "core/index/json_access.h"

namespace host::index {

namespace {

const nlohmann::json& Null() {
  static const nlohmann::json null_value;
  return null_value;
}

const nlohmann::json& EmptyArray() {
  static const nlohmann::json empty = nlohmann::json::array();
  return empty;
}

// Whether j nests deeper than limit (recursion bounded by limit).
bool DeeperThan(const nlohmann::json& j, int limit) {
  if (!j.is_structured()) return false;
  if (limit <= 0) return true;
  for (const auto& child : j) {
    if (DeeperThan(child, limit - 1)) return true;
  }
  return false;
}

}  // namespace

const nlohmann::json& Member(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return Null();
  auto it = j.find(key);
  return it == j.end() ? Null() : *it;
}

std::string StringAt(const nlohmann::json& j, const char* key) {
  const nlohmann::json& value = Member(j, key);
  return value.is_string() ? value.get_ref<const std::string&>() : std::string();
}

const nlohmann::json& ArrayAt(const nlohmann::json& j, const char* key) {
  const nlohmann::json& value = Member(j, key);
  return value.is_array() ? value : EmptyArray();
}

bool BoolAt(const nlohmann::json& j, const char* key) {
  const nlohmann::json& value = Member(j, key);
  return value.is_boolean() && value.get<bool>();
}

long long IntAt(const nlohmann::json& j, const char* key, long long fallback) {
  const nlohmann::json& value = Member(j, key);
  if (value.is_number_integer()) return value.get<long long>();
  if (value.is_number_unsigned()) {
    unsigned long long u = value.get<unsigned long long>();
    return u > 1000000000ULL ? fallback : static_cast<long long>(u);
  }
  return fallback;
}

std::string Cut(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "…";
}

std::string ShortJson(const nlohmann::json& j, size_t max_bytes) {
  if (DeeperThan(j, 16)) return "…";
  std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return Cut(text, max_bytes);
}

}  // namespace host::index
