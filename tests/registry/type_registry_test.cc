#include "registry/type_registry.h"

#include <gtest/gtest.h>

namespace host {
namespace {

v1::TypeRef Type(v1::TypeKind kind, const std::string& name = "") {
  v1::TypeRef t;
  t.set_kind(kind);
  t.set_name(name);
  return t;
}

// A module "greeter" with object Greeter: hello(name: String = "world", times: Int) -> String,
// with_mood(mood: Mood) -> Greeter, and a field greeting.
v1::ModuleDef Greeter() {
  v1::ModuleDef def;
  def.set_name("greeter");
  def.set_main_object("Greeter");
  auto* mood = def.add_enums();
  mood->set_name("Mood");
  mood->add_values()->set_name("HAPPY");
  mood->add_values()->set_name("GRUMPY");
  auto* o = def.add_objects();
  o->set_name("Greeter");
  auto* field = o->add_fields();
  field->set_name("greeting");
  *field->mutable_type() = Type(v1::TYPE_KIND_STRING);
  auto* hello = o->add_functions();
  hello->set_name("sayHello");
  *hello->mutable_return_type() = Type(v1::TYPE_KIND_STRING);
  auto* name = hello->add_args();
  name->set_name("name");
  *name->mutable_type() = Type(v1::TYPE_KIND_STRING);
  name->mutable_default_value()->set_string_value("world");
  auto* times = hello->add_args();
  times->set_name("times_count");
  *times->mutable_type() = Type(v1::TYPE_KIND_INT);
  auto* with_mood = o->add_functions();
  with_mood->set_name("with_mood");
  *with_mood->mutable_return_type() = Type(v1::TYPE_KIND_OBJECT, "Greeter");
  auto* m = with_mood->add_args();
  m->set_name("mood");
  *m->mutable_type() = Type(v1::TYPE_KIND_ENUM, "Mood");
  return def;
}

v1::Call HelloCall() {
  v1::Call call;
  call.set_object("Greeter");
  call.set_function("say-hello");
  auto* arg = call.add_args();
  arg->set_name("times-count");
  arg->mutable_value()->set_int_value(2);
  return call;
}

TEST(TypeRegistry, CanonicalizesNamesAndFillsDefaults) {
  TypeRegistry registry;
  ASSERT_TRUE(registry.AddModule(Greeter()).ok());
  v1::Call call = HelloCall();
  Result<const MemberInfo*> member = registry.PrepareCall(&call);
  ASSERT_TRUE(member.ok()) << member.status().message();
  EXPECT_EQ((*member)->cli_name, "say-hello");
  EXPECT_EQ(call.module(), "greeter");
  EXPECT_EQ(call.function(), "sayHello");
  ASSERT_EQ(call.args_size(), 2);
  EXPECT_EQ(call.args(0).name(), "times_count");
  EXPECT_EQ(call.args(1).name(), "name");
  EXPECT_EQ(call.args(1).value().string_value(), "world");
}

TEST(TypeRegistry, RejectsBadCalls) {
  TypeRegistry registry;
  ASSERT_TRUE(registry.AddModule(Greeter()).ok());
  v1::Call unknown = HelloCall();
  unknown.set_function("say-helo");
  auto r = registry.PrepareCall(&unknown);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kUsage);
  EXPECT_EQ(r.status().message(), "Greeter has no function 'say-helo' (did you mean 'say-hello'?)");

  v1::Call missing = HelloCall();
  missing.clear_args();
  r = registry.PrepareCall(&missing);
  EXPECT_EQ(r.status().message(), "say-hello requires argument --times-count (Int)");

  v1::Call wrong = HelloCall();
  wrong.mutable_args(0)->mutable_value()->set_string_value("two");
  r = registry.PrepareCall(&wrong);
  EXPECT_EQ(r.status().message(), "argument --times-count must be Int, got a String");

  v1::Call flag = HelloCall();
  flag.add_args()->set_name("time-count");
  r = registry.PrepareCall(&flag);
  EXPECT_EQ(r.status().message(),
            "say-hello has no argument --time-count (did you mean 'times-count'?)");

  v1::Call mood;
  mood.set_object("Greeter");
  mood.set_function("with_mood");
  auto* a = mood.add_args();
  a->set_name("mood");
  a->mutable_value()->set_enum_value("SAD");
  r = registry.PrepareCall(&mood);
  EXPECT_EQ(r.status().message(),
            "argument --mood: 'SAD' is not a value of Mood (one of: HAPPY, GRUMPY)");
}

TEST(TypeRegistry, ABadListItemIsNamedByItsIndex) {
  TypeRegistry registry;
  v1::TypeRef numbers = Type(v1::TYPE_KIND_LIST);
  *numbers.mutable_element() = Type(v1::TYPE_KIND_INT);
  v1::Value value;
  value.mutable_list_value()->add_items()->set_int_value(1);
  value.mutable_list_value()->add_items()->set_string_value("two");
  EXPECT_EQ(registry.CheckValue(value, numbers, "argument 'numbers'").message(),
            "argument 'numbers': item 1 must be Int, got a String");

  v1::TypeRef matrix = Type(v1::TYPE_KIND_LIST);
  *matrix.mutable_element() = numbers;
  v1::Value rows;
  *rows.mutable_list_value()->add_items() = value;
  EXPECT_EQ(registry.CheckValue(rows, matrix, "argument --rows").message(),
            "argument --rows: item 0: item 1 must be Int, got a String");
}

TEST(TypeRegistry, SchemaValidationNamesTheCulprit) {
  struct Case {
    std::function<void(v1::ModuleDef*)> mutate;
    std::string message;
  };
  std::vector<Case> cases = {
      {[](v1::ModuleDef* d) {
         d->mutable_objects(0)->mutable_functions(0)->mutable_args(0)->clear_type();
       },
       "object 'Greeter', function 'sayHello', argument 'name' has no type (TypeRef.kind is "
       "unset)"},
      {[](v1::ModuleDef* d) { d->set_main_object("Nope"); },
       "the main object 'Nope' is not among the module's objects"},
      {[](v1::ModuleDef* d) {
         *d->mutable_objects(0)->mutable_functions(1)->mutable_return_type() =
             Type(v1::TYPE_KIND_OBJECT, "Ghost");
       },
       "object 'Greeter', function 'with_mood', result uses object type 'Ghost', which neither "
       "this module nor a loaded module defines"},
      {[](v1::ModuleDef* d) { d->mutable_objects(0)->mutable_functions(1)->set_name("say_hello"); },
       "object 'Greeter', function 'say_hello' has the same name as another member"},
      {[](v1::ModuleDef* d) {
         d->mutable_objects(0)
             ->mutable_functions(0)
             ->mutable_args(0)
             ->mutable_default_value()
             ->set_int_value(3);
       },
       "object 'Greeter', function 'sayHello', argument 'name': its default value must be String, "
       "got an Int"},
      {[](v1::ModuleDef* d) { d->mutable_objects(0)->set_name("Container"); },
       "object 'Container' has the name of a core type; rename it"},
  };
  for (const auto& c : cases) {
    TypeRegistry registry;
    v1::ModuleDef def = Greeter();
    c.mutate(&def);
    auto r = registry.AddModule(def);
    ASSERT_FALSE(r.ok()) << c.message;
    EXPECT_EQ(r.status().message(), c.message);
  }
}

TEST(TypeRegistry, ImplicitConstructorReturnsTheObject) {
  TypeRegistry registry;
  ASSERT_TRUE(registry.AddModule(Greeter()).ok());
  const ObjectInfo* o = registry.FindObject("Greeter");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(TypeRegistry::TypeName(o->constructor.return_type()), "Greeter");
  EXPECT_TRUE(o->constructor.args().empty());
}

}  // namespace
}  // namespace host
