#include "registry/manifest.h"

#include <gtest/gtest.h>

namespace host {
namespace {

Result<Manifest> Parse(const std::string& text) { return ParseManifest(text, "/m/module.json"); }

TEST(Manifest, ReadsFieldsAndDefaults) {
  Result<Manifest> m = Parse(
      R"({"name":"iac","version":"1.2.3","dependencies":[{"name":"pulumi","source":"../pulumi"},
          {"name":"gh"}]})");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->name, "iac");
  EXPECT_EQ(m->version, "1.2.3");
  EXPECT_EQ(m->sdk, "cpp");
  EXPECT_EQ(m->object_path(), "/m/build/libiac.so");
  ASSERT_EQ(m->dependencies.size(), 2u);
  EXPECT_EQ(m->dependencies[0].source, "../pulumi");
  EXPECT_EQ(m->dependencies[1].source, "gh");
}

TEST(Manifest, MalformedJsonSaysWhere) {
  Result<Manifest> m = Parse(R"({"name": "x",})");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().kind(), ErrorKind::kUsage);
  EXPECT_NE(m.status().message().find("/m/module.json: not valid JSON: parse error"),
            std::string::npos)
      << m.status().message();
}

TEST(Manifest, SchemaErrorsNameTheJsonPointer) {
  Result<Manifest> m = Parse(
      R"({"name":"Bad Name","version":"one","colour":"red",
          "dependencies":[{"name":"ok"},{"source":"../x"}]})");
  ASSERT_FALSE(m.ok());
  const std::string& msg = m.status().message();
  EXPECT_NE(msg.find("/m/module.json: does not match module.json.schema:"), std::string::npos);
  EXPECT_NE(msg.find("  /name: \"Bad Name\" does not match the pattern ^[a-z][a-z0-9-]*$"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("  /version: \"one\" does not match the pattern"), std::string::npos) << msg;
  EXPECT_NE(msg.find("  /colour: is not a known property"), std::string::npos) << msg;
  EXPECT_NE(msg.find("  /dependencies/1/name: is required but missing"), std::string::npos) << msg;
}

TEST(Manifest, WrongTypeAndMissingName) {
  Result<Manifest> m = Parse(R"({"version":"1.0.0","dependencies":"pulumi"})");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("  /name: is required but missing"), std::string::npos);
  EXPECT_NE(m.status().message().find("  /dependencies: must be of type array"), std::string::npos)
      << m.status().message();
}

TEST(Manifest, MissingFile) {
  Result<Manifest> m = LoadManifest("/nonexistent/module.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "/nonexistent/module.json: cannot be read (no such file)");
}

}  // namespace
}  // namespace host
