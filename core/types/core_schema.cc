#include "core/types/core_schema.h"

#include <initializer_list>

namespace host {
namespace {

v1::TypeRef Type(v1::TypeKind kind, const char* name = "") {
  v1::TypeRef t;
  t.set_kind(kind);
  t.set_name(name);
  return t;
}
v1::TypeRef String() { return Type(v1::TYPE_KIND_STRING); }
v1::TypeRef Object(const char* name) { return Type(v1::TYPE_KIND_OBJECT, name); }

// An argument; `optional` ones may be left out.
v1::ArgDef Arg(const char* name, v1::TypeRef type, const char* description) {
  v1::ArgDef arg;
  arg.set_name(name);
  *arg.mutable_type() = std::move(type);
  arg.set_description(description);
  return arg;
}

// Adds a function to an object.
void Function(v1::ObjectDef* object, const char* name, const char* description, v1::TypeRef result,
              std::initializer_list<v1::ArgDef> args,
              v1::CachePolicy cache = v1::CACHE_POLICY_PERSISTENT) {
  v1::FunctionDef* fn = object->add_functions();
  fn->set_name(name);
  fn->set_description(description);
  *fn->mutable_return_type() = std::move(result);
  for (const auto& a : args) *fn->add_args() = a;
  fn->set_cache(cache);
}

v1::ObjectDef* AddObject(v1::ModuleDef* def, const char* name, const char* description) {
  v1::ObjectDef* object = def->add_objects();
  object->set_name(name);
  object->set_description(description);
  return object;
}

v1::ModuleDef Build() {
  v1::ModuleDef def;
  def.set_name("core");
  def.set_description("The engine's core types: containers, directories, files, secrets, caches.");
  def.set_main_object("Query");
  def.set_sdk("builtin");

  v1::ObjectDef* query = AddObject(&def, "Query", "Where every pipeline starts.");
  Function(query, "set-secret", "Makes a secret from a value held by the caller.", Object("Secret"),
           {Arg("name", String(), "A name for the secret, shown instead of its value."),
            Arg("plaintext", String(), "The secret's value.")},
           v1::CACHE_POLICY_NEVER);
  Function(query, "secret",
           "Reads a secret from env://NAME, file://PATH or cmd://COMMAND; plain values are "
           "refused.",
           Object("Secret"), {Arg("uri", String(), "Where the secret's value comes from.")},
           v1::CACHE_POLICY_NEVER);

  v1::ObjectDef* secret = AddObject(&def, "Secret", "A value that never appears in output.");
  Function(secret, "name", "The secret's name.", String(), {});
  Function(secret, "plaintext", "The secret's value (scrubbed from anything the engine prints).",
           String(), {}, v1::CACHE_POLICY_NEVER);
  return def;
}

}  // namespace

const v1::ModuleDef& CoreSchema() {
  static const v1::ModuleDef kSchema = Build();
  return kSchema;
}

}  // namespace host
