// The core functions are declared once: the schema, the dispatch and the implementations are one
// set, and every declared function has exactly one implementation of the right kind.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "core/types/core_function.h"
#include "core/types/core_module.h"

namespace host {
namespace {

bool IsLazyType(const std::string& name) {
  return name == "Container" || name == "Directory" || name == "File" || name == "CacheVolume" ||
         name == "Host";
}

TEST(CoreCatalog, EverySchemaFunctionHasAnImplementationOfItsKind) {
  const CoreCatalog& catalog = CoreCatalog::Get();
  int functions = 0;
  for (const auto& object : catalog.schema().objects()) {
    for (const auto& def : object.functions()) {
      ++functions;
      const CoreFunction* fn = catalog.Find(object.name(), def.name());
      ASSERT_NE(fn, nullptr) << object.name() << "." << def.name() << " has no implementation";
      EXPECT_FALSE(std::holds_alternative<std::monostate>(fn->impl))
          << object.name() << "." << def.name();
      EXPECT_EQ(fn->object, object.name());
      EXPECT_EQ(fn->def.SerializeAsString(), def.SerializeAsString())
          << object.name() << "." << def.name() << " differs from its schema entry";
      // A function returning a lazy type builds lazily; every other one returns now (a Secret is
      // made at once, and so is the receiver Container.sync returns after evaluating it).
      const v1::TypeRef& result = def.return_type();
      bool lazy_result = result.kind() == v1::TYPE_KIND_OBJECT && IsLazyType(result.name());
      EXPECT_EQ(fn->lazy(), lazy_result && def.name() != "sync")
          << object.name() << "." << def.name();
    }
  }
  EXPECT_GT(functions, 50);
}

TEST(CoreCatalog, EveryImplementationHasASchemaEntry) {
  const CoreCatalog& catalog = CoreCatalog::Get();
  std::set<std::string> in_schema;
  for (const auto& object : catalog.schema().objects()) {
    for (const auto& def : object.functions()) in_schema.insert(object.name() + "." + def.name());
  }
  size_t implemented = 0;
  for (const auto& [object, functions] : catalog.functions()) {
    for (const auto& [name, fn] : functions) {
      ++implemented;
      EXPECT_TRUE(in_schema.count(object + "." + name)) << object << "." << name;
    }
  }
  EXPECT_EQ(implemented, in_schema.size());
}

TEST(CoreCatalog, ArgumentsAndResultsNameDeclaredTypes) {
  const CoreCatalog& catalog = CoreCatalog::Get();
  std::set<std::string> objects, enums;
  for (const auto& o : catalog.schema().objects()) objects.insert(o.name());
  for (const auto& e : catalog.schema().enums()) enums.insert(e.name());
  auto check = [&](const v1::TypeRef& t, const std::string& where) {
    const v1::TypeRef& base = t.kind() == v1::TYPE_KIND_LIST ? t.element() : t;
    if (base.kind() == v1::TYPE_KIND_OBJECT) {
      EXPECT_TRUE(objects.count(base.name())) << where;
    }
    if (base.kind() == v1::TYPE_KIND_ENUM) {
      EXPECT_TRUE(enums.count(base.name())) << where;
    }
  };
  for (const auto& o : catalog.schema().objects()) {
    for (const auto& f : o.functions()) {
      check(f.return_type(), o.name() + "." + f.name());
      for (const auto& a : f.args()) check(a.type(), o.name() + "." + f.name() + " " + a.name());
    }
  }
}

// Text without spaces or line breaks, to compare code however it is indented.
std::string Squeezed(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\n') out += c;
  }
  return out;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(CoreCatalog, TheDocumentedEntryIsTheOneInTheCode) {
  const std::string docs = ReadAll(std::string(HOST_SOURCE_DIR) + "/docs/architecture.md");
  const size_t section = docs.find("## Adding a core function");
  ASSERT_NE(section, std::string::npos);
  const size_t start = docs.find("```cpp\n", section);
  ASSERT_NE(start, std::string::npos);
  const size_t end = docs.find("```", start + 7);
  const std::string example = docs.substr(start + 7, end - start - 7);
  const std::string code = ReadAll(std::string(HOST_SOURCE_DIR) + "/core/types/container.cc");
  EXPECT_NE(Squeezed(code).find(Squeezed(example)), std::string::npos)
      << "docs/architecture.md shows an entry that core/types/container.cc does not have:\n"
      << example;
}

TEST(CoreCatalogDeathTest, ReadingAnUndeclaredArgumentIsABug) {
  const CoreFunction* fn = CoreCatalog::Get().Find("Container", "with-workdir");
  ASSERT_NE(fn, nullptr);
  v1::Call call;
  const std::filesystem::path state = std::filesystem::temp_directory_path() / "host-catalog-test";
  CoreServices services(state, nullptr);
  EXPECT_DEATH(
      {
        CoreCall c(services, call, *fn);
        (void)c.String("not-declared");
      },
      "Container.with-workdir reads an argument it does not declare: not-declared");
}

}  // namespace
}  // namespace host
