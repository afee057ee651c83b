// Fuzzes the command line's grammar: the input is argv (NUL-separated) of `host ... call ...` on
// the fuzz schema's module; global options are taken as the CLI takes them, then the rest is
// parsed into a chain of calls. An accepted chain must start at the constructor, have a function
// in every later step, each a member of the object the step before returns, and give only flags
// that the step's member has.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/cli/call_chain.h"
#include "registry/type_registry.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_schema.h"

namespace {

using host::fuzz::Expect;

struct Loaded {
  host::TypeRegistry registry;
  const host::ModuleInfo* module = nullptr;
};

// The registry holding the fuzz schema, made once.
const Loaded& Schema() {
  static const Loaded* loaded = [] {
    auto* made = new Loaded();
    host::Result<const host::ModuleInfo*> added =
        made->registry.AddModule(host::fuzz::SchemaModule());
    Expect(added.ok(), "the fuzz schema does not register");
    made->module = *added;
    return made;
  }();
  return *loaded;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::vector<std::string> args(1);
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.emplace_back();
    } else {
      args.back() += static_cast<char>(data[i]);
    }
  }
  host::cli::GlobalOptions options;
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    const size_t before = i;
    host::Result<bool> global = host::cli::TakeGlobal(args, &i, &options);
    if (!global.ok()) {
      Expect(!global.status().message().empty(), "a refused option has no message");
      return 0;
    }
    Expect(i >= before && i < args.size(), "TakeGlobal moved past the arguments");
    if (!*global) rest.push_back(args[i]);
  }
  const Loaded& schema = Schema();
  std::string help;
  host::Result<std::vector<host::cli::Step>> steps =
      host::cli::ParseChain(rest, *schema.module, schema.registry, &options, &help);
  if (!steps.ok()) {
    Expect(!steps.status().message().empty(), "a refused chain has no message");
    return 0;
  }
  Expect(!steps->empty() && (*steps)[0].member == &schema.module->main->constructor,
         "the chain does not start at the constructor");
  if (!help.empty()) return 0;
  Expect(steps->size() >= 2, "an accepted chain calls no function");
  for (size_t s = 0; s < steps->size(); ++s) {
    const host::cli::Step& step = (*steps)[s];
    Expect(step.member != nullptr, "a step has no member");
    if (s > 0) {
      const host::ObjectInfo* object =
          host::cli::ResultObject(schema.registry, *(*steps)[s - 1].member);
      Expect(object != nullptr && step.member->object == object,
             "a step is not a member of what the step before returns");
    }
    for (const auto& [key, texts] : step.flags) {
      const auto& keys = step.member->arg_keys;
      Expect(std::find(keys.begin(), keys.end(), key) != keys.end(),
             "a flag the member does not have was accepted");
      Expect(!texts.empty(), "a flag with no text");
    }
  }
  return 0;
}
