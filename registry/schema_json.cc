#include "registry/schema_json.h"

#include <nlohmann/json.hpp>

#include "registry/value_text.h"

namespace host {
namespace {

using nlohmann::ordered_json;

// A type as users read it, with '?' when the value may be absent: "[String]", "Secret?".
std::string TypeText(const v1::TypeRef& type) {
  return TypeRegistry::TypeName(type) + (type.optional() ? "?" : "");
}

const char* CacheName(v1::CachePolicy cache) {
  switch (cache) {
    case v1::CACHE_POLICY_SESSION:
      return "session";
    case v1::CACHE_POLICY_NEVER:
      return "never";
    default:
      return "persistent";
  }
}

ordered_json Args(const MemberInfo& member, const TypeRegistry& registry) {
  ordered_json args = ordered_json::array();
  for (int i = 0; i < member.args().size(); ++i) {
    const v1::ArgDef& def = member.args().Get(i);
    ordered_json arg;
    arg["name"] = def.name();
    arg["cli_name"] = member.arg_keys[static_cast<size_t>(i)];
    arg["description"] = def.description();
    arg["type"] = TypeText(def.type());
    if (def.has_default_value()) {
      arg["default"] = ordered_json::parse(cli::FormatJson(def.default_value(), registry));
    }
    args.push_back(std::move(arg));
  }
  return args;
}

}  // namespace

std::string SchemaJson(const ModuleInfo& module, const TypeRegistry& registry) {
  ordered_json out;
  out["name"] = module.def.name();
  out["version"] = module.def.version();
  out["description"] = module.def.description();
  out["main_object"] = module.def.main_object();
  out["objects"] = ordered_json::array();
  for (const v1::ObjectDef& def : module.def.objects()) {
    const ObjectInfo* info = registry.FindObject(def.name());
    if (info == nullptr) continue;
    ordered_json object;
    object["name"] = def.name();
    object["description"] = def.description();
    ordered_json constructor;
    constructor["description"] = info->constructor.description();
    constructor["args"] = Args(info->constructor, registry);
    object["constructor"] = std::move(constructor);
    object["fields"] = ordered_json::array();
    object["functions"] = ordered_json::array();
    for (const auto& [cli_name, member] : info->members) {
      ordered_json entry;
      entry["name"] =
          member.kind == MemberInfo::Kind::kField ? member.field->name() : member.function->name();
      entry["cli_name"] = cli_name;
      entry["description"] = member.description();
      if (member.kind == MemberInfo::Kind::kField) {
        entry["type"] = TypeText(member.return_type());
        object["fields"].push_back(std::move(entry));
        continue;
      }
      entry["args"] = Args(member, registry);
      entry["returns"] = TypeText(member.return_type());
      entry["cache"] = CacheName(member.cache());
      object["functions"].push_back(std::move(entry));
    }
    out["objects"].push_back(std::move(object));
  }
  out["enums"] = ordered_json::array();
  for (const v1::EnumDef& def : module.def.enums()) {
    ordered_json values = ordered_json::array();
    for (const auto& value : def.values()) {
      values.push_back({{"name", value.name()}, {"description", value.description()}});
    }
    out["enums"].push_back(
        {{"name", def.name()}, {"description", def.description()}, {"values", std::move(values)}});
  }
  return out.dump();
}

}  // namespace host
