// The module schema the wire and CLI fuzz targets check values and calls against: one enum, an
// object with a field and functions whose arguments cover every kind of type.
#ifndef HOST_TESTS_FUZZ_FUZZ_SCHEMA_H_
#define HOST_TESTS_FUZZ_FUZZ_SCHEMA_H_

#include <string>
#include <vector>

#include "host/v1/wire.pb.h"

namespace host::fuzz {

// A type reference of kind, naming name (enums, objects) or holding element (lists).
inline v1::TypeRef Type(v1::TypeKind kind, const std::string& name = "") {
  v1::TypeRef type;
  type.set_kind(kind);
  type.set_name(name);
  return type;
}

// A list of element.
inline v1::TypeRef ListOf(const v1::TypeRef& element) {
  v1::TypeRef type = Type(v1::TYPE_KIND_LIST);
  *type.mutable_element() = element;
  return type;
}

// Every type the fuzz schema uses: scalars, the enum Mood, the object Main, lists and a nested
// list, and an optional String.
inline std::vector<v1::TypeRef> SchemaTypes() {
  v1::TypeRef optional = Type(v1::TYPE_KIND_STRING);
  optional.set_optional(true);
  return {Type(v1::TYPE_KIND_STRING),
          Type(v1::TYPE_KIND_INT),
          Type(v1::TYPE_KIND_FLOAT),
          Type(v1::TYPE_KIND_BOOLEAN),
          Type(v1::TYPE_KIND_ENUM, "Mood"),
          Type(v1::TYPE_KIND_OBJECT, "Main"),
          ListOf(Type(v1::TYPE_KIND_STRING)),
          ListOf(Type(v1::TYPE_KIND_INT)),
          ListOf(Type(v1::TYPE_KIND_FLOAT)),
          ListOf(Type(v1::TYPE_KIND_BOOLEAN)),
          ListOf(Type(v1::TYPE_KIND_ENUM, "Mood")),
          ListOf(ListOf(Type(v1::TYPE_KIND_INT))),
          optional};
}

// Module "fuzzmod": enum Mood {HAPPY, GRUMPY}; object Main with field greeting: String and
// functions sayHello(one argument of each schema type, the first with a default) -> String and
// with_mood(mood: Mood) -> Main.
inline v1::ModuleDef SchemaModule() {
  v1::ModuleDef def;
  def.set_name("fuzzmod");
  def.set_main_object("Main");
  v1::EnumDef* mood = def.add_enums();
  mood->set_name("Mood");
  mood->add_values()->set_name("HAPPY");
  mood->add_values()->set_name("GRUMPY");
  v1::ObjectDef* main = def.add_objects();
  main->set_name("Main");
  v1::FieldDef* greeting = main->add_fields();
  greeting->set_name("greeting");
  *greeting->mutable_type() = Type(v1::TYPE_KIND_STRING);
  v1::FunctionDef* hello = main->add_functions();
  hello->set_name("sayHello");
  *hello->mutable_return_type() = Type(v1::TYPE_KIND_STRING);
  int index = 0;
  for (const v1::TypeRef& type : SchemaTypes()) {
    v1::ArgDef* arg = hello->add_args();
    arg->set_name("arg_" + std::to_string(index++));
    *arg->mutable_type() = type;
    arg->mutable_type()->set_optional(true);
  }
  hello->mutable_args(0)->mutable_default_value()->set_string_value("world");
  v1::FunctionDef* with_mood = main->add_functions();
  with_mood->set_name("with_mood");
  *with_mood->mutable_return_type() = Type(v1::TYPE_KIND_OBJECT, "Main");
  v1::ArgDef* arg = with_mood->add_args();
  arg->set_name("mood");
  *arg->mutable_type() = Type(v1::TYPE_KIND_ENUM, "Mood");
  return def;
}

}  // namespace host::fuzz

#endif  // HOST_TESTS_FUZZ_FUZZ_SCHEMA_H_
