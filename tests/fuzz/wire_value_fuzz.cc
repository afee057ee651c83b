// Fuzzes the wire decoder and what host does with what it decodes. The first byte chooses the
// message; the rest is its protobuf encoding:
//   0: a Value, as a module returns it: checked against every schema type (CheckValue and its
//      fast path Conforms must agree) and printed as the CLI prints results (text, JSON, default);
//   1: a Call, as a client sends it: prepared against the schema (names, argument checks,
//      defaults); a prepared call is prepared again and must pass unchanged;
//   2: a ModuleDef, as a module describes itself: validated and added to a registry, then each
//      member's result type named.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <google/protobuf/stubs/logging.h>

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

void FuzzValue(const uint8_t* data, size_t size) {
  host::v1::Value value;
  if (!value.ParseFromArray(data, static_cast<int>(size))) return;
  const host::TypeRegistry& registry = Registry();
  for (const host::v1::TypeRef& type : host::fuzz::SchemaTypes()) {
    const bool conforms = registry.Conforms(value, type);
    const host::Status checked = registry.CheckValue(value, type, "the fuzzed value");
    Expect(conforms == checked.ok(), "CheckValue and Conforms disagree");
    if (!checked.ok()) Expect(!checked.message().empty(), "CheckValue fails without a message");
  }
  (void)host::cli::FormatText(value);
  (void)host::cli::FormatJson(value, registry);
  (void)host::cli::FormatDefault(value);
}

void FuzzCall(const uint8_t* data, size_t size) {
  host::v1::Call call;
  if (!call.ParseFromArray(data, static_cast<int>(size))) return;
  const host::TypeRegistry& registry = Registry();
  host::Result<const host::MemberInfo*> member = registry.PrepareCall(&call);
  if (!member.ok()) {
    Expect(!member.status().message().empty(), "PrepareCall fails without a message");
    return;
  }
  Expect(*member != nullptr, "PrepareCall gives no member");
  bool changed = true;
  host::Result<const host::MemberInfo*> again = registry.PrepareCall(&call, &changed);
  Expect(again.ok(), "a prepared call does not prepare again");
  Expect(*again == *member, "a prepared call prepares to another member");
  Expect(!changed, "preparing a prepared call changes it");
  (void)host::TypeRegistry::TypeName((*member)->return_type());
}

void FuzzModule(const uint8_t* data, size_t size) {
  host::v1::ModuleDef def;
  if (!def.ParseFromArray(data, static_cast<int>(size))) return;
  host::TypeRegistry registry;
  host::Result<const host::ModuleInfo*> added = registry.AddModule(def);
  if (!added.ok()) {
    Expect(!added.status().message().empty(), "AddModule fails without a message");
    return;
  }
  Expect(registry.FindModule(def.name()) == *added, "an added module is not found by name");
  Expect((*added)->main != nullptr, "an added module has no main object");
  for (const auto& object : (*added)->def.objects()) {
    const host::ObjectInfo* info = registry.FindObject(object.name());
    Expect(info != nullptr, "an object of an added module is not found");
    for (const auto& [name, member] : info->members) {
      (void)host::TypeRegistry::TypeName(member.return_type());
      (void)member.description();
    }
  }
}

}  // namespace

// Silences protobuf's log line for each string that is not UTF-8: such a message is refused, which
// is what is tested, and the lines would bury the fuzzer's own output.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  switch (data[0] % 3) {
    case 0:
      FuzzValue(data + 1, size - 1);
      break;
    case 1:
      FuzzCall(data + 1, size - 1);
      break;
    default:
      FuzzModule(data + 1, size - 1);
      break;
  }
  return 0;
}
