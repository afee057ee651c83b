#include "registry/value_text.h"

#include <cerrno>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace host::cli {
namespace {

Result<v1::Value> ParseScalar(const std::string& text, const v1::TypeRef& type,
                              const TypeRegistry& registry, const std::string& flag) {
  v1::Value value;
  auto bad = [&](const std::string& expected) {
    return Status::Usage("argument " + flag + ": '" + text + "' is not " + expected);
  };
  switch (type.kind()) {
    case v1::TYPE_KIND_STRING:
      value.set_string_value(text);
      return value;
    case v1::TYPE_KIND_INT: {
      errno = 0;
      char* end = nullptr;
      long long n = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0') return bad("an integer (Int)");
      // The whole 64-bit range is an Int; whether a module's function takes all of it (a C++
      // `int` holds 32 bits) is for that function to say, as a failed call.
      if (errno == ERANGE) {
        return Status::Usage("argument " + flag + ": '" + text +
                             "' is beyond the range of an Int (64 bits: -9223372036854775808 to "
                             "9223372036854775807)");
      }
      value.set_int_value(n);
      return value;
    }
    case v1::TYPE_KIND_FLOAT: {
      char* end = nullptr;
      double d = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0') return bad("a number (Float)");
      value.set_float_value(d);
      return value;
    }
    case v1::TYPE_KIND_BOOLEAN:
      if (text == "true") {
        value.set_bool_value(true);
      } else if (text == "false") {
        value.set_bool_value(false);
      } else {
        return bad("true or false (Boolean)");
      }
      return value;
    case v1::TYPE_KIND_ENUM:
      value.set_enum_value(text);
      if (auto s = registry.CheckValue(value, type, "argument " + flag); !s.ok()) return s;
      return value;
    case v1::TYPE_KIND_OBJECT:
      return Status::Usage("argument " + flag + " takes a " + type.name() +
                           " object, which cannot be given on the command line; call a function "
                           "that makes one from another module instead");
    default:
      return Status::Usage("argument " + flag + " has a type the command line cannot give");
  }
}

// Splits comma-separated items; an item in double quotes may hold commas ("" is a quote).
Result<std::vector<std::string>> SplitItems(const std::string& text, const std::string& flag) {
  std::vector<std::string> items;
  size_t i = 0;
  while (true) {
    std::string item;
    if (i < text.size() && text[i] == '"') {
      for (++i;; ++i) {
        if (i >= text.size()) {
          return Status::Usage("argument " + flag + ": a quoted item is not closed in '" + text +
                               "'");
        }
        if (text[i] == '"' && i + 1 < text.size() && text[i + 1] == '"') {
          item += '"';
          ++i;
        } else if (text[i] == '"') {
          ++i;
          break;
        } else {
          item += text[i];
        }
      }
      if (i < text.size() && text[i] != ',') {
        return Status::Usage("argument " + flag + ": expected ',' after a quoted item in '" + text +
                             "'");
      }
    } else {
      size_t comma = text.find(',', i);
      item = text.substr(i, comma == std::string::npos ? std::string::npos : comma - i);
      i = comma == std::string::npos ? text.size() : comma;
    }
    items.push_back(std::move(item));
    if (i >= text.size()) break;
    ++i;  // the comma
  }
  return items;
}

// Whether a field of an object is internal state, not shown to callers.
bool IsInternalField(const TypeRegistry* registry, const std::string& type,
                     const std::string& field) {
  const ObjectInfo* info = registry == nullptr ? nullptr : registry->FindObject(type);
  if (info == nullptr) return false;
  for (const auto& f : info->def->fields()) {
    if (f.name() == field) return f.internal();
  }
  return false;
}

nlohmann::json ToJson(const v1::Value& value, const TypeRegistry* registry = nullptr) {
  switch (value.kind_case()) {
    case v1::Value::kStringValue:
      return value.string_value();
    case v1::Value::kIntValue:
      return value.int_value();
    case v1::Value::kFloatValue:
      return value.float_value();
    case v1::Value::kBoolValue:
      return value.bool_value();
    case v1::Value::kEnumValue:
      return value.enum_value();
    case v1::Value::kListValue: {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& item : value.list_value().items()) list.push_back(ToJson(item, registry));
      return list;
    }
    case v1::Value::kObjectValue: {
      nlohmann::json object = nlohmann::json::object();
      object["_type"] = value.object_value().type_name();
      object["_id"] = value.object_value().id();
      for (const auto& f : value.object_value().fields()) {
        if (IsInternalField(registry, value.object_value().type_name(), f.name())) continue;
        object[f.name()] = ToJson(f.value(), registry);
      }
      return object;
    }
    case v1::Value::KIND_NOT_SET:
      break;
  }
  return nullptr;
}

// JSON text of a value. Strings from modules and from the command line may hold bytes that are not
// UTF-8; they are shown as U+FFFD rather than failing the whole output.
std::string Dump(const nlohmann::json& json, int indent = -1) {
  return json.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ScalarText(const v1::Value& value) {
  switch (value.kind_case()) {
    case v1::Value::kStringValue:
      return value.string_value();
    case v1::Value::kIntValue:
      return std::to_string(value.int_value());
    case v1::Value::kFloatValue:
      return Dump(ToJson(value));
    case v1::Value::kBoolValue:
      return value.bool_value() ? "true" : "false";
    case v1::Value::kEnumValue:
      return value.enum_value();
    case v1::Value::kObjectValue:
      return value.object_value().type_name() + "@" + value.object_value().id();
    case v1::Value::kListValue:
      return Dump(ToJson(value));
    case v1::Value::KIND_NOT_SET:
      break;
  }
  return "";
}

}  // namespace

Result<v1::Value> ParseFlagValue(const std::vector<std::string>& texts, const v1::TypeRef& type,
                                 const TypeRegistry& registry, const std::string& flag) {
  if (type.kind() != v1::TYPE_KIND_LIST) {
    if (texts.size() > 1) return Status::Usage("argument " + flag + " is given more than once");
    return ParseScalar(texts.front(), type, registry, flag);
  }
  v1::Value list;
  auto* items = list.mutable_list_value();
  for (const auto& text : texts) {
    if (text.empty()) continue;
    Result<std::vector<std::string>> split = SplitItems(text, flag);
    if (!split.ok()) return split.status();
    for (const auto& item : *split) {
      Result<v1::Value> parsed = ParseScalar(item, type.element(), registry, flag);
      if (!parsed.ok()) return parsed.status();
      *items->add_items() = std::move(*parsed);
    }
  }
  return list;
}

std::string FormatText(const v1::Value& value) {
  std::string out;
  if (value.kind_case() == v1::Value::kListValue) {
    for (const auto& item : value.list_value().items()) out += ScalarText(item) + "\n";
    return out;
  }
  if (value.kind_case() == v1::Value::KIND_NOT_SET) return out;
  out = ScalarText(value);
  if (out.empty() || out.back() != '\n') out += "\n";
  return out;
}

std::string FormatJson(const v1::Value& value, const TypeRegistry& registry) {
  return Dump(ToJson(value, &registry), 2) + "\n";
}

std::string FormatDefault(const v1::Value& value) {
  if (value.kind_case() == v1::Value::kStringValue) return Dump(ToJson(value));
  if (value.kind_case() == v1::Value::kListValue) {
    std::string out;
    for (const auto& item : value.list_value().items()) {
      out += (out.empty() ? "" : ",") + ScalarText(item);
    }
    return out;
  }
  return ScalarText(value);
}

}  // namespace host::cli
