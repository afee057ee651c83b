#include "registry/json_schema.h"

#include <regex>

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
    if (value.is_string()) CheckString(value.get_ref<const std::string&>(), schema, pointer);
    if (value.is_object()) CheckObject(value, schema, pointer);
    if (value.is_array()) CheckArray(value, schema, pointer);
  }

  std::vector<SchemaViolation> violations;

 private:
  void Add(const std::string& pointer, std::string message) {
    violations.push_back({pointer, std::move(message)});
  }

  void CheckString(const std::string& s, const json& schema, const std::string& pointer) {
    if (auto min = schema.find("minLength"); min != schema.end() && s.size() < min->get<size_t>()) {
      Add(pointer, "must not be empty");
    }
    if (auto pattern = schema.find("pattern"); pattern != schema.end()) {
      const std::string& p = pattern->get_ref<const std::string&>();
      if (!std::regex_search(s, std::regex(p, std::regex::ECMAScript))) {
        Add(pointer, "\"" + s + "\" does not match the pattern " + p);
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
