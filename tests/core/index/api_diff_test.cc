#include "core/index/api_diff.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace host::index {
namespace {

using Json = nlohmann::json;

bool Has(const std::vector<ApiChange>& changes, const std::string& subject,
         const std::string& detail = "*") {
  return std::any_of(changes.begin(), changes.end(), [&](const ApiChange& c) {
    return c.subject == subject && (detail == "*" || c.detail == detail);
  });
}

Json Schema(Json functions, Json enums = Json::array()) {
  return {{"name", "pulumi"},
          {"main_object", "Pulumi"},
          {"objects",
           {{{"name", "Pulumi"}, {"description", "Runs Pulumi."}, {"functions", functions}}}},
          {"enums", enums}};
}

Json Arg(const std::string& name, const std::string& type) {
  return {{"name", name}, {"cli_name", name}, {"type", type}, {"description", ""}};
}

TEST(ApiDiffTest, SameSchemaHasNoChanges) {
  Json schema = Schema({{{"name", "up"}, {"cli_name", "up"}, {"returns", "String"}}});
  EXPECT_TRUE(DiffSchemas(schema, schema).empty());
}

TEST(ApiDiffTest, FunctionsAddedAndRemoved) {
  Json before = Schema({{{"name", "up"}, {"cli_name", "up"}, {"returns", "String"}}});
  Json after = Schema({{{"name", "preview"}, {"cli_name", "preview"}, {"returns", "String"}}});
  ApiDiff diff = DiffSchemas(before, after);
  EXPECT_TRUE(Has(diff.added, "function Pulumi.preview"));
  EXPECT_TRUE(Has(diff.removed, "function Pulumi.up"));
  EXPECT_TRUE(diff.changed.empty());
}

TEST(ApiDiffTest, ArgumentTypeDefaultAndRequiredChanges) {
  Json a = Arg("src", "Directory");
  Json b = Arg("src", "Directory?");
  Json c = Arg("stack", "String");
  Json d = Arg("stack", "String");
  d["default"] = "dev";
  Json e = Arg("old", "Int");
  Json before =
      Schema({{{"name", "up"}, {"cli_name", "up"}, {"returns", "String"}, {"args", {a, c, e}}}});
  Json after = Schema({{{"name", "up"},
                        {"cli_name", "up"},
                        {"returns", "Void"},
                        {"args", {b, d, Arg("new", "Boolean")}}}});
  ApiDiff diff = DiffSchemas(before, after);
  EXPECT_TRUE(Has(diff.changed, "argument Pulumi.up --src", "type Directory → Directory?"));
  EXPECT_TRUE(Has(diff.changed, "argument Pulumi.up --src", "required → optional"));
  EXPECT_TRUE(Has(diff.changed, "argument Pulumi.up --stack", "default (none) → \"dev\""));
  EXPECT_TRUE(Has(diff.changed, "function Pulumi.up", "return type String → Void"));
  EXPECT_TRUE(Has(diff.added, "argument Pulumi.up --new (required)"));
  EXPECT_TRUE(Has(diff.removed, "argument Pulumi.up --old"));
}

TEST(ApiDiffTest, DescriptionChangesAreMinor) {
  Json before = Schema({{{"name", "up"}, {"cli_name", "up"}, {"description", "Deploys."}}});
  Json after = Schema({{{"name", "up"}, {"cli_name", "up"}, {"description", "Deploys a stack."}}});
  ApiDiff diff = DiffSchemas(before, after);
  EXPECT_TRUE(diff.changed.empty());
  EXPECT_TRUE(Has(diff.minor, "function Pulumi.up", "description Deploys. → Deploys a stack."));
}

TEST(ApiDiffTest, ObjectsEnumsAndValues) {
  Json before = Schema(Json::array(),
                       {{{"name", "Part"}, {"values", {{{"name", "MAJOR"}}, {{"name", "MINOR"}}}}},
                        {{"name", "Gone"}, {"values", Json::array()}}});
  Json after = Schema(Json::array(),
                      {{{"name", "Part"}, {"values", {{{"name", "MAJOR"}}, {{"name", "PATCH"}}}}}});
  after["objects"].push_back({{"name", "Stack"}});
  before["objects"].push_back({{"name", "Old"}});
  ApiDiff diff = DiffSchemas(before, after);
  EXPECT_TRUE(Has(diff.added, "object Stack"));
  EXPECT_TRUE(Has(diff.removed, "object Old"));
  EXPECT_TRUE(Has(diff.added, "enum value Part.PATCH"));
  EXPECT_TRUE(Has(diff.removed, "enum value Part.MINOR"));
  EXPECT_TRUE(Has(diff.removed, "enum Gone"));
}

TEST(ApiDiffTest, ConstructorArgumentsAndFields) {
  Json before = Schema(Json::array());
  Json after = Schema(Json::array());
  before["objects"][0]["constructor"] = {{"args", {Arg("version", "String")}}};
  after["objects"][0]["constructor"] = {{"args", Json::array()}};
  before["objects"][0]["fields"] = {Arg("major", "Int")};
  after["objects"][0]["fields"] = {Arg("major", "String")};
  ApiDiff diff = DiffSchemas(before, after);
  EXPECT_TRUE(Has(diff.removed, "argument Pulumi constructor --version"));
  EXPECT_TRUE(Has(diff.changed, "field Pulumi.major", "type Int → String"));
}

TEST(ApiDiffTest, WrongShapesReadAsEmpty) {
  EXPECT_TRUE(DiffSchemas(nullptr, nullptr).empty());
  EXPECT_TRUE(DiffSchemas(Json::array({1, 2}), "text").empty());
  Json odd = {{"objects", {1, "x", {{"name", 5}}, {{"name", "A"}, {"functions", "nope"}}}},
              {"enums", {{{"name", "E"}, {"values", {{{"name", Json::array()}}}}}}}};
  ApiDiff diff = DiffSchemas(nullptr, odd);
  EXPECT_TRUE(Has(diff.added, "object A"));
  EXPECT_TRUE(Has(diff.added, "enum E"));
  EXPECT_TRUE(DiffSchemas(odd, odd).empty());
}

TEST(ApiDiffTest, DeeplyNestedDefaultsAreShownShort) {
  Json deep = 1;
  for (int i = 0; i < 100; ++i) deep = Json::array({deep});
  Json a = Arg("x", "Int"), b = Arg("x", "Int");
  a["default"] = deep;
  b["default"] = 2;
  ApiDiff diff = DiffSchemas(Schema({{{"cli_name", "f"}, {"args", {a}}}}),
                             Schema({{{"cli_name", "f"}, {"args", {b}}}}));
  EXPECT_TRUE(Has(diff.changed, "argument Pulumi.f --x", "default … → 2"));
}

TEST(ApiDiffTest, RequiredArguments) {
  EXPECT_TRUE(IsRequiredArgument(Arg("a", "String")));
  EXPECT_FALSE(IsRequiredArgument(Arg("a", "String?")));
  Json with_default = Arg("a", "String");
  with_default["default"] = nullptr;
  EXPECT_FALSE(IsRequiredArgument(with_default));
  EXPECT_FALSE(IsRequiredArgument("text"));
}

}  // namespace
}  // namespace host::index
