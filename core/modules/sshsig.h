// Reading an armored OpenSSH SSHSIG signature (PROTOCOL.sshsig) without checking it: which key
// made it and for which namespace, as the module index shows them. Input is untrusted.
#ifndef HOST_MODULES_SSHSIG_H_
#define HOST_MODULES_SSHSIG_H_

#include <string>
#include <string_view>

#include "core/base/status.h"

namespace host::modules {

// The parts of an SSHSIG signature.
struct SshSignature {
  std::string key_type;        // "ssh-ed25519", from the public key blob
  std::string public_key;      // the key as an OpenSSH line: "ssh-ed25519 AAAA..." (no comment)
  std::string fingerprint;     // "SHA256:..." of the public key blob, as ssh-keygen prints it
  std::string sig_namespace;   // "host-module" for module signatures
  std::string hash_algorithm;  // "sha512" or "sha256"
  std::string signature;       // the signature blob (bytes), not checked here
};

// Parses "-----BEGIN SSH SIGNATURE-----" base64 "-----END SSH SIGNATURE-----" (at most 64 KiB):
// the magic "SSHSIG", version 1, public key, namespace, reserved, hash algorithm and signature.
// Anything else, truncated or trailing, is an error saying what is wrong.
Result<SshSignature> ParseSshSignature(std::string_view armored);

}  // namespace host::modules

#endif  // HOST_MODULES_SSHSIG_H_
