#include "registry/json_schema.h"

#include <algorithm>

#include "registry/schema_patterns.h"

namespace host {
namespace {

using nlohmann::json;

// RFC 6901 escaping of one pointer token.
std::string Escape(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// A string value as an error message shows it: JSON-quoted, and cut after 64 bytes (a 30 KB
// name must not make a 30 KB message).
std::string Quote(const std::string& s) {
  constexpr size_t kShown = 64;
  if (s.size() <= kShown) return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
  size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) --cut;  // UTF-8 boundary
  return json(s.substr(0, cut)).dump(-1, ' ', false, json::error_handler_t::replace) + "... (" +
         std::to_string(s.size()) + " bytes)";
}

// The length of a string as JSON Schema counts it: in characters (code points), not bytes.
size_t CodePoints(const std::string& s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

bool HasType(const json& value, const std::string& type) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "integer") return value.is_number_integer();
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  return false;
}

class Validator {
 public:
  explicit Validator(const json& root) : root_(root) {}

  void Check(const json& value, const json& schema, const std::string& pointer) {
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) Add(pointer, "is not allowed here");
      return;
    }
    if (!schema.is_object()) return;
    if (auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string()) {
      const std::string& target = ref->get_ref<const std::string&>();
      if (target.rfind("#", 0) == 0) {
        Check(value, root_.at(json::json_pointer(target.substr(1))), pointer);
      }
    }
    if (auto type = schema.find("type"); type != schema.end()) {
      bool ok = false;
      if (type->is_string()) {
        ok = HasType(value, type->get<std::string>());
      } else {
        for (const auto& t : *type) ok = ok || HasType(value, t.get<std::string>());
      }
      if (!ok) {
        Add(pointer,
            "must be of type " + (type->is_string() ? type->get<std::string>() : type->dump()));
        return;
      }
    }
    if (auto e = schema.find("enum"); e != schema.end()) {
      bool found = std::find(e->begin(), e->end(), value) != e->end();
      if (!found) Add(pointer, "must be one of " + e->dump());
    }
    if (auto c = schema.find("const"); c != schema.end() && *c != value) {
      Add(pointer, "must be " + c->dump());
    }
    if (value.is_number()) CheckNumber(value.get<double>(), schema, pointer);
    if (value.is_string()) CheckString(value.get_ref<const std::string&>(), schema, pointer);
    if (value.is_object()) CheckObject(value, schema, pointer);
    if (value.is_array()) CheckArray(value, schema, pointer);
  }

  std::vector<SchemaViolation> violations;

 private:
  void Add(const std::string& pointer, std::string message) {
    violations.push_back({pointer, std::move(message)});
  }

  void CheckNumber(double number, const json& schema, const std::string& pointer) {
    if (auto min = schema.find("minimum"); min != schema.end() && number < min->get<double>()) {
      Add(pointer, "must be at least " + min->dump());
    }
    if (auto min = schema.find("exclusiveMinimum");
        min != schema.end() && number <= min->get<double>()) {
      Add(pointer, "must be above " + min->dump());
    }
    if (auto max = schema.find("maximum"); max != schema.end() && number > max->get<double>()) {
      Add(pointer, "must be at most " + max->dump());
    }
  }

  void CheckString(const std::string& s, const json& schema, const std::string& pointer) {
    if (auto min = schema.find("minLength"); min != schema.end() && s.size() < min->get<size_t>()) {
      Add(pointer, "must not be empty");
    }
    if (auto max = schema.find("maxLength"); max != schema.end()) {
      if (size_t length = CodePoints(s); length > max->get<size_t>()) {
        Add(pointer, "is " + std::to_string(length) + " characters long; at most " + max->dump() +
                         " are allowed");
        return;  // the pattern's message would only repeat the value
      }
    }
    if (auto pattern = schema.find("pattern"); pattern != schema.end()) {
      const std::string& p = pattern->get_ref<const std::string&>();
      PatternMatcher matches = FindPatternMatcher(p);
      if (matches == nullptr) {
        Add(pointer, "cannot be checked: the schema's pattern " + p +
                         " is not one this validator knows (registry/schema_patterns.cc)");
      } else if (!matches(s)) {
        Add(pointer, Quote(s) + " does not match the pattern " + p);
      }
    }
  }

  void CheckObject(const json& value, const json& schema, const std::string& pointer) {
    if (auto required = schema.find("required"); required != schema.end()) {
      for (const auto& name : *required) {
        if (!value.contains(name.get<std::string>())) {
          Add(pointer + "/" + Escape(name.get<std::string>()), "is required but missing");
        }
      }
    }
    const json* properties = nullptr;
    if (auto p = schema.find("properties"); p != schema.end()) properties = &*p;
    auto additional = schema.find("additionalProperties");
    for (const auto& [name, item] : value.items()) {
      std::string item_pointer = pointer + "/" + Escape(name);
      if (properties && properties->contains(name)) {
        Check(item, properties->at(name), item_pointer);
      } else if (additional != schema.end()) {
        if (additional->is_boolean() && !additional->get<bool>()) {
          Add(item_pointer, "is not a known property");
        } else {
          Check(item, *additional, item_pointer);
        }
      }
    }
  }

  void CheckArray(const json& value, const json& schema, const std::string& pointer) {
    if (auto min = schema.find("minItems");
        min != schema.end() && value.size() < min->get<size_t>()) {
      Add(pointer, "must have at least " + min->dump() + " item(s)");
    }
    if (auto items = schema.find("items"); items != schema.end()) {
      for (size_t i = 0; i < value.size(); ++i) {
        Check(value[i], *items, pointer + "/" + std::to_string(i));
      }
    }
  }

  const json& root_;
};

}  // namespace

std::vector<SchemaViolation> ValidateJson(const nlohmann::json& document,
                                          const nlohmann::json& schema) {
  Validator validator(schema);
  validator.Check(document, schema, "");
  return validator.violations;
}

}  // namespace host
