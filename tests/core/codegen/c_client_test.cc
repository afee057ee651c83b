// The typed C client generator: the header it writes for real and for hostile schemas compiles
// as strict C99 (and as C++), whatever the names in the schema.
#include "core/codegen/c_client.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "core/engine/engine.h"
#include "tests/support/run.h"

namespace host {
namespace {

// Compiles a file including header as C99 with every warning an error (and, with cxx, as C++20);
// returns the compiler's complaints, empty when it compiled.
std::string CompileErrors(const std::string& header, bool cxx) {
  std::string dir = test::TempDir();
  std::ofstream(dir + "/client.h") << header;
  std::ofstream(dir + "/use.c") << "#include \"client.h\"\nint main(void) { return 0; }\n";
  std::string errors;
  test::Ran ran = test::Run({"cc", "-std=c99", "-pedantic", "-fsyntax-only", "-Wall", "-Wextra",
                             "-Werror", "-I" HOST_SOURCE_DIR "/sdk/include",
                             "-I" HOST_SOURCE_DIR "/sdk/c/include", dir + "/use.c"});
  if (ran.exit_code != 0) errors += "as C99:\n" + ran.err;
  if (cxx) {
    std::filesystem::copy_file(dir + "/use.c", dir + "/use.cc");
    ran = test::Run({"c++", "-std=c++20", "-fsyntax-only", "-Wall", "-Wextra", "-Werror",
                     "-I" HOST_SOURCE_DIR "/sdk/include", "-I" HOST_SOURCE_DIR "/sdk/c/include",
                     dir + "/use.cc"});
    if (ran.exit_code != 0) errors += "as C++:\n" + ran.err;
  }
  std::filesystem::remove_all(dir);
  return errors;
}

v1::TypeRef Type(v1::TypeKind kind, const std::string& name = "", bool optional = false) {
  v1::TypeRef t;
  t.set_kind(kind);
  t.set_name(name);
  t.set_optional(optional);
  return t;
}

v1::TypeRef List(const v1::TypeRef& element, bool optional = false) {
  v1::TypeRef t = Type(v1::TYPE_KIND_LIST, "", optional);
  *t.mutable_element() = element;
  return t;
}

TEST(CClient, ClientOfSemverIsTypedAndCompiles) {
  Runtime engine;
  auto loaded = engine.Load("semver");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  std::string header = GenerateCClient((*loaded)->def);
  EXPECT_NE(header.find("typedef enum semver_Part {"), std::string::npos) << header;
  EXPECT_NE(header.find("static inline host_status semver_Semver_bump(hostc_call* call, const "
                        "semver_Semver* self, semver_Part part, const semver_Semver** result)"),
            std::string::npos)
      << header;
  EXPECT_NE(header.find("semver_Semver_major(hostc_call* call, const semver_Semver* self, "
                        "int64_t* result)"),
            std::string::npos)
      << header;
  EXPECT_EQ(CompileErrors(header, true), "");
}

// Every kind of type at once, with names that are C keywords, the SDK's and the header's own
// names, names that clash once made C identifiers, and text that would end a comment or string.
v1::ModuleDef Hostile() {
  v1::ModuleDef def;
  def.set_name("int");
  def.set_version("1.0.0*/ #error");
  def.set_main_object("Int");
  def.set_description("ends */ a comment \\");
  auto* e = def.add_enums();
  e->set_name("Color");
  e->set_description("*/ #error in a comment");
  for (const char* v : {"name", "from_name", "RED", "int_Color_RED", "default"}) {
    auto* value = e->add_values();
    value->set_name(v);
    value->set_description("a value */");
  }
  auto* main = def.add_objects();
  main->set_name("Int");
  auto* other = def.add_objects();
  other->set_name("Int_Color");  // the C name of the enum, once prefixed
  auto* field = other->add_fields();
  field->set_name("struct");
  *field->mutable_type() = Type(v1::TYPE_KIND_STRING);
  struct Arg {
    const char* name;
    v1::TypeRef type;
  };
  const std::vector<Arg> args = {
      {"call", Type(v1::TYPE_KIND_STRING)},
      {"self", Type(v1::TYPE_KIND_INT, "", true)},
      {"result", Type(v1::TYPE_KIND_FLOAT)},
      {"result_count", List(Type(v1::TYPE_KIND_BOOLEAN))},
      {"request_", Type(v1::TYPE_KIND_ENUM, "Color")},
      {"value_", List(Type(v1::TYPE_KIND_ENUM, "Color"), true)},
      {"hostc_request_new", Type(v1::TYPE_KIND_OBJECT, "Int_Color")},
      {"int_Color_name", List(Type(v1::TYPE_KIND_OBJECT, "Int_Color"))},
      {"for", Type(v1::TYPE_KIND_OBJECT, "Directory", true)},
      {"items", List(Type(v1::TYPE_KIND_STRING), true)},
      {"items_count", Type(v1::TYPE_KIND_ENUM, "OtherEnum", true)},
      {"NULL", Type(v1::TYPE_KIND_BOOLEAN, "", true)},
      {"size_t", List(Type(v1::TYPE_KIND_FLOAT), true)},
      {"9lives", List(Type(v1::TYPE_KIND_INT))},
      {"a-b", Type(v1::TYPE_KIND_ENUM, "Color", true)},
      {"a_b", Type(v1::TYPE_KIND_STRING, "", true)},
  };
  std::vector<v1::TypeRef> results = {
      Type(v1::TYPE_KIND_VOID),
      Type(v1::TYPE_KIND_STRING, "", true),
      Type(v1::TYPE_KIND_INT, "", true),
      Type(v1::TYPE_KIND_FLOAT, "", true),
      Type(v1::TYPE_KIND_BOOLEAN, "", true),
      Type(v1::TYPE_KIND_ENUM, "Color"),
      Type(v1::TYPE_KIND_ENUM, "Color", true),
      Type(v1::TYPE_KIND_ENUM, "OtherEnum"),
      List(Type(v1::TYPE_KIND_ENUM, "Color")),
      List(Type(v1::TYPE_KIND_STRING), true),
      List(Type(v1::TYPE_KIND_INT)),
      List(Type(v1::TYPE_KIND_FLOAT)),
      List(Type(v1::TYPE_KIND_BOOLEAN)),
      Type(v1::TYPE_KIND_OBJECT, "Int_Color", true),
      List(Type(v1::TYPE_KIND_OBJECT, "Int_Color")),
      Type(v1::TYPE_KIND_OBJECT, "Container"),
      List(Type(v1::TYPE_KIND_OBJECT, "File")),
      List(List(Type(v1::TYPE_KIND_INT))),  // not available in C: left out with a comment
  };
  for (size_t i = 0; i < results.size(); ++i) {
    for (v1::ObjectDef* object : {main, other}) {
      auto* fn = object->add_functions();
      // Function names that clash with each other, with fields and with C keywords.
      static const char* kNames[] = {"struct", "while", "new", "x-y", "x_y", "xY", "name"};
      fn->set_name(std::string(kNames[i % 7]) + (i >= 7 ? std::to_string(i) : ""));
      fn->set_description("line one\n*/ line two ?\?/\n");
      *fn->mutable_return_type() = results[i];
      for (size_t j = 0; j <= i % args.size(); ++j) {
        auto* arg = fn->add_args();
        arg->set_name(args[(i + j) % args.size()].name);
        *arg->mutable_type() = args[(i + j) % args.size()].type;
      }
    }
  }
  return def;
}

TEST(CClient, HostileNamesStillCompile) {
  std::string header = GenerateCClient(Hostile());
  EXPECT_NE(header.find("not available in C clients"), std::string::npos);
  EXPECT_EQ(CompileErrors(header, true), "") << header;
}

// Random names from characters that are hard on C: each generated header still compiles.
TEST(CClient, RandomNamesStillCompile) {
  std::mt19937 random(15);
  const std::string alphabet = "aZ_-9.*/ \"\\?#{}";
  auto name = [&] {
    std::string out;
    size_t length = 1 + random() % 8;
    for (size_t i = 0; i < length; ++i) out += alphabet[random() % alphabet.size()];
    return out;
  };
  for (int round = 0; round < 6; ++round) {
    v1::ModuleDef def = Hostile();
    def.set_name(name());
    for (auto& object : *def.mutable_objects()) {
      for (auto& fn : *object.mutable_functions()) {
        fn.set_name(name());
        for (auto& arg : *fn.mutable_args()) arg.set_name(name());
      }
      for (auto& field : *object.mutable_fields()) field.set_name(name());
    }
    for (auto& e : *def.mutable_enums()) {
      for (auto& v : *e.mutable_values()) v.set_name(name());
    }
    std::string header = GenerateCClient(def);
    EXPECT_EQ(CompileErrors(header, false), "") << "module " << def.name() << ":\n" << header;
  }
}

}  // namespace
}  // namespace host
