// Signatures of published modules: OpenSSH SSHSIG signatures (what `ssh-keygen -Y` and git make)
// over a manifest digest string, in the namespace "host-module", made and checked with ssh-keygen.
#ifndef HOST_MODULES_SIGNATURE_H_
#define HOST_MODULES_SIGNATURE_H_

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace host::modules {

// The SSHSIG namespace every module signature is made in, so that a signature made for git or
// for files cannot pass as a module's.
inline constexpr std::string_view kSignatureNamespace = "host-module";

// Whether digest is a manifest digest as signatures cover it: "sha256:" and 64 lowercase hex.
bool IsSignableDigest(std::string_view digest);

// Decodes base64 (padding optional); nullopt when text is not base64.
std::optional<std::string> DecodeBase64(std::string_view text);

// Encodes bytes as base64 without padding, as OpenSSH prints fingerprints.
std::string EncodeBase64(std::string_view bytes);

// OpenSSH's fingerprint of a "TYPE BASE64" key: "SHA256:" and the unpadded base64 of the
// SHA-256 of the key blob; "" when the blob is not base64.
std::string Fingerprint(std::string_view key);

// Signs digest (the message is exactly its text, no newline) with the SSH key at key: a private
// key file, or a public key (.pub) whose private half an ssh-agent holds. Returns the armored
// signature ("-----BEGIN SSH SIGNATURE-----..."). Errors name the key and quote ssh-keygen.
Result<std::string> SignDigest(const std::filesystem::path& key, std::string_view digest);

// Checks an armored signature over digest against public_keys (OpenSSH public key lines,
// "ssh-ed25519 AAAA... comment"); works offline. Returns the line of the key that made it, or
// an error saying why not: not a valid SSH signature, made in another namespace, not matching
// the digest, or signed by no trusted key.
Result<std::string> VerifyDigest(std::string_view digest, std::string_view signature,
                                 const std::vector<std::string>& public_keys);

}  // namespace host::modules

#endif  // HOST_MODULES_SIGNATURE_H_
