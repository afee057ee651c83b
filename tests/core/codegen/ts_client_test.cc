#include "core/codegen/ts_client.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/run.h"

namespace host {
namespace {
namespace fs = std::filesystem;

// A TypeRef of kind (named name, for enums and objects).
v1::TypeRef Type(v1::TypeKind kind, const std::string& name = "", bool optional = false) {
  v1::TypeRef type;
  type.set_kind(kind);
  type.set_name(name);
  type.set_optional(optional);
  return type;
}

v1::TypeRef ListOf(const v1::TypeRef& element) {
  v1::TypeRef type = Type(v1::TYPE_KIND_LIST);
  *type.mutable_element() = element;
  return type;
}

void AddArg(v1::FunctionDef* fn, const std::string& name, const v1::TypeRef& type,
            bool with_default = false) {
  v1::ArgDef* arg = fn->add_args();
  arg->set_name(name);
  *arg->mutable_type() = type;
  if (with_default) arg->mutable_default_value()->set_string_value("it's \"*/\"");
}

// A schema no well-behaved module describes: names that are reserved words, globals the typings
// use, no identifiers at all, clashes after camelCase, comment ends and line ends in texts.
v1::ModuleDef HostileSchema() {
  v1::ModuleDef def;
  def.set_name("class");
  def.set_version("1.0.0\n*/ evil\xe2\x80\xa8");
  def.set_description("Ends a comment */ and a line \xe2\x80\xa8 here.");
  def.set_main_object("Class");
  v1::EnumDef* e = def.add_enums();
  e->set_name("Promise");
  e->set_description("*/ not the end");
  for (const char* value : {"a'b", "c\"d", "e\\f", "*/", "\xe2\x80\xa8", "new"}) {
    e->add_values()->set_name(value);
  }
  def.add_enums()->set_name("class");  // clashes with the constructor's name
  def.mutable_enums(1)->add_values()->set_name("x");
  for (const char* name : {"Class", "HostObject", "string", "9lives", "with space", "class_"}) {
    v1::ObjectDef* o = def.add_objects();
    o->set_name(name);
    o->set_description("*/");
    v1::FieldDef* field = o->add_fields();
    field->set_name("then");
    *field->mutable_type() = Type(v1::TYPE_KIND_STRING);
    v1::FieldDef* internal = o->add_fields();
    internal->set_name("secret");
    internal->set_internal(true);
    *internal->mutable_type() = Type(v1::TYPE_KIND_STRING);
    for (const char* fn_name :
         {"constructor", "sync", "delete", "with_x", "withX", "__proto__", "toString", "a-b", ""}) {
      v1::FunctionDef* fn = o->add_functions();
      fn->set_name(fn_name);
      fn->set_description("Comment end */ inside.");
      AddArg(fn, "default", Type(v1::TYPE_KIND_INT));
      AddArg(fn, "opts", Type(v1::TYPE_KIND_ENUM, "Promise"));
      AddArg(fn, "function", Type(v1::TYPE_KIND_STRING, "", true));
      AddArg(fn, "a-b", ListOf(Type(v1::TYPE_KIND_OBJECT, "Class")), true);
      AddArg(fn, "a_b", Type(v1::TYPE_KIND_OBJECT, "Container", true));
      AddArg(fn, "9", Type(v1::TYPE_KIND_BOOLEAN));
      *fn->mutable_return_type() = Type(v1::TYPE_KIND_OBJECT, name);
    }
    v1::FunctionDef* list = o->add_functions();
    list->set_name("list");
    *list->mutable_return_type() = ListOf(Type(v1::TYPE_KIND_ENUM, "Promise", true));
    AddArg(o->mutable_constructor(), "yield", Type(v1::TYPE_KIND_FLOAT), true);
  }
  return def;
}

TEST(TsClient, HostileNamesStillMakeValidJavaScriptAndTypings) {
  const v1::ModuleDef def = HostileSchema();
  const fs::path dir = test::TempDir();
  fs::create_directories(dir / "deps");
  fs::create_directories(dir / "node_modules" / "@host");
  fs::create_directory_symlink(HOST_SOURCE_DIR "/sdk/node", dir / "node_modules" / "@host" / "sdk");
  std::ofstream(dir / "deps" / "class.js") << GenerateNodeClient(def, nullptr);
  std::ofstream(dir / "deps" / "class.d.ts") << GenerateTsTypings(def, nullptr);
  EXPECT_EQ(NodeClientConstructor("class"), "class_");

  // The client loads, and exports what the typings declare.
  test::Ran ran = test::Run(
      {"node", "-e",
       "const c = require('" + (dir / "deps" / "class.js").string() +
           "'); console.log(Object.keys(c).sort().join(' ')); const o = c.class_({yield: 1});"
           "console.log(typeof o.then, typeof o.then_, typeof o.sync, typeof o.sync_,"
           " typeof o.withX, typeof o.withX_, typeof o.__proto, typeof o.toString_, "
           "c.Promise_['*/'])"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out,
            "Class HostObject_ Promise_ _9lives class_ class__ class___ string_ with_space\n"
            "undefined function function function function function function function */\n");

  // tsc --strict accepts the typings (when TypeScript is installed: npm ci in tests/node/typings).
  const fs::path tsc = HOST_SOURCE_DIR "/tests/node/typings/node_modules/.bin/tsc";
  if (!fs::exists(tsc)) GTEST_SKIP() << "no " << tsc << ": run npm ci in tests/node/typings";
  std::ofstream(dir / "use.ts")
      << "import {class_, Class, Promise_} from './deps/class';\n"
         "export async function use(): Promise<string> {\n"
         "  const o: Class = class_({yield: 2.5});\n"
         "  const p: Promise_ = Promise_['*/'];\n"
         "  const list: Array<Promise_ | undefined> = await o.list();\n"
         "  const next: Class = o.withX(1, p, [true].length > 0, {function: null, aB_: null});\n"
         "  return [p, list.length, await next.then_()].join();\n"
         "}\n";
  ran = test::Run({tsc.string(), "--strict", "--noEmit", "--target", "es2020", "--module",
                   "commonjs", "--moduleResolution", "node", (dir / "use.ts").string(),
                   (dir / "deps" / "class.d.ts").string()});
  EXPECT_EQ(ran.exit_code, 0) << ran.out << ran.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace host
