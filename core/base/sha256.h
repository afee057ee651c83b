// SHA-256, for content digests (object IDs, module source digests). Small and dependency-free so
// that commands which need a digest do not pay for loading a crypto library.
#ifndef HOST_BASE_SHA256_H_
#define HOST_BASE_SHA256_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace host {

// The algorithm prefix of a content digest: "sha256:" followed by 64 lowercase hex characters.
inline constexpr char kSha256DigestPrefix[] = "sha256:";

// Incremental SHA-256.
class Sha256 {
 public:
  Sha256();
  // Adds bytes to the digest.
  void Update(const void* data, size_t size);
  // Adds a string to the digest.
  void Update(std::string_view text) { Update(text.data(), text.size()); }
  // Adds a length-prefixed string, so that field boundaries cannot be confused.
  void UpdateField(std::string_view text);
  // Finishes and returns the digest as 64 lowercase hex characters.
  std::string HexDigest();
  // Finishes and returns the digest as a content digest: "sha256:" and 64 hex characters.
  std::string Digest() { return kSha256DigestPrefix + HexDigest(); }

 private:
  void Blocks(const uint8_t* data, size_t count);
  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_;
  size_t buffered_ = 0;
  uint64_t length_ = 0;
};

// The hex SHA-256 of a string.
std::string Sha256Hex(std::string_view text);

// The content digest of a string: "sha256:" and its hex SHA-256.
std::string Sha256Digest(std::string_view text);

// The hex HMAC-SHA256 of message under key (RFC 2104): a keyed hash, so that a digest of a secret
// reveals nothing without the key.
std::string HmacSha256Hex(std::string_view key, std::string_view message);

// HmacSha256Hex as a content digest: "sha256:" and the hex HMAC.
std::string HmacSha256Digest(std::string_view key, std::string_view message);

}  // namespace host

#endif  // HOST_BASE_SHA256_H_
