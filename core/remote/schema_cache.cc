#include "core/remote/schema_cache.h"

#include <unistd.h>

#include <fstream>
#include <iterator>

#include "core/base/best_effort.h"
#include "core/base/build_id.h"
#include "core/base/file_write.h"
#include "core/base/random_hex.h"
#include "core/base/sha256.h"

namespace host::remote {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kMagic = "host-schema-cache 1\n";

// The hex SHA-256 of bytes.
std::string HexSha256(std::string_view bytes) {
  Sha256 sha;
  sha.Update(bytes);
  return sha.HexDigest();
}

// Whether text is 64 lowercase hex digits (a key, and so a safe file name).
bool IsHexKey(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The next line of text from *pos (without its newline); nullopt when there is no newline.
std::optional<std::string_view> NextLine(std::string_view text, size_t* pos) {
  const size_t end = text.find('\n', *pos);
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view line = text.substr(*pos, end - *pos);
  *pos = end + 1;
  return line;
}

// A size line of a header: decimal digits, at most the largest schema.
std::optional<size_t> SizeLine(std::optional<std::string_view> line) {
  if (!line || line->empty() || line->size() > 9 ||
      line->find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  const size_t size = std::stoul(std::string(*line));
  if (size > kMaxCachedSchemaBytes) return std::nullopt;
  return size;
}

}  // namespace

std::string SchemaCache::Key(const std::string& folder_digest,
                             const std::vector<std::string>& command) {
  Sha256 sha;
  sha.UpdateField("module process schema");
  sha.UpdateField(BuildId());
  sha.UpdateField(folder_digest);
  for (const std::string& word : command) sha.UpdateField(word);
  return sha.HexDigest();
}

fs::path SchemaCache::File(const std::string& key) const { return dir_ / (key + ".schema"); }

std::optional<DescribedModule> SchemaCache::Find(const std::string& key) const {
  if (!IsHexKey(key)) return std::nullopt;
  const fs::path file = File(key);
  std::error_code error;
  const auto status = fs::symlink_status(file, error);
  if (error || !fs::is_regular_file(status)) return std::nullopt;  // none, or not ours to read
  const auto file_size = fs::file_size(file, error);
  if (error || file_size > 2 * kMaxCachedSchemaBytes + 512) {
    Remove(key);
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The header: the format, the key, the SHA-256 of the rest, the sizes of the build line and of
  // the schema; then their bytes.
  size_t pos = kMagic.size();
  const bool magic = text.compare(0, kMagic.size(), kMagic) == 0;
  const std::optional<std::string_view> stored_key = magic ? NextLine(text, &pos) : std::nullopt;
  const std::optional<std::string_view> sha = stored_key ? NextLine(text, &pos) : std::nullopt;
  const std::optional<size_t> build_size = SizeLine(sha ? NextLine(text, &pos) : std::nullopt);
  const std::optional<size_t> schema_size =
      SizeLine(build_size ? NextLine(text, &pos) : std::nullopt);
  if (!schema_size || *stored_key != key || !IsHexKey(*sha) ||
      *build_size + *schema_size != text.size() - pos ||
      HexSha256(std::string_view(text).substr(pos)) != *sha) {
    Remove(key);
    return std::nullopt;
  }
  DescribedModule described;
  described.build_info = text.substr(pos, *build_size);
  described.module = text.substr(pos + *build_size);
  return described;
}

void SchemaCache::Store(const std::string& key, const DescribedModule& described) const {
  if (!IsHexKey(key) || described.module.size() > kMaxCachedSchemaBytes ||
      described.build_info.size() > kMaxCachedSchemaBytes) {
    return;
  }
  std::error_code error;
  fs::create_directories(dir_, error);
  if (error) return;
  const std::string body = described.build_info + described.module;
  std::string text(kMagic);
  text += key + "\n" + HexSha256(body) + "\n" + std::to_string(described.build_info.size()) + "\n" +
          std::to_string(described.module.size()) + "\n" + body;
  // A name no other host writes, renamed over the entry: readers see the old or the new file. It
  // names this process ("tmp<pid>"), so that a later host removes it if this one is killed.
  const fs::path temporary = dir_ / (key + ".tmp" + std::to_string(getpid()) + "-" + RandomHex(16));
  if (!CreateWholeFile(temporary, text).ok()) return;
  fs::rename(temporary, File(key), error);
  if (error) RemoveBestEffort(temporary);
}

void SchemaCache::Remove(const std::string& key) const {
  if (IsHexKey(key)) RemoveBestEffort(File(key));
}

}  // namespace host::remote
