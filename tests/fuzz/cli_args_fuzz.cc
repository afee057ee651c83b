// Fuzzes what the CLI does with the text of a flag: `host call ... --NAME TEXT [--NAME TEXT...]`.
// The input is NUL-separated: the first byte of the first field chooses the flag's type among the
// fuzz schema's types; each later field is the text of one occurrence of the flag. A value the
// parser accepts must have the flag's type, print without trouble, and (for Int, Boolean and
// enum values) read back as itself from the text help shows. Flag names go through the same
// kebab-case naming and "did you mean" suggestions as the CLI's call-chain parser.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/base/names.h"
#include "registry/type_registry.h"
#include "registry/value_text.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_schema.h"

namespace {

using host::fuzz::Expect;

// The registry holding the fuzz schema, made once.
const host::TypeRegistry& Registry() {
  static const host::TypeRegistry* registry = [] {
    auto* made = new host::TypeRegistry();
    host::Result<const host::ModuleInfo*> added = made->AddModule(host::fuzz::SchemaModule());
    Expect(added.ok(), "the fuzz schema does not register");
    return made;
  }();
  return *registry;
}

// The NUL-separated fields of the input.
std::vector<std::string> Fields(const uint8_t* data, size_t size) {
  std::vector<std::string> fields(1);
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      fields.emplace_back();
    } else {
      fields.back() += static_cast<char>(data[i]);
    }
  }
  return fields;
}

// Whether the default text of a scalar of this kind reads back as the same value.
bool RoundTrips(host::v1::TypeKind kind) {
  return kind == host::v1::TYPE_KIND_INT || kind == host::v1::TYPE_KIND_BOOLEAN ||
         kind == host::v1::TYPE_KIND_ENUM;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> fields = Fields(data, size);
  if (fields.size() < 2 || fields[0].empty()) return 0;  // a flag is given at least once
  const std::vector<host::v1::TypeRef> types = host::fuzz::SchemaTypes();
  const host::v1::TypeRef& type = types[static_cast<unsigned char>(fields[0][0]) % types.size()];
  const std::string flag_name = fields[0].substr(1);
  const std::vector<std::string> texts(fields.begin() + 1, fields.end());
  const host::TypeRegistry& registry = Registry();

  // The flag's name, as the call-chain parser reads it.
  const std::string key = host::KebabCase(flag_name);
  Expect(host::KebabCase(key) == key, "KebabCase is not idempotent");
  (void)host::DidYouMean(key, {"arg-0", "arg-1", "mood", "greeting", "with-mood", "say-hello"});

  host::Result<host::v1::Value> value = host::cli::ParseFlagValue(texts, type, registry, "--x");
  if (!value.ok()) {
    Expect(!value.status().message().empty(), "a rejected value has no message");
    return 0;
  }
  Expect(registry.Conforms(*value, type), "an accepted value does not have the flag's type");
  (void)host::cli::FormatText(*value);
  (void)host::cli::FormatJson(*value, registry);
  const std::string shown = host::cli::FormatDefault(*value);
  if (RoundTrips(type.kind())) {
    host::Result<host::v1::Value> again = host::cli::ParseFlagValue({shown}, type, registry, "--x");
    Expect(again.ok(), "the printed value does not parse again");
    Expect(again->SerializeAsString() == value->SerializeAsString(),
           "the printed value parses to another value");
  }
  return 0;
}
