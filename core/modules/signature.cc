#include "core/modules/signature.h"

#include <stdlib.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <utility>

#include "core/base/best_effort.h"
#include "core/base/file_write.h"
#include "core/base/sha256.h"
#include "core/base/subprocess.h"

namespace host::modules {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kArmorBegin = "-----BEGIN SSH SIGNATURE-----";
constexpr std::string_view kArmorEnd = "-----END SSH SIGNATURE-----";
// Far above any real signature (an RSA-16384 one is about 5 KiB armored).
constexpr size_t kMaxSignatureBytes = 64 * 1024;
constexpr std::string_view kInstall = "; install openssh-client (ssh-keygen)";

// Key types ssh-keygen can verify SSHSIG signatures of.
constexpr std::array<std::string_view, 7> kKeyTypes = {"ssh-ed25519",
                                                       "ssh-rsa",
                                                       "ecdsa-sha2-nistp256",
                                                       "ecdsa-sha2-nistp384",
                                                       "ecdsa-sha2-nistp521",
                                                       "sk-ssh-ed25519@openssh.com",
                                                       "sk-ecdsa-sha2-nistp256@openssh.com"};

bool IsBase64(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/' || c == '=';
    if (!ok) return false;
  }
  return true;
}

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The words of a line split at spaces and tabs.
std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t at = 0;
  while (at < line.size()) {
    const size_t start = line.find_first_not_of(" \t", at);
    if (start == std::string_view::npos) break;
    size_t end = line.find_first_of(" \t", start);
    if (end == std::string_view::npos) end = line.size();
    words.push_back(line.substr(start, end - start));
    at = end;
  }
  return words;
}

// "TYPE BASE64" of an OpenSSH public key line, or an error saying what is wrong with it.
Result<std::string> KeyOfLine(std::string_view line) {
  if (line.find_first_of("\r\n\0", 0) != std::string_view::npos ||
      line.find('\0') != std::string_view::npos) {
    return Status::Usage("a trusted key must be one line");
  }
  const std::vector<std::string_view> words = Words(line);
  if (words.size() < 2) {
    return Status::Usage("'" + std::string(line) +
                         "' is not an OpenSSH public key line (\"ssh-ed25519 AAAA... comment\")");
  }
  bool known = false;
  for (std::string_view type : kKeyTypes) known = known || words[0] == type;
  if (!known || !IsBase64(words[1])) {
    return Status::Usage("'" + std::string(line) +
                         "' is not an OpenSSH public key line (\"ssh-ed25519 AAAA... comment\")");
  }
  return std::string(words[0]) + " " + std::string(words[1]);
}

// The last non-empty line ssh-keygen wrote, for errors.
std::string LastLine(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  const size_t start = text.rfind('\n');
  return std::string(start == std::string_view::npos ? text : text.substr(start + 1));
}

// Runs ssh-keygen with args, message on its stdin.
Result<SubprocessOutput> RunSshKeygen(std::vector<std::string> args, std::string_view message) {
  SubprocessSpec spec;
  spec.argv = {"ssh-keygen"};
  for (std::string& arg : args) spec.argv.push_back(std::move(arg));
  spec.stdio = {ChildStream::Pipe(), ChildStream::Pipe(), ChildStream::Pipe()};
  Result<SubprocessOutput> output = RunSubprocess(spec, message);
  if (!output.ok()) return Status::Failed(output.status().message() + std::string(kInstall));
  return output;
}

// A private folder (mode 0700) for the files ssh-keygen reads, removed when it goes.
class PrivateFolder {
 public:
  static Result<PrivateFolder> Make() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        (fs::path(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") / "host-sig-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      return Status::Failed("cannot make a private folder at " + pattern +
                            " to check a signature; set TMPDIR to a writable folder");
    }
    return PrivateFolder(pattern);
  }
  PrivateFolder(PrivateFolder&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  PrivateFolder& operator=(PrivateFolder&&) = delete;
  ~PrivateFolder() {
    if (!path_.empty()) RemoveTreeBestEffort(path_);
  }
  const fs::path& path() const { return path_; }

 private:
  explicit PrivateFolder(fs::path path) : path_(std::move(path)) {}
  fs::path path_;
};

}  // namespace

std::optional<std::string> DecodeBase64(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    const size_t value = kBase64Alphabet.find(c);
    if (value == std::string_view::npos) return std::nullopt;
    bits = (bits << 6) | static_cast<uint32_t>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  return out;
}

std::string EncodeBase64(std::string_view bytes) {
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (unsigned char c : bytes) {
    bits = (bits << 8) | c;
    count += 8;
    while (count >= 6) {
      count -= 6;
      out.push_back(kBase64Alphabet[(bits >> count) & 0x3f]);
    }
  }
  if (count > 0) out.push_back(kBase64Alphabet[(bits << (6 - count)) & 0x3f]);
  return out;
}

std::string Fingerprint(std::string_view key) {
  const size_t space = key.find(' ');
  if (space == std::string_view::npos) return "";
  std::optional<std::string> blob = DecodeBase64(key.substr(space + 1));
  if (!blob) return "";
  const std::string hex = Sha256Hex(*blob);
  std::string raw;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    raw.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return "SHA256:" + EncodeBase64(raw);
}

bool IsSignableDigest(std::string_view digest) {
  constexpr std::string_view kPrefix = "sha256:";
  if (digest.size() != kPrefix.size() + 64 || digest.substr(0, kPrefix.size()) != kPrefix) {
    return false;
  }
  for (char c : digest.substr(kPrefix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<std::string> SignDigest(const fs::path& key, std::string_view digest) {
  if (!IsSignableDigest(digest)) {
    return Status::Usage("cannot sign '" + std::string(digest) +
                         "': only a manifest digest (sha256: and 64 hex digits) is signed");
  }
  std::error_code error;
  if (!fs::is_regular_file(key, error)) {
    return Status::Usage("cannot sign with the SSH key " + key.string() +
                         ": no such file; give a private key file, or the .pub of a key in "
                         "ssh-agent");
  }
  Result<SubprocessOutput> output = RunSshKeygen(
      {"-q", "-Y", "sign", "-f", key.string(), "-n", std::string(kSignatureNamespace)}, digest);
  if (!output.ok()) return output.status().Prefixed("cannot sign with " + key.string() + ": ");
  if (!output->exit.success()) {
    return Status::Failed("cannot sign with the SSH key " + key.string() + ": ssh-keygen " +
                          output->exit.Text() + ": " + LastLine(output->err) +
                          "; check the key (a passphrase needs ssh-agent: ssh-add it and give "
                          "its .pub)");
  }
  const std::string& signature = output->out;
  if (signature.rfind(kArmorBegin, 0) != 0 || signature.find(kArmorEnd) == std::string::npos) {
    return Status::Failed("cannot sign with the SSH key " + key.string() +
                          ": ssh-keygen wrote no SSH signature");
  }
  return signature;
}

Result<std::string> VerifyDigest(std::string_view digest, std::string_view signature,
                                 const std::vector<std::string>& public_keys) {
  if (!IsSignableDigest(digest)) {
    return Status::Usage("cannot check a signature of '" + std::string(digest) +
                         "': only a manifest digest (sha256: and 64 hex digits) is signed");
  }
  // A cheap look at the armor before anything touches it.
  std::string_view armored = signature;
  while (!armored.empty() &&
         (armored.front() == '\n' || armored.front() == '\r' || armored.front() == ' ')) {
    armored.remove_prefix(1);
  }
  if (armored.size() > kMaxSignatureBytes || armored.rfind(kArmorBegin, 0) != 0 ||
      armored.find(kArmorEnd) == std::string_view::npos ||
      armored.find('\0') != std::string_view::npos) {
    return Status::Failed("the signature of " + std::string(digest) +
                          " is not a valid SSH signature (no \"" + std::string(kArmorBegin) +
                          "\" armor of at most 64 KiB)");
  }
  std::vector<std::string> keys;  // "TYPE BASE64" of each public_keys[i]
  for (const std::string& line : public_keys) {
    Result<std::string> key = KeyOfLine(line);
    if (!key.ok())
      return key.status().Prefixed("cannot check the signature of " + std::string(digest) + ": ");
    keys.push_back(std::move(*key));
  }

  Result<PrivateFolder> folder = PrivateFolder::Make();
  if (!folder.ok()) return folder.status();
  const fs::path signature_file = folder->path() / "module.sig";
  const fs::path signers_file = folder->path() / "allowed_signers";
  if (Status s = CreateWholeFile(signature_file, armored, 0600); !s.ok()) return s;
  // One principal for every trusted key: one run checks the signature against all of them.
  std::string signers;
  for (const std::string& key : keys) {
    signers += "trusted namespaces=\"" + std::string(kSignatureNamespace) + "\" " + key + "\n";
  }
  if (Status s = CreateWholeFile(signers_file, signers, 0600); !s.ok()) return s;

  if (!keys.empty()) {
    Result<SubprocessOutput> verified =
        RunSshKeygen({"-Y", "verify", "-f", signers_file.string(), "-I", "trusted", "-n",
                      std::string(kSignatureNamespace), "-s", signature_file.string()},
                     digest);
    if (!verified.ok()) return verified.status();
    if (verified->exit.success()) {
      // "Good "host-module" signature for trusted with ED25519 key SHA256:..."
      const std::string said = LastLine(verified->out);
      const size_t at = said.rfind("SHA256:");
      const std::string fingerprint = at == std::string::npos ? "" : said.substr(at);
      for (size_t i = 0; i < keys.size(); ++i) {
        if (!fingerprint.empty() && Fingerprint(keys[i]) == fingerprint) return public_keys[i];
      }
      return Status::Failed("the signature of " + std::string(digest) +
                            " verified, but ssh-keygen named a key that is not trusted (" + said +
                            ")");
    }
  }
  // Why not: is it a well-formed signature, in our namespace, over this digest (by the key it
  // names)? Only then is the answer that no trusted key made it.
  Result<SubprocessOutput> check =
      RunSshKeygen({"-Y", "check-novalidate", "-n", std::string(kSignatureNamespace), "-s",
                    signature_file.string()},
                   digest);
  if (!check.ok()) return check.status();
  if (!check->exit.success()) {
    const std::string said = LastLine(check->err);
    if (said.find("namespace does not match") != std::string::npos) {
      return Status::Failed("the signature of " + std::string(digest) +
                            " was made for another use (its SSHSIG namespace is not \"" +
                            std::string(kSignatureNamespace) +
                            "\"); sign with `host publish --sign`");
    }
    if (said.find("incorrect signature") != std::string::npos) {
      return Status::Failed("the signature does not match " + std::string(digest) +
                            ": the module or its signature was changed after signing");
    }
    return Status::Failed("the signature of " + std::string(digest) +
                          " is not a valid SSH signature (ssh-keygen: " + said + ")");
  }
  if (keys.empty()) {
    return Status::Failed("the module " + std::string(digest) +
                          " is signed by no trusted key: no trusted_keys in the config file "
                          "match it");
  }
  return Status::Failed("the module " + std::string(digest) +
                        " is signed by no trusted key; add its signer's public key to "
                        "trusted_keys in the config file if you trust it");
}

}  // namespace host::modules
