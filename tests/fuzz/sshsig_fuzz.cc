// Fuzzes the reading of SSHSIG signatures that registries serve beside modules. The first byte
// chooses whether the rest is the armored text as it is, or the binary signature that this target
// armors first (so that the fuzzer reaches the fields). A parsed signature must name its key by a
// fingerprint that matches its key line.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/modules/signature.h"
#include "core/modules/sshsig.h"
#include "tests/fuzz/fuzz_check.h"

using host::fuzz::Expect;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string armored;
  if (data[0] & 1) {
    armored = "-----BEGIN SSH SIGNATURE-----\n" + host::modules::EncodeBase64(rest) +
              "\n-----END SSH SIGNATURE-----\n";
  } else {
    armored = std::string(rest);
  }
  host::Result<host::modules::SshSignature> parsed = host::modules::ParseSshSignature(armored);
  if (!parsed.ok()) {
    Expect(!parsed.status().message().empty(), "a refused signature has no message");
    return 0;
  }
  Expect(!parsed->key_type.empty(), "a parsed signature has no key type");
  Expect(parsed->public_key.rfind(parsed->key_type + " ", 0) == 0, "a key line without its type");
  Expect(parsed->fingerprint == host::modules::Fingerprint(parsed->public_key),
         "a fingerprint that is not its key's");
  Expect(parsed->fingerprint.rfind("SHA256:", 0) == 0, "a fingerprint without SHA256:");
  return 0;
}
