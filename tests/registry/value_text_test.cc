#include "registry/value_text.h"

#include <gtest/gtest.h>

#include <string>

namespace host::cli {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

v1::Value String(const std::string& text) {
  v1::Value value;
  value.set_string_value(text);
  return value;
}

// Found by tests/fuzz/cli_args_fuzz: `--json` on a String that is not UTF-8 (from a flag or a
// module) threw nlohmann::json's type_error out of the CLI, which aborted host.
TEST(ValueText, StringsThatAreNotUtf8PrintWithReplacementCharacters) {
  TypeRegistry registry;
  const std::string bad = "d\xdd\xdd\"e";
  EXPECT_EQ(FormatText(String(bad)), bad + "\n");  // plain text passes the bytes on
  std::string json;
  ASSERT_NO_THROW(json = FormatJson(String(bad), registry));
  EXPECT_EQ(json, std::string("\"d") + kReplacement + kReplacement + "\\\"e\"\n");
  std::string shown;
  ASSERT_NO_THROW(shown = FormatDefault(String(bad)));
  EXPECT_EQ(shown, std::string("\"d") + kReplacement + kReplacement + "\\\"e\"");
}

TEST(ValueText, ListsOfStringsThatAreNotUtf8Print) {
  TypeRegistry registry;
  v1::TypeRef type;
  type.set_kind(v1::TYPE_KIND_LIST);
  type.mutable_element()->set_kind(v1::TYPE_KIND_STRING);
  Result<v1::Value> list =
      ParseFlagValue({"a,\"b,c\",\"d\xdd\xdd\xdd\"\"e\"", "f"}, type, registry, "--tags");
  ASSERT_TRUE(list.ok()) << list.status().message();
  ASSERT_EQ(list->list_value().items_size(), 4);
  std::string json;
  ASSERT_NO_THROW(json = FormatJson(*list, registry));
  EXPECT_NE(json.find(kReplacement), std::string::npos) << json;
  v1::Value nested;
  *nested.mutable_list_value()->add_items() = *list;  // a list item printed as JSON text
  std::string text;
  ASSERT_NO_THROW(text = FormatText(nested));
  EXPECT_NE(text.find(kReplacement), std::string::npos) << text;
}

}  // namespace
}  // namespace host::cli
