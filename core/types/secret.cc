// Secret: a value that never appears in output.
#include "core/types/core_function.h"

namespace host {

using namespace decl;

void DeclareSecret(CoreCatalog& catalog) {
  catalog.Object<SecretState>("A value that never appears in output.")
      .Fn("name", "The secret's name.", {},
          [](CoreCall&, const SecretState& s) -> Result<std::string> { return s.name; })
      .Fn(
          "plaintext", "The secret's value (scrubbed from anything the engine prints).", {},
          [](CoreCall&, const SecretState& s) -> Result<std::string> { return s.plaintext; },
          v1::CACHE_POLICY_NEVER);
}

}  // namespace host
