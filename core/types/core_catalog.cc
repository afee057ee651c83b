#include <cstdlib>
#include <iostream>

#include "core/types/core_function.h"
#include "core/types/core_module.h"

namespace host {

Evaluator& CoreCall::evaluator() const { return services_.evaluator(); }

std::string CoreCall::Name() const { return function_.object + "." + function_.def.name(); }

std::vector<std::string> CoreCall::Strings(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& item : Get(name).list_value().items()) out.push_back(item.string_value());
  return out;
}

const v1::Value& CoreCall::Get(std::string_view name) const {
  static const v1::Value kAbsent;
  bool declared = false;
  for (const auto& a : function_.def.args()) declared = declared || a.name() == name;
  if (!declared) {
    std::cerr << "host: bug: " << Name() << " reads an argument it does not declare: " << name
              << std::endl;
    std::abort();
  }
  for (const auto& a : call_.args()) {
    if (a.name() == name) return a.value();
  }
  return kAbsent;
}

Result<SecretState> CoreCall::Secret(const std::string& id) const {
  auto secret = services_.secrets().Get(id);
  if (!secret) {
    return Status::Failed("unknown secret " + id +
                          ": secrets live only in the engine session that made them");
  }
  return SecretState{secret->first, secret->second};
}

namespace decl {

v1::TypeRef Type(v1::TypeKind kind, const char* name) {
  v1::TypeRef t;
  t.set_kind(kind);
  t.set_name(name);
  return t;
}

v1::TypeRef Strings() {
  v1::TypeRef t = Type(v1::TYPE_KIND_LIST);
  *t.mutable_element() = String();
  return t;
}

v1::ArgDef Arg(const char* name, v1::TypeRef type, const char* description) {
  v1::ArgDef arg;
  arg.set_name(name);
  *arg.mutable_type() = std::move(type);
  arg.set_description(description);
  return arg;
}

v1::ArgDef Default(const char* name, v1::TypeRef type, const char* description, v1::Value value) {
  v1::ArgDef arg = Arg(name, std::move(type), description);
  *arg.mutable_default_value() = std::move(value);
  return arg;
}

v1::Value Text(std::string text) {
  v1::Value v;
  v.set_string_value(std::move(text));
  return v;
}

v1::Value Number(int64_t number) {
  v1::Value v;
  v.set_int_value(number);
  return v;
}

v1::Value Flag(bool flag) {
  v1::Value v;
  v.set_bool_value(flag);
  return v;
}

v1::Value EnumValue(const char* name) {
  v1::Value v;
  v.set_enum_value(name);
  return v;
}

v1::Value EmptyList() {
  v1::Value v;
  v.mutable_list_value();
  return v;
}

v1::Value ToValue(const std::string& text) { return Text(text); }
v1::Value ToValue(int64_t number) { return Number(number); }
v1::Value ToValue(bool flag) { return Flag(flag); }

v1::Value ToValue(const std::vector<std::string>& texts) {
  v1::Value v;
  auto* list = v.mutable_list_value();
  for (const auto& text : texts) list->add_items()->set_string_value(text);
  return v;
}

v1::Value ToValue(const std::optional<std::string>& text) {
  return text ? Text(*text) : v1::Value();
}

v1::Value ObjectValue(const char* type, const std::string& id) {
  v1::Value v;
  v.mutable_object_value()->set_type_name(type);
  v.mutable_object_value()->set_id(id);
  return v;
}

}  // namespace decl

const CoreCatalog& CoreCatalog::Get() {
  static const CoreCatalog kCatalog;
  return kCatalog;
}

CoreCatalog::CoreCatalog() {
  schema_.set_name("core");
  schema_.set_description(
      "The engine's core types: containers, directories, files, secrets, caches.");
  schema_.set_main_object("Query");
  schema_.set_sdk("builtin");
  DeclareQuery(*this);
  DeclareHost(*this);
  DeclareDirectory(*this);
  DeclareFile(*this);
  DeclareContainer(*this);
  DeclareCacheVolume(*this);
  DeclareSecret(*this);
  CheckTypes();
}

const CoreFunction* CoreCatalog::Find(std::string_view object, std::string_view function) const {
  auto functions = functions_.find(object);
  if (functions == functions_.end()) return nullptr;
  auto found = functions->second.find(function);
  return found == functions->second.end() ? nullptr : &found->second;
}

void CoreCatalog::Enum(const char* name, const char* description,
                       std::initializer_list<std::pair<const char*, const char*>> values) {
  v1::EnumDef* e = schema_.add_enums();
  e->set_name(name);
  e->set_description(description);
  for (const auto& [value, doc] : values) {
    auto* v = e->add_values();
    v->set_name(value);
    v->set_description(doc);
  }
}

int CoreCatalog::AddObject(const char* name, const char* description) {
  for (int i = 0; i < schema_.objects_size(); ++i) {
    if (schema_.objects(i).name() == name) return i;  // declared in parts
  }
  v1::ObjectDef* object = schema_.add_objects();
  object->set_name(name);
  object->set_description(description);
  functions_[name];
  return schema_.objects_size() - 1;
}

void CoreCatalog::Add(int object_index, CoreFunction function) {
  const std::string name = function.def.name();
  auto [it, added] = functions_[function.object].emplace(name, std::move(function));
  if (!added) {
    std::cerr << "host: bug: the core function " << it->second.object << "." << name
              << " is declared twice" << std::endl;
    std::abort();
  }
  *schema_.mutable_objects(object_index)->add_functions() = it->second.def;
}

void CoreCatalog::CheckTypes() const {
  auto known = [&](const v1::TypeRef& type) -> bool {
    if (type.kind() == v1::TYPE_KIND_LIST) return type.element().kind() != v1::TYPE_KIND_LIST;
    if (type.kind() == v1::TYPE_KIND_OBJECT) return functions_.count(type.name()) > 0;
    if (type.kind() != v1::TYPE_KIND_ENUM) return true;
    for (const auto& e : schema_.enums()) {
      if (e.name() == type.name()) return true;
    }
    return false;
  };
  for (const auto& [object, functions] : functions_) {
    for (const auto& [name, function] : functions) {
      bool ok = known(function.def.return_type()) &&
                !std::holds_alternative<std::monostate>(function.impl);
      for (const auto& a : function.def.args()) ok = ok && known(a.type());
      if (!ok) {
        std::cerr << "host: bug: the core function " << object << "." << name
                  << " names an undeclared type or has no implementation" << std::endl;
        std::abort();
      }
    }
  }
}

}  // namespace host
