#include "core/base/store_size_index.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <utility>
#include <vector>

#include "core/base/file_write.h"

namespace host {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kHeader = "host store-size index 1\n";
constexpr size_t kMaxIndexText = 8192;  // far more than 64 stores need
constexpr size_t kMaxStores = 64;
constexpr size_t kMaxNameLength = 32;

// FNV-1a, 64 bits: catches a torn or edited file, not an attacker (who could write any index and
// only make eviction walk early or late).
uint64_t Checksum(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string Hex16(uint64_t value) {
  static const char kDigits[] = "0123456789abcdef";
  std::string text(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) text[static_cast<size_t>(i)] = kDigits[value & 15];
  return text;
}

// A decimal number of at most `max`, without sign or leading zeros.
std::optional<uint64_t> ParseNumber(std::string_view text, uint64_t max) {
  if (text.empty() || text.size() > 20 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (max - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

bool ValidStoreName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength || name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

// The words of a line separated by single spaces.
std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t start = 0;
  while (start <= line.size()) {
    size_t end = line.find(' ', start);
    if (end == std::string_view::npos) end = line.size();
    words.push_back(line.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// Opens the index file (created when create is set) as a regular file, never following a
// symlink or blocking on a fifo; an invalid descriptor when it cannot.
UniqueFd OpenIndex(const fs::path& path, bool create, bool write) {
  int flags = (write ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
  if (create) flags |= O_CREAT;
  UniqueFd fd(open(path.c_str(), flags, 0644));
  if (!fd.ok()) return fd;
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return UniqueFd();
  return fd;
}

// The whole text of an open index, or nullopt when it cannot be read or is too large.
std::optional<std::string> ReadText(int fd) {
  std::string text(kMaxIndexText + 1, '\0');
  size_t got = 0;
  while (got < text.size()) {
    ssize_t n = pread(fd, text.data() + got, text.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got > kMaxIndexText) return std::nullopt;
  text.resize(got);
  return text;
}

// Replaces the content of an open index with text.
Status WriteText(int fd, const std::string& text, const fs::path& path) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = pwrite(fd, text.data() + done, text.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return Status::Failed("cannot write " + path.string() + ": " + WriteErrorText(errno));
    done += static_cast<size_t>(n);
  }
  if (ftruncate(fd, static_cast<off_t>(text.size())) != 0) {
    return Status::Failed("cannot write " + path.string() + ": " + WriteErrorText(errno));
  }
  return {};
}

int FlockRetrying(int fd, int operation) {
  int rc;
  do {
    rc = flock(fd, operation);
  } while (rc != 0 && errno == EINTR);
  return rc;
}

uint64_t Clamp(int64_t base, int64_t change) {
  // Both are within ±2^56, so the sum cannot overflow.
  const int64_t sum = base + change;
  if (sum < 0) return 0;
  return std::min<uint64_t>(static_cast<uint64_t>(sum), kStoreSizeIndexMaxBytes);
}

uint64_t TreeBytes(const fs::path& path, std::set<std::pair<dev_t, ino_t>>* seen) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return 0;
  uint64_t total = 0;
  if (st.st_nlink <= 1 || S_ISDIR(st.st_mode) || seen->insert({st.st_dev, st.st_ino}).second) {
    total += DiskBytesOf(st);
  }
  if (S_ISDIR(st.st_mode)) {
    std::error_code ec;
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      total += TreeBytes(it->path(), seen);
    }
  }
  return total;
}

}  // namespace

uint64_t StoreSizeIndex::TotalBytes() const {
  uint64_t total = 0;
  for (const auto& [name, size] : stores) total += size.bytes;  // <= 64 * 2^56: no overflow
  return total;
}

fs::path StoreSizeIndexPath(const fs::path& state) { return state / "store-size"; }

std::optional<StoreSizeIndex> ParseStoreSizeIndex(std::string_view text) {
  if (text.size() > kMaxIndexText || text.substr(0, kHeader.size()) != kHeader) return std::nullopt;
  // The last line is "sum <hex>" over everything before it.
  if (text.empty() || text.back() != '\n') return std::nullopt;
  const size_t last = text.rfind('\n', text.size() - 2);
  if (last == std::string_view::npos || last + 1 < kHeader.size()) return std::nullopt;
  const std::string_view body = text.substr(0, last + 1);
  const std::string_view sum_line = text.substr(last + 1, text.size() - last - 2);
  if (sum_line != "sum " + Hex16(Checksum(body))) return std::nullopt;
  StoreSizeIndex index;
  bool walked = false;
  size_t start = kHeader.size();
  while (start < body.size()) {
    const size_t end = body.find('\n', start);  // body ends with '\n'
    const std::vector<std::string_view> words = Words(body.substr(start, end - start));
    start = end + 1;
    if (words.size() == 2 && words[0] == "walked" && !walked) {
      std::optional<uint64_t> seconds = ParseNumber(words[1], uint64_t{1} << 40);
      if (!seconds) return std::nullopt;
      index.walked = static_cast<int64_t>(*seconds);
      walked = true;
    } else if (words.size() == 4 && words[0] == "store" && ValidStoreName(words[1])) {
      std::optional<uint64_t> bytes = ParseNumber(words[2], kStoreSizeIndexMaxBytes);
      std::optional<uint64_t> entries = ParseNumber(words[3], kStoreSizeIndexMaxBytes);
      if (!bytes || !entries || index.stores.size() >= kMaxStores) return std::nullopt;
      // In the order FormatStoreSizeIndex writes them, each once.
      if (!index.stores.empty() && index.stores.rbegin()->first >= words[1]) return std::nullopt;
      index.stores.emplace(std::string(words[1]), StoreSize{*bytes, *entries});
    } else {
      return std::nullopt;
    }
  }
  if (!walked) return std::nullopt;
  return index;
}

std::string FormatStoreSizeIndex(const StoreSizeIndex& index) {
  std::string text(kHeader);
  text += "walked " + std::to_string(std::max<int64_t>(index.walked, 0)) + "\n";
  for (const auto& [name, size] : index.stores) {
    text += "store " + name + " " + std::to_string(size.bytes) + " " +
            std::to_string(size.entries) + "\n";
  }
  return text + "sum " + Hex16(Checksum(text)) + "\n";
}

void RecordStoreChange(const fs::path& state, std::string_view store, int64_t bytes,
                       int64_t entries) {
  if (!ValidStoreName(store)) return;
  const fs::path path = StoreSizeIndexPath(state);
  UniqueFd fd = OpenIndex(path, /*create=*/false, /*write=*/true);
  if (!fd.ok() || FlockRetrying(fd.get(), LOCK_EX) != 0) return;
  std::optional<std::string> text = ReadText(fd.get());
  if (!text) return;
  std::optional<StoreSizeIndex> index = ParseStoreSizeIndex(*text);
  if (!index) return;  // the next walk rebuilds it
  if (index->stores.size() >= kMaxStores && index->stores.count(std::string(store)) == 0) return;
  StoreSize& size = index->stores[std::string(store)];
  const auto limit = static_cast<int64_t>(kStoreSizeIndexMaxBytes);
  size.bytes = Clamp(static_cast<int64_t>(size.bytes), std::clamp<int64_t>(bytes, -limit, limit));
  size.entries =
      Clamp(static_cast<int64_t>(size.entries), std::clamp<int64_t>(entries, -limit, limit));
  // A failed write leaves an index that fails its checksum, or the old one: both are corrected
  // by the next walk, and the entry itself is stored.
  (void)WriteText(fd.get(), FormatStoreSizeIndex(*index), path);
}

std::optional<StoreSizeIndex> ReadStoreSizeIndex(const fs::path& state) {
  UniqueFd fd = OpenIndex(StoreSizeIndexPath(state), /*create=*/false, /*write=*/false);
  if (!fd.ok() || FlockRetrying(fd.get(), LOCK_SH) != 0) return std::nullopt;
  std::optional<std::string> text = ReadText(fd.get());
  if (!text) return std::nullopt;
  return ParseStoreSizeIndex(*text);
}

Result<StoreSizeIndexLock> StoreSizeIndexLock::Acquire(const fs::path& state) {
  const fs::path path = StoreSizeIndexPath(state);
  UniqueFd fd = OpenIndex(path, /*create=*/true, /*write=*/true);
  if (!fd.ok()) {
    // Something else took its name (a symlink, a folder, a fifo): the index is ours to replace.
    std::error_code ec;
    fs::remove_all(path, ec);
    fd = OpenIndex(path, /*create=*/true, /*write=*/true);
  }
  if (!fd.ok()) {
    return Status::Failed("cannot open the store size index " + path.string() + ": " +
                          WriteErrorText(errno) + "; check that the state folder is writable");
  }
  if (FlockRetrying(fd.get(), LOCK_EX) != 0) {
    return Status::Failed("cannot lock the store size index " + path.string() + ": " +
                          std::strerror(errno));
  }
  return StoreSizeIndexLock(std::move(fd), path);
}

std::optional<StoreSizeIndex> StoreSizeIndexLock::Read() const {
  std::optional<std::string> text = ReadText(fd_.get());
  if (!text) return std::nullopt;
  return ParseStoreSizeIndex(*text);
}

Status StoreSizeIndexLock::Write(const StoreSizeIndex& index) const {
  return WriteText(fd_.get(), FormatStoreSizeIndex(index), path_);
}

uint64_t FileDiskBytes(const fs::path& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 ? DiskBytesOf(st) : 0;
}

uint64_t TreeDiskBytes(const fs::path& path) {
  std::set<std::pair<dev_t, ino_t>> seen;
  return TreeBytes(path, &seen);
}

uint64_t UnsharedTreeDiskBytes(const fs::path& dir) {
  uint64_t total = FileDiskBytes(dir);
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    struct stat st {};
    if (lstat(it->path().c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode) || st.st_nlink == 1) total += DiskBytesOf(st);
  }
  return total;
}

}  // namespace host
