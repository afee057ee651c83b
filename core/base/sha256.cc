#include "core/base/sha256.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "core/base/sha256_blocks.h"

namespace host {

Sha256::Sha256()
    : state_{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
             0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19} {}

void Sha256::Blocks(const uint8_t* data, size_t count) {
  // Chosen once: the SHA extensions hash several times faster where the CPU has them.
  static const auto blocks =
      sha256::HasShaExtensions() ? sha256::BlocksShaExtensions : sha256::BlocksPortable;
  blocks(state_.data(), data, count);
}

void Sha256::Update(const void* data, size_t size) {
  const auto* p = static_cast<const uint8_t*>(data);
  length_ += size;
  while (size > 0) {
    if (buffered_ == 0 && size >= 64) {
      const size_t count = size / 64;
      Blocks(p, count);
      p += 64 * count;
      size -= 64 * count;
      continue;
    }
    size_t take = std::min(size, 64 - buffered_);
    std::memcpy(buffer_.data() + buffered_, p, take);
    buffered_ += take;
    p += take;
    size -= take;
    if (buffered_ == 64) {
      Blocks(buffer_.data(), 1);
      buffered_ = 0;
    }
  }
}

void Sha256::UpdateField(std::string_view text) {
  uint64_t n = text.size();
  uint8_t prefix[8];
  for (int i = 0; i < 8; ++i) prefix[i] = static_cast<uint8_t>(n >> (56 - 8 * i));
  Update(prefix, sizeof prefix);
  Update(text);
}

std::string Sha256::HexDigest() {
  uint64_t bits = length_ * 8;
  uint8_t pad = 0x80;
  Update(&pad, 1);
  uint8_t zero = 0;
  while (buffered_ != 56) Update(&zero, 1);
  uint8_t len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
  Update(len, 8);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (uint32_t word : state_) {
    for (int shift = 28; shift >= 0; shift -= 4) out += kHex[(word >> shift) & 0xf];
  }
  return out;
}

std::string Sha256Hex(std::string_view text) {
  Sha256 sha;
  sha.Update(text);
  return sha.HexDigest();
}

std::string Sha256Digest(std::string_view text) { return kSha256DigestPrefix + Sha256Hex(text); }

std::string HmacSha256Hex(std::string_view key, std::string_view message) {
  std::string block(64, '\0');
  if (key.size() > 64) {
    std::string hex = Sha256Hex(key);
    for (size_t i = 0; i < 32; ++i)
      block[i] = static_cast<char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  } else {
    std::copy(key.begin(), key.end(), block.begin());
  }
  std::string inner_pad = block, outer_pad = block;
  for (size_t i = 0; i < 64; ++i) {
    inner_pad[i] = static_cast<char>(inner_pad[i] ^ 0x36);
    outer_pad[i] = static_cast<char>(outer_pad[i] ^ 0x5c);
  }
  Sha256 inner;
  inner.Update(inner_pad);
  inner.Update(message);
  std::string inner_hex = inner.HexDigest();
  std::string inner_bytes(32, '\0');
  for (size_t i = 0; i < 32; ++i) {
    inner_bytes[i] = static_cast<char>(std::stoi(inner_hex.substr(2 * i, 2), nullptr, 16));
  }
  Sha256 outer;
  outer.Update(outer_pad);
  outer.Update(inner_bytes);
  return outer.HexDigest();
}

std::string HmacSha256Digest(std::string_view key, std::string_view message) {
  return kSha256DigestPrefix + HmacSha256Hex(key, message);
}

}  // namespace host
