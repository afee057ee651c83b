#include "registry/type_registry.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/base/names.h"

namespace host {
namespace {

// Names of the engine's core types; modules may not define objects with these names.
const std::set<std::string, std::less<>> kCoreTypes = {"Container", "Directory",   "File",
                                                       "Secret",    "CacheVolume", "Host"};

bool IsIdentifier(std::string_view name) {
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

const v1::FunctionDef& EmptyFunction() {
  static const v1::FunctionDef kEmpty;
  return kEmpty;
}

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

// Checks a default value against its type; enums are looked up in the module being validated.
Status CheckDefault(const v1::Value& value, const v1::TypeRef& type, const v1::ModuleDef& def) {
  if (type.kind() == v1::TYPE_KIND_OBJECT) {
    return Status::Failed("an argument of object type cannot have a default value");
  }
  if (type.kind() == v1::TYPE_KIND_ENUM && value.kind_case() == v1::Value::kEnumValue) {
    for (const auto& e : def.enums()) {
      if (e.name() != type.name()) continue;
      for (const auto& v : e.values()) {
        if (v.name() == value.enum_value()) return {};
      }
      return Status::Failed("its default value " + Quote(value.enum_value()) +
                            " is not a value of " + type.name());
    }
  }
  return {};
}

}  // namespace

const std::string& MemberInfo::description() const {
  if (kind == Kind::kField) return field->description();
  return function ? function->description() : EmptyFunction().description();
}

const v1::TypeRef& MemberInfo::return_type() const {
  if (kind == Kind::kField) return field->type();
  return function ? function->return_type() : EmptyFunction().return_type();
}

const google::protobuf::RepeatedPtrField<v1::ArgDef>& MemberInfo::args() const {
  return function ? function->args() : EmptyFunction().args();
}

v1::CachePolicy MemberInfo::cache() const {
  return kind == Kind::kFunction ? function->cache() : v1::CACHE_POLICY_PERSISTENT;
}

TypeRegistry::TypeRegistry() = default;

std::string TypeRegistry::TypeName(const v1::TypeRef& type) {
  switch (type.kind()) {
    case v1::TYPE_KIND_STRING:
      return "String";
    case v1::TYPE_KIND_INT:
      return "Int";
    case v1::TYPE_KIND_FLOAT:
      return "Float";
    case v1::TYPE_KIND_BOOLEAN:
      return "Boolean";
    case v1::TYPE_KIND_VOID:
      return "Void";
    case v1::TYPE_KIND_LIST:
      return "[" + TypeName(type.element()) + "]";
    case v1::TYPE_KIND_ENUM:
    case v1::TYPE_KIND_OBJECT:
      return type.name();
    default:
      return "?";
  }
}

Status TypeRegistry::ValidateType(const v1::TypeRef& type, const v1::ModuleDef& def,
                                  bool allow_void, const std::string& where) const {
  switch (type.kind()) {
    case v1::TYPE_KIND_STRING:
    case v1::TYPE_KIND_INT:
    case v1::TYPE_KIND_FLOAT:
    case v1::TYPE_KIND_BOOLEAN:
      return {};
    case v1::TYPE_KIND_VOID:
      if (allow_void) return {};
      return Status::Failed(where + " has type Void, which only a function's result may have");
    case v1::TYPE_KIND_LIST:
      if (!type.has_element()) return Status::Failed(where + " is a list without an item type");
      return ValidateType(type.element(), def, false, where);
    case v1::TYPE_KIND_ENUM:
      for (const auto& e : def.enums()) {
        if (e.name() == type.name()) return {};
      }
      if (FindEnum(type.name())) return {};
      return Status::Failed(where + " uses enum " + Quote(type.name()) +
                            ", which the module does not define");
    case v1::TYPE_KIND_OBJECT:
      for (const auto& o : def.objects()) {
        if (o.name() == type.name()) return {};
      }
      if (FindObject(type.name())) return {};
      return Status::Failed(where + " uses object type " + Quote(type.name()) +
                            ", which neither this module nor a loaded module defines");
    default:
      return Status::Failed(where + " has no type (TypeRef.kind is unset)");
  }
}

Status TypeRegistry::Validate(const v1::ModuleDef& def) const {
  if (!IsIdentifier(def.name())) {
    return Status::Failed(
        "the module name " + Quote(def.name()) +
        " is not valid: use letters, digits, '-' and '_', starting with a letter");
  }
  if (FindModule(def.name())) {
    return Status::Failed("a module called " + Quote(def.name()) + " is already loaded");
  }
  std::set<std::string> object_names;
  bool has_main = false;
  for (const auto& object : def.objects()) {
    std::string where = "object " + Quote(object.name());
    if (!IsIdentifier(object.name())) return Status::Failed(where + ": the name is not valid");
    if (!object_names.insert(object.name()).second) {
      return Status::Failed(where + " is defined twice");
    }
    if (kCoreTypes.count(object.name()) && def.name() != "core") {
      return Status::Failed(where + " has the name of a core type; rename it");
    }
    if (FindObject(object.name())) {
      return Status::Failed(where + " is already defined by module " +
                            Quote(FindObject(object.name())->module->def.name()));
    }
    has_main = has_main || object.name() == def.main_object();
    std::set<std::string> members;
    for (const auto& field : object.fields()) {
      std::string fwhere = where + ", field " + Quote(field.name());
      if (!IsIdentifier(field.name())) return Status::Failed(fwhere + ": the name is not valid");
      if (!members.insert(KebabCase(field.name())).second) {
        return Status::Failed(fwhere + " has the same name as another member");
      }
      if (auto s = ValidateType(field.type(), def, false, fwhere); !s.ok()) return s;
    }
    auto check_function = [&](const v1::FunctionDef& fn, const std::string& fwhere) -> Status {
      std::set<std::string> args;
      for (const auto& arg : fn.args()) {
        std::string awhere = fwhere + ", argument " + Quote(arg.name());
        if (!IsIdentifier(arg.name())) return Status::Failed(awhere + ": the name is not valid");
        if (!args.insert(KebabCase(arg.name())).second) {
          return Status::Failed(awhere + " is declared twice");
        }
        if (auto s = ValidateType(arg.type(), def, false, awhere); !s.ok()) return s;
        if (arg.has_default_value() && arg.default_value().kind_case() != v1::Value::KIND_NOT_SET) {
          if (auto s = CheckDefault(arg.default_value(), arg.type(), def); !s.ok()) {
            return Status::Failed(awhere + ": " + s.message());
          }
          if (arg.type().kind() != v1::TYPE_KIND_ENUM) {
            if (auto s = CheckValue(arg.default_value(), arg.type(), "its default value");
                !s.ok()) {
              return Status::Failed(awhere + ": " + s.message());
            }
          }
        }
      }
      return {};
    };
    for (const auto& fn : object.functions()) {
      std::string fwhere = where + ", function " + Quote(fn.name());
      if (!IsIdentifier(fn.name())) return Status::Failed(fwhere + ": the name is not valid");
      if (!members.insert(KebabCase(fn.name())).second) {
        return Status::Failed(fwhere + " has the same name as another member");
      }
      if (auto s = ValidateType(fn.return_type(), def, true, fwhere + ", result"); !s.ok()) {
        return s;
      }
      if (auto s = check_function(fn, fwhere); !s.ok()) return s;
    }
    if (object.has_constructor()) {
      if (auto s = check_function(object.constructor(), where + ", constructor"); !s.ok()) {
        return s;
      }
    }
  }
  if (!has_main) {
    return Status::Failed("the main object " + Quote(def.main_object()) +
                          " is not among the module's objects");
  }
  std::set<std::string> enum_names;
  for (const auto& e : def.enums()) {
    std::string where = "enum " + Quote(e.name());
    if (!IsIdentifier(e.name())) return Status::Failed(where + ": the name is not valid");
    if (!enum_names.insert(e.name()).second || FindEnum(e.name()) || object_names.count(e.name())) {
      return Status::Failed(where + " is defined twice");
    }
    if (e.values().empty()) return Status::Failed(where + " has no values");
    std::set<std::string> values;
    for (const auto& v : e.values()) {
      if (v.name().empty() || !values.insert(v.name()).second) {
        return Status::Failed(where + ": value " + Quote(v.name()) + " is empty or repeated");
      }
    }
  }
  return {};
}

Result<const ModuleInfo*> TypeRegistry::AddModule(v1::ModuleDef def) {
  if (auto s = Validate(def); !s.ok()) return s;
  auto module = std::make_unique<ModuleInfo>();
  module->def = std::move(def);
  for (const auto& e : module->def.enums()) enums_[e.name()] = &e;
  for (const auto& object : module->def.objects()) {
    auto info = std::make_unique<ObjectInfo>();
    info->def = &object;
    info->module = module.get();
    for (const auto& field : object.fields()) {
      if (field.internal()) continue;
      MemberInfo m{
          MemberInfo::Kind::kField, KebabCase(field.name()), nullptr, &field, info.get(), {}};
      info->members.emplace(m.cli_name, std::move(m));
    }
    auto arg_keys = [](const v1::FunctionDef& fn) {
      std::vector<std::string> keys;
      for (const auto& a : fn.args()) keys.push_back(KebabCase(a.name()));
      return keys;
    };
    for (const auto& fn : object.functions()) {
      MemberInfo m{MemberInfo::Kind::kFunction,
                   KebabCase(fn.name()),
                   &fn,
                   nullptr,
                   info.get(),
                   arg_keys(fn)};
      info->members.emplace(m.cli_name, std::move(m));
    }
    info->implicit_constructor.mutable_return_type()->set_kind(v1::TYPE_KIND_OBJECT);
    info->implicit_constructor.mutable_return_type()->set_name(object.name());
    info->implicit_constructor.set_description(object.description());
    const v1::FunctionDef* constructor =
        object.has_constructor() ? &object.constructor() : &info->implicit_constructor;
    info->constructor =
        MemberInfo{MemberInfo::Kind::kConstructor, "", constructor, nullptr, info.get(),
                   arg_keys(*constructor)};
    for (const auto& [key, m] : info->members) {
      info->by_declared_name[m.kind == MemberInfo::Kind::kField ? m.field->name()
                                                                : m.function->name()] = &m;
    }
    if (object.name() == module->def.main_object()) module->main = info.get();
    objects_[object.name()] = std::move(info);
  }
  modules_.push_back(std::move(module));
  return modules_.back().get();
}

const ModuleInfo* TypeRegistry::FindModule(std::string_view name) const {
  for (const auto& m : modules_) {
    if (m->def.name() == name) return m.get();
  }
  return nullptr;
}

const ObjectInfo* TypeRegistry::FindObject(std::string_view name) const {
  auto it = objects_.find(name);
  return it == objects_.end() ? nullptr : it->second.get();
}

const v1::EnumDef* TypeRegistry::FindEnum(std::string_view name) const {
  auto it = enums_.find(name);
  return it == enums_.end() ? nullptr : it->second;
}

std::vector<std::string> TypeRegistry::ModuleNames() const {
  std::vector<std::string> names;
  for (const auto& m : modules_) names.push_back(m->def.name());
  return names;
}

bool TypeRegistry::Conforms(const v1::Value& value, const v1::TypeRef& type) const {
  switch (value.kind_case()) {
    case v1::Value::KIND_NOT_SET:
      return type.optional() || type.kind() == v1::TYPE_KIND_VOID;
    case v1::Value::kStringValue:
      return type.kind() == v1::TYPE_KIND_STRING;
    case v1::Value::kIntValue:
      return type.kind() == v1::TYPE_KIND_INT || type.kind() == v1::TYPE_KIND_FLOAT;
    case v1::Value::kFloatValue:
      return type.kind() == v1::TYPE_KIND_FLOAT;
    case v1::Value::kBoolValue:
      return type.kind() == v1::TYPE_KIND_BOOLEAN;
    case v1::Value::kEnumValue: {
      if (type.kind() != v1::TYPE_KIND_ENUM) return false;
      const v1::EnumDef* e = FindEnum(type.name());
      if (e == nullptr) return false;
      for (const auto& v : e->values()) {
        if (v.name() == value.enum_value()) return true;
      }
      return false;
    }
    case v1::Value::kListValue:
      if (type.kind() != v1::TYPE_KIND_LIST) return false;
      for (const auto& item : value.list_value().items()) {
        if (!Conforms(item, type.element())) return false;
      }
      return true;
    case v1::Value::kObjectValue:
      return type.kind() == v1::TYPE_KIND_OBJECT && value.object_value().type_name() == type.name();
  }
  return false;
}

Status TypeRegistry::CheckValue(const v1::Value& value, const v1::TypeRef& type,
                                std::string_view what) const {
  if (Conforms(value, type)) return {};
  auto mismatch = [&](const std::string& got) {
    return Status::Usage(std::string(what) + " must be " + TypeName(type) + ", got " + got);
  };
  if (value.kind_case() == v1::Value::KIND_NOT_SET) {
    if (type.optional() || type.kind() == v1::TYPE_KIND_VOID) return {};
    return mismatch("nothing");
  }
  switch (type.kind()) {
    case v1::TYPE_KIND_STRING:
      if (value.kind_case() == v1::Value::kStringValue) return {};
      break;
    case v1::TYPE_KIND_INT:
      if (value.kind_case() == v1::Value::kIntValue) return {};
      break;
    case v1::TYPE_KIND_FLOAT:
      if (value.kind_case() == v1::Value::kFloatValue ||
          value.kind_case() == v1::Value::kIntValue) {
        return {};
      }
      break;
    case v1::TYPE_KIND_BOOLEAN:
      if (value.kind_case() == v1::Value::kBoolValue) return {};
      break;
    case v1::TYPE_KIND_ENUM: {
      if (value.kind_case() != v1::Value::kEnumValue) break;
      const v1::EnumDef* e = FindEnum(type.name());
      if (e == nullptr) return Status::Failed("enum " + type.name() + " is not loaded");
      std::vector<std::string> names;
      for (const auto& v : e->values()) {
        if (v.name() == value.enum_value()) return {};
        names.push_back(v.name());
      }
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      return Status::Usage(std::string(what) + ": " + Quote(value.enum_value()) +
                           " is not a value of " + type.name() + " (one of: " + list + ")");
    }
    case v1::TYPE_KIND_LIST: {
      if (value.kind_case() != v1::Value::kListValue) break;
      int i = 0;
      for (const auto& item : value.list_value().items()) {
        // The index goes with the item: "argument 'numbers': item 0 must be Int, got a String".
        std::string item_what = std::string(what) + ": item " + std::to_string(i++);
        if (auto s = CheckValue(item, type.element(), item_what); !s.ok()) return s;
      }
      return {};
    }
    case v1::TYPE_KIND_OBJECT:
      if (value.kind_case() != v1::Value::kObjectValue) break;
      if (value.object_value().type_name() == type.name()) return {};
      return mismatch("an object of type " + value.object_value().type_name());
    default:
      break;
  }
  static const char* kKinds[] = {"nothing",   "a String",      "an Int", "a Float",
                                 "a Boolean", "an enum value", "a list", "an object"};
  return mismatch(kKinds[value.kind_case() <= 7 ? value.kind_case() : 0]);
}

Result<const MemberInfo*> TypeRegistry::PrepareCall(v1::Call* call, bool* changed) const {
  bool modified = false;
  const ObjectInfo* object = FindObject(call->object());
  if (object == nullptr) {
    return Status::Usage("no loaded module defines an object " + Quote(call->object()));
  }
  if (call->module() != object->module->def.name()) {
    call->set_module(object->module->def.name());
    modified = true;
  }
  const MemberInfo* member = &object->constructor;
  if (!call->function().empty()) {
    if (auto d = object->by_declared_name.find(call->function());
        d != object->by_declared_name.end()) {
      member = d->second;  // the usual case: typed clients send declared names
    } else if (auto it = object->members.find(KebabCase(call->function()));
               it != object->members.end()) {
      member = &it->second;
    } else {
      std::string key = KebabCase(call->function());
      std::vector<std::string> names;
      for (const auto& [name, m] : object->members) names.push_back(name);
      return Status::Usage(object->def->name() + " has no function " + Quote(key) +
                           DidYouMean(key, names));
    }
    const std::string& declared =
        member->kind == MemberInfo::Kind::kField ? member->field->name() : member->function->name();
    if (call->function() != declared) {
      call->set_function(declared);
      modified = true;
    }
  }
  const auto& defs = member->args();
  auto subject = [&] {
    return member->kind == MemberInfo::Kind::kConstructor ? object->def->name() : member->cli_name;
  };
  uint64_t seen = 0;  // bit i: argument i was given (functions have at most 64 arguments)
  if (defs.size() > 64) return Status::Failed(subject() + " declares more than 64 arguments");
  for (auto& named : *call->mutable_args()) {
    int index = -1;
    for (int i = 0; i < defs.size(); ++i) {
      if (defs[i].name() == named.name()) {
        index = i;
        break;
      }
    }
    if (index < 0) {
      std::string key = KebabCase(named.name());
      auto it = std::find(member->arg_keys.begin(), member->arg_keys.end(), key);
      if (it == member->arg_keys.end()) {
        return Status::Usage(subject() + " has no argument --" + key +
                             DidYouMean(key, member->arg_keys));
      }
      index = static_cast<int>(it - member->arg_keys.begin());
      named.set_name(defs[index].name());
      modified = true;
    }
    const std::string& key = member->arg_keys[static_cast<size_t>(index)];
    if (seen & (uint64_t{1} << index))
      return Status::Usage("argument --" + key + " is given twice");
    seen |= uint64_t{1} << index;
    if (!Conforms(named.value(), defs[index].type())) {
      return CheckValue(named.value(), defs[index].type(), "argument --" + key);
    }
    if (defs[index].type().kind() == v1::TYPE_KIND_FLOAT &&
        named.value().kind_case() == v1::Value::kIntValue) {
      named.mutable_value()->set_float_value(static_cast<double>(named.value().int_value()));
      modified = true;  // modules always receive a Float where they declared one
    }
  }
  for (int i = 0; i < defs.size(); ++i) {
    if (seen & (uint64_t{1} << i)) continue;
    const v1::ArgDef& def = defs[i];
    if (def.has_default_value() && def.default_value().kind_case() != v1::Value::KIND_NOT_SET) {
      auto* named = call->add_args();
      named->set_name(def.name());
      *named->mutable_value() = def.default_value();
      modified = true;
    } else if (!def.type().optional()) {
      return Status::Usage(subject() + " requires argument --" +
                           member->arg_keys[static_cast<size_t>(i)] + " (" + TypeName(def.type()) +
                           ")");
    }
  }
  if (changed) *changed = modified;
  return member;
}

std::string DidYouMean(std::string_view wanted, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  size_t best_distance = std::max<size_t>(2, wanted.size() / 3) + 1;
  for (const auto& c : candidates) {
    size_t d = EditDistance(wanted, c);
    if (d < best_distance || (c.rfind(wanted, 0) == 0 && !best)) {
      best_distance = std::min(d, best_distance);
      best = &c;
    }
  }
  return best ? " (did you mean '" + *best + "'?)" : "";
}

}  // namespace host
