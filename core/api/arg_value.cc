#include "core/api/arg_value.h"

#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "core/api/handles.h"
#include "core/engine/core_object_text.h"
#include "registry/value_text.h"

namespace host::api {
namespace {

// A JSON value as a Value of type.
Result<v1::Value> FromJson(const nlohmann::json& json, const v1::TypeRef& type,
                           const TypeRegistry& registry, const std::string& what) {
  v1::Value value;
  auto bad = [&] {
    return Status::Usage(what + ": " + json.dump() + " is not " +
                         (type.optional() ? "null or " : "") + "a " + TypeRegistry::TypeName(type));
  };
  if (json.is_null()) {
    if (!type.optional()) return bad();
    return value;
  }
  switch (type.kind()) {
    case v1::TYPE_KIND_STRING:
      if (!json.is_string()) return bad();
      value.set_string_value(json.get<std::string>());
      return value;
    case v1::TYPE_KIND_INT:
      if (!json.is_number_integer()) return bad();
      if (json.is_number_unsigned() && json.get<uint64_t>() > INT64_MAX) return bad();
      value.set_int_value(json.get<int64_t>());
      return value;
    case v1::TYPE_KIND_FLOAT:
      if (!json.is_number()) return bad();
      value.set_float_value(json.get<double>());
      return value;
    case v1::TYPE_KIND_BOOLEAN:
      if (!json.is_boolean()) return bad();
      value.set_bool_value(json.get<bool>());
      return value;
    case v1::TYPE_KIND_ENUM:
      if (!json.is_string()) return bad();
      value.set_enum_value(json.get<std::string>());
      if (Status s = registry.CheckValue(value, type, what); !s.ok()) return s;
      return value;
    case v1::TYPE_KIND_LIST: {
      if (!json.is_array()) return bad();
      auto* items = value.mutable_list_value();
      for (const auto& item : json) {
        Result<v1::Value> parsed = FromJson(item, type.element(), registry, what);
        if (!parsed.ok()) return parsed.status();
        *items->add_items() = std::move(*parsed);
      }
      return value;
    }
    case v1::TYPE_KIND_OBJECT:
      return Status::Usage(what + " takes a " + type.name() +
                           " object, which JSON cannot give: pass one an earlier call returned, "
                           "or its text");
    default:
      return Status::Usage(what + " has a type no value can be given for");
  }
}

}  // namespace

Result<v1::Value> ArgValue(const Runtime& engine, const v1::ArgDef& def, const ChainArg& arg,
                           const std::string& flag) {
  const std::string what = "argument " + flag;
  const int given = (arg.text != nullptr) + (arg.json != nullptr) + (arg.value != nullptr);
  if (given != 1) {
    return Status::Usage(what + ": set exactly one of text, json and object (" +
                         std::to_string(given) + " set)");
  }
  if (arg.value != nullptr) {
    if (arg.object_only && arg.value->kind_case() != v1::Value::kObjectValue) {
      return Status::Usage(what + ": the result given as object is not an object");
    }
    if (!arg.object_only) {
      if (Status s = engine.registry().CheckValue(*arg.value, def.type(), what); !s.ok()) return s;
    }
    return *arg.value;
  }
  if (arg.json != nullptr) {
    nlohmann::json json = nlohmann::json::parse(arg.json, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) {
      return Status::Usage(what + ": '" + std::string(arg.json) + "' is not valid JSON");
    }
    return FromJson(json, def.type(), engine.registry(), what);
  }
  if (def.type().kind() == v1::TYPE_KIND_OBJECT) {
    return CoreObjectFromText([&engine](v1::Call call) { return engine.Call(std::move(call)); },
                              def.type(), arg.text, what);
  }
  return cli::ParseFlagValue({arg.text}, def.type(), engine.registry(), flag);
}

}  // namespace host::api
