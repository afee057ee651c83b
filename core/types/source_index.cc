#include "core/types/source_index.h"

#include <algorithm>
#include <cstring>

namespace host {
namespace {

constexpr std::string_view kMagic = "host-source-index-1\n";
constexpr size_t kMaxPath = 1 << 16;  // longer than any path Linux accepts (PATH_MAX is 4096)

void PutU64(std::string& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void PutText(std::string& out, std::string_view text) {
  PutU64(out, text.size());
  out.append(text);
}

// Reads fields from bytes, front to back; any read past the end makes it fail for good.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool ok() const { return ok_; }
  bool done() const { return bytes_.empty(); }
  size_t left() const { return bytes_.size(); }
  uint64_t U64() {
    if (!Need(8)) return 0;
    uint64_t value = 0;
    for (int i = 0; i < 8; ++i) {
      value |= uint64_t{static_cast<unsigned char>(bytes_[static_cast<size_t>(i)])} << (8 * i);
    }
    bytes_.remove_prefix(8);
    return value;
  }
  std::string_view Text(size_t max) {
    const uint64_t size = U64();
    if (!ok_ || size > max || !Need(size)) return Fail();
    std::string_view text = bytes_.substr(0, size);
    bytes_.remove_prefix(size);
    return text;
  }
  std::string_view Fixed(size_t size) {
    if (!Need(size)) return {};
    std::string_view text = bytes_.substr(0, size);
    bytes_.remove_prefix(size);
    return text;
  }
  bool Expect(std::string_view prefix) {
    if (bytes_.substr(0, prefix.size()) != prefix) return Fail(), false;
    bytes_.remove_prefix(prefix.size());
    return true;
  }

 private:
  bool Need(uint64_t size) {
    if (size > bytes_.size()) ok_ = false;
    return ok_;
  }
  std::string_view Fail() {
    ok_ = false;
    return {};
  }
  std::string_view bytes_;
  bool ok_ = true;
};

bool IsHex64(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// A path's bytes in walk order: the separator sorts before every byte of a name.
unsigned Rank(char c) { return c == '/' ? 0 : static_cast<unsigned char>(c) + 1u; }

}  // namespace

FileMetadata FileMetadata::Of(const struct stat& st) {
  FileMetadata m;
  m.size = static_cast<uint64_t>(st.st_size);
  m.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
  m.ctime_ns = int64_t{st.st_ctim.tv_sec} * 1000000000 + st.st_ctim.tv_nsec;
  m.inode = st.st_ino;
  m.device = st.st_dev;
  m.mode = st.st_mode;
  return m;
}

bool FileMetadata::operator==(const FileMetadata& o) const {
  return size == o.size && mtime_ns == o.mtime_ns && ctime_ns == o.ctime_ns && inode == o.inode &&
         device == o.device && mode == o.mode;
}

bool SourcePathLess(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return Rank(a[i]) < Rank(b[i]);
  }
  return a.size() < b.size();
}

const SourceFileRecord* SourceIndex::Find(std::string_view path) const {
  auto it = std::lower_bound(
      files.begin(), files.end(), path,
      [](const SourceFileRecord& r, std::string_view p) { return SourcePathLess(r.path, p); });
  return it != files.end() && it->path == path ? &*it : nullptr;
}

std::string SerializeSourceIndex(const SourceIndex& index) {
  std::string out(kMagic);
  out.reserve(index.files.size() * 120);
  PutU64(out, static_cast<uint64_t>(index.walk_start_ns));
  PutText(out, index.snapshot_hex);
  PutU64(out, index.files.size());
  for (const auto& record : index.files) {
    PutText(out, record.path);
    const FileMetadata& m = record.metadata;
    PutU64(out, m.size);
    PutU64(out, static_cast<uint64_t>(m.mtime_ns));
    PutU64(out, static_cast<uint64_t>(m.ctime_ns));
    PutU64(out, m.inode);
    PutU64(out, m.device);
    PutU64(out, (uint64_t{m.mode} << 1) | (record.racy ? 1 : 0));
    out.append(reinterpret_cast<const char*>(record.sha256.data()), record.sha256.size());
  }
  return out;
}

std::optional<SourceIndex> ParseSourceIndex(std::string_view bytes) {
  Reader in(bytes);
  SourceIndex index;
  if (!in.Expect(kMagic)) return std::nullopt;
  index.walk_start_ns = static_cast<int64_t>(in.U64());
  std::string_view snapshot = in.Text(64);
  if (!in.ok() || (!snapshot.empty() && !IsHex64(snapshot))) return std::nullopt;
  index.snapshot_hex = std::string(snapshot);
  const uint64_t count = in.U64();
  // A record takes at least 89 bytes: a count the bytes cannot hold is a damaged index, refused
  // before anything is reserved for it.
  if (!in.ok() || count > in.left() / 89) return std::nullopt;
  index.files.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    std::string_view path = in.Text(kMaxPath);
    SourceFileRecord record;
    FileMetadata& m = record.metadata;
    m.size = in.U64();
    m.mtime_ns = static_cast<int64_t>(in.U64());
    m.ctime_ns = static_cast<int64_t>(in.U64());
    m.inode = in.U64();
    m.device = in.U64();
    const uint64_t mode_and_flag = in.U64();
    if ((mode_and_flag >> 1) > UINT32_MAX) return std::nullopt;
    m.mode = static_cast<uint32_t>(mode_and_flag >> 1);
    record.racy = (mode_and_flag & 1) != 0;
    std::string_view sha = in.Fixed(32);
    if (!in.ok() || path.empty()) return std::nullopt;
    if (!index.files.empty() && !SourcePathLess(index.files.back().path, path)) {
      return std::nullopt;  // out of order or twice: Find could not trust it
    }
    std::memcpy(record.sha256.data(), sha.data(), 32);
    record.path = std::string(path);
    index.files.push_back(std::move(record));
  }
  if (!in.done()) return std::nullopt;
  return index;
}

}  // namespace host
