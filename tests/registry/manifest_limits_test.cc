// Limits of module.json: huge names, versions and dependency names, out-of-range timeouts, and
// the patterns of the schema, matched by plain code.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/base/names.h"
#include "registry/manifest.h"
#include "registry/schema_patterns.h"
#include "tests/support/run.h"

namespace host {
namespace {

Result<Manifest> Parse(const std::string& text) { return ParseManifest(text, "/m/module.json"); }

// Found by tests/fuzz/manifest_fuzz: a number past double's range threw from the parser.
TEST(ManifestLimits, ANumberPastDoublesRangeIsAUsageError) {
  for (const char* text :
       {"1e30000", R"({"name":"x","runtime":{"command":["x"],"start_timeout":1e400}})"}) {
    Result<Manifest> parsed = Parse(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().kind(), ErrorKind::kUsage);
    EXPECT_NE(parsed.status().message().find("not valid JSON"), std::string::npos)
        << parsed.status().message();
  }
}

TEST(ManifestLimits, HugeNameVersionAndDependencyNameAreRefusedClearly) {
  const std::string huge(30000, 'a');
  Result<Manifest> name = Parse(R"({"name":")" + huge + R"("})");
  ASSERT_FALSE(name.ok());
  EXPECT_EQ(name.status().kind(), ErrorKind::kUsage);
  EXPECT_NE(
      name.status().message().find("  /name: is 30000 characters long; at most 128 are allowed"),
      std::string::npos)
      << name.status().message();
  EXPECT_LT(name.status().message().size(), 300u);

  Result<Manifest> version = Parse(R"({"name":"x","version":"1.2.3-)" + huge + R"("})");
  ASSERT_FALSE(version.ok());
  EXPECT_NE(version.status().message().find("  /version: is 30006 characters long"),
            std::string::npos)
      << version.status().message();

  Result<Manifest> dependency =
      Parse(R"({"name":"x","dependencies":[{"name":")" + huge + R"("}]})");
  ASSERT_FALSE(dependency.ok());
  EXPECT_NE(dependency.status().message().find("  /dependencies/0/name: is 30000 characters"),
            std::string::npos)
      << dependency.status().message();

  // A long string that is no name at all is quoted in part, not whole.
  Result<Manifest> spaces = Parse(R"({"name":"a )" + std::string(100, 'b') + R"("})");
  ASSERT_FALSE(spaces.ok());
  EXPECT_NE(spaces.status().message().find("... (102 bytes) does not match the pattern"),
            std::string::npos)
      << spaces.status().message();
}

TEST(ManifestLimits, LongestNameAndVersionAreAccepted) {
  const std::string name(kMaxModuleNameLength, 'a');
  Result<Manifest> m = Parse(R"({"name":")" + name + R"(","version":"1.0.0+build.7-x"})");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->name, name);
  EXPECT_FALSE(Parse(R"({"name":")" + name + R"(a"})").ok());
}

TEST(ManifestLimits, PatternsAreMatchedAsTheSchemaSpellsThem) {
  EXPECT_TRUE(IsModuleName("a"));
  EXPECT_TRUE(IsModuleName("my-module-2"));
  for (const char* bad : {"", "A", "1a", "-a", "a_b", "a b", "é", "a\n"}) {
    EXPECT_FALSE(IsModuleName(bad)) << bad;
  }
  EXPECT_FALSE(IsModuleName(std::string("a\0b", 3)));
  for (const char* good : {"0.0.0", "1.2.3", "10.20.30-rc.1", "1.0.0+build-5", "1.0.0-a.b-c"}) {
    EXPECT_TRUE(IsSemanticVersion(good)) << good;
  }
  for (const char* bad :
       {"", "1", "1.2", "1.2.3.", "1.2.3-", "a.b.c", "1.2.3_x", "1..3", "v1.2.3", "1.2.3-é"}) {
    EXPECT_FALSE(IsSemanticVersion(bad)) << bad;
  }
  // Every pattern module.json.schema uses has a matcher (an unknown one would refuse all files).
  std::vector<std::string> patterns;
  std::vector<const nlohmann::json*> todo = {};
  nlohmann::json schema = nlohmann::json::parse(kModuleJsonSchema);
  todo.push_back(&schema);
  while (!todo.empty()) {
    const nlohmann::json* node = todo.back();
    todo.pop_back();
    if (node->is_object() && node->contains("pattern")) patterns.push_back(node->at("pattern"));
    if (node->is_structured()) {
      for (const auto& child : *node) todo.push_back(&child);
    }
  }
  EXPECT_EQ(patterns.size(), 4u);  // name, version, dependency name, pin
  for (const auto& p : patterns) EXPECT_NE(FindPatternMatcher(p), nullptr) << p;
  PatternMatcher digest = FindPatternMatcher("^sha256:[0-9a-f]{64}$");
  ASSERT_NE(digest, nullptr);
  EXPECT_TRUE(digest("sha256:" + std::string(64, 'f')));
  EXPECT_FALSE(digest("sha256:" + std::string(64, 'F')));
  EXPECT_FALSE(digest("sha256:" + std::string(63, 'f')));
  EXPECT_EQ(FindPatternMatcher("^(a+)+$"), nullptr);
}

TEST(ManifestLimits, TimeoutsAreBounded) {
  auto runtime = [](const std::string& fields) {
    return Parse(R"({"name":"x","runtime":{"command":["node"],)" + fields + "}}");
  };
  Result<Manifest> huge = runtime(R"("start_timeout":1e300)");
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.status().message().find("  /runtime/start_timeout: must be at most 3600"),
            std::string::npos)
      << huge.status().message();
  Result<Manifest> call = runtime(R"("call_timeout":1e300)");
  ASSERT_FALSE(call.ok());
  EXPECT_NE(call.status().message().find("  /runtime/call_timeout: must be at most 604800"),
            std::string::npos)
      << call.status().message();
  Result<Manifest> zero = runtime(R"("start_timeout":0)");
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.status().message().find("  /runtime/start_timeout: must be above 0"),
            std::string::npos)
      << zero.status().message();
  EXPECT_FALSE(runtime(R"("call_timeout":-1)").ok());
  Result<Manifest> edge = runtime(R"("start_timeout":3600,"call_timeout":604800)");
  ASSERT_TRUE(edge.ok()) << edge.status().message();
  EXPECT_EQ(edge->start_timeout, 3600);
}

TEST(ManifestLimits, OversizedOrUnreadableFilesAreRefused) {
  std::string dir = test::TempDir();
  {
    std::ofstream out(dir + "/module.json");
    out << R"({"name":"x","description":")" << std::string(kMaxManifestBytes, 'd') << R"("})";
  }
  Result<Manifest> big = LoadManifest(dir + "/module.json");
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("is larger than 4 MiB"), std::string::npos)
      << big.status().message();
  std::filesystem::create_directory(dir + "/folder.json");
  Result<Manifest> folder = LoadManifest(dir + "/folder.json");
  EXPECT_FALSE(folder.ok());
  Result<Manifest> long_name = LoadManifest(dir + "/" + std::string(300, 'n') + "/module.json");
  ASSERT_FALSE(long_name.ok());
  EXPECT_NE(long_name.status().message().find("cannot be read (File name too long)"),
            std::string::npos)
      << long_name.status().message();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace host
