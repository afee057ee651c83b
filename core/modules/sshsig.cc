#include "core/modules/sshsig.h"

#include <cstdint>
#include <optional>

#include "core/modules/signature.h"

namespace host::modules {
namespace {

constexpr std::string_view kBegin = "-----BEGIN SSH SIGNATURE-----";
constexpr std::string_view kEnd = "-----END SSH SIGNATURE-----";
constexpr size_t kMaxArmoredBytes = 64 * 1024;
constexpr size_t kMaxKeyTypeBytes = 64;

// Reads the wire encoding of PROTOCOL.sshsig: big-endian uint32s and length-prefixed strings.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}

  std::optional<uint32_t> Uint32() {
    if (rest_.size() < 4) return std::nullopt;
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(rest_[i]);
    rest_.remove_prefix(4);
    return value;
  }
  std::optional<std::string_view> String() {
    std::optional<uint32_t> size = Uint32();
    if (!size || *size > rest_.size()) return std::nullopt;
    std::string_view out = rest_.substr(0, *size);
    rest_.remove_prefix(*size);
    return out;
  }
  std::optional<std::string_view> Bytes(size_t count) {
    if (count > rest_.size()) return std::nullopt;
    std::string_view out = rest_.substr(0, count);
    rest_.remove_prefix(count);
    return out;
  }
  bool empty() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

// Whether text is printable ASCII without spaces (a key type or algorithm name).
bool IsName(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

// Base64 with padding, as OpenSSH writes public key lines.
std::string PaddedBase64(std::string_view bytes) {
  std::string out = EncodeBase64(bytes);
  while (out.size() % 4 != 0) out.push_back('=');
  return out;
}

}  // namespace

Result<SshSignature> ParseSshSignature(std::string_view armored) {
  auto invalid = [](const std::string& why) {
    return Status::Failed("not a valid SSH signature: " + why);
  };
  if (armored.size() > kMaxArmoredBytes) return invalid("it is larger than 64 KiB");
  while (!armored.empty() && (armored.front() == ' ' || armored.front() == '\n' ||
                              armored.front() == '\r' || armored.front() == '\t')) {
    armored.remove_prefix(1);
  }
  if (armored.substr(0, kBegin.size()) != kBegin)
    return invalid("no \"" + std::string(kBegin) + "\"");
  armored.remove_prefix(kBegin.size());
  const size_t end = armored.find(kEnd);
  if (end == std::string_view::npos) return invalid("no \"" + std::string(kEnd) + "\"");
  for (char c : armored.substr(end + kEnd.size())) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return invalid("text after its end");
  }
  std::string base64;
  for (char c : armored.substr(0, end)) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    base64.push_back(c);
  }
  const size_t padding = base64.find('=');
  if (padding != std::string::npos && base64.find_first_not_of('=', padding) != std::string::npos) {
    return invalid("'=' inside its base64");
  }
  std::optional<std::string> blob = DecodeBase64(base64);
  if (!blob) return invalid("its body is not base64");

  Reader reader(*blob);
  std::optional<std::string_view> magic = reader.Bytes(6);
  if (!magic || *magic != "SSHSIG") return invalid("no SSHSIG magic");
  std::optional<uint32_t> version = reader.Uint32();
  if (!version) return invalid("it ends before its version");
  if (*version != 1) return invalid("version " + std::to_string(*version) + " (1 is known)");
  std::optional<std::string_view> key = reader.String();
  std::optional<std::string_view> space = reader.String();
  std::optional<std::string_view> reserved = reader.String();
  std::optional<std::string_view> hash = reader.String();
  std::optional<std::string_view> signature = reader.String();
  if (!key || !space || !reserved || !hash || !signature) {
    return invalid("it ends inside its fields");
  }
  if (!reader.empty()) return invalid("bytes after its signature");
  Reader key_reader(*key);
  std::optional<std::string_view> key_type = key_reader.String();
  if (!key_type || key_type->size() > kMaxKeyTypeBytes || !IsName(*key_type)) {
    return invalid("its public key has no key type");
  }
  if (!IsName(*hash) || hash->size() > kMaxKeyTypeBytes) {
    return invalid("its hash algorithm is not a name");
  }
  if (space->empty() || space->size() > 256) return invalid("its namespace is empty or too long");
  for (char c : *space) {
    if (c < ' ' || c > '~') return invalid("its namespace is not printable");
  }
  SshSignature out;
  out.key_type = std::string(*key_type);
  out.public_key = out.key_type + " " + PaddedBase64(*key);
  out.fingerprint = Fingerprint(out.public_key);
  out.sig_namespace = std::string(*space);
  out.hash_algorithm = std::string(*hash);
  out.signature = std::string(*signature);
  return out;
}

}  // namespace host::modules
