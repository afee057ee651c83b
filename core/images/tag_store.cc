#include "core/images/tag_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/base/file_write.h"
#include "core/base/sha256.h"
#include "core/base/unique_fd.h"
#include "core/base/warning.h"
#include "core/images/digest.h"

namespace host::images {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// How far "in the future" an answer may be and still be trusted: what another process's clock
// reading, taken a moment after ours, can be ahead by.
constexpr int64_t kConcurrentSlackMs = 5000;

// Milliseconds since the Unix epoch: what an entry records, comparable across processes.
int64_t EpochMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// Writes all of text to fd.
bool WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

TagStore::TagStore(fs::path state_dir) : dir_(std::move(state_dir) / "tags") {}

fs::path TagStore::Path(const ImageReference& reference) const {
  return dir_ / (Sha256Hex(reference.String()) + ".json");
}

namespace {

// A tag entry, parsed.
struct TagEntry {
  std::string reference;
  std::string digest;
  int64_t resolved_ms = 0;
};

// Parses the entry in text; what is wrong with it, or empty.
std::string ParseEntry(const std::string& text, TagEntry* entry) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return "is not a JSON object";
  auto reference_field = parsed.find("reference");
  auto digest_field = parsed.find("digest");
  auto resolved_field = parsed.find("resolved_ms");
  if (reference_field == parsed.end() || !reference_field->is_string()) {
    return "has no \"reference\" string";
  }
  if (digest_field == parsed.end() || !digest_field->is_string() ||
      !IsSha256Digest(digest_field->get<std::string>())) {
    return "has no \"digest\" that is a sha256 digest";
  }
  if (resolved_field == parsed.end() || !resolved_field->is_number_integer()) {
    return "has no \"resolved_ms\" integer";
  }
  entry->reference = reference_field->get<std::string>();
  entry->digest = digest_field->get<std::string>();
  entry->resolved_ms = resolved_field->get<int64_t>();
  return {};
}

// Reads a whole file; false when it cannot be opened.
bool ReadText(const fs::path& file, std::string* text) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::stringstream bytes;
  bytes << in.rdbuf();
  *text = bytes.str();
  return true;
}

}  // namespace

std::string TagStore::CheckEntry(const fs::path& file) {
  std::string text;
  if (!ReadText(file, &text)) return "cannot be read";
  TagEntry entry;
  if (std::string problem = ParseEntry(text, &entry); !problem.empty()) return problem;
  if (file.filename() != Sha256Hex(entry.reference) + ".json") {
    return "records reference " + entry.reference + ", which is not the one its name is for";
  }
  return {};
}

std::optional<std::string> TagStore::Lookup(const ImageReference& reference,
                                            std::chrono::seconds ttl,
                                            std::chrono::system_clock::time_point now) const {
  if (ttl.count() <= 0 || !reference.digest.empty()) return std::nullopt;
  const fs::path file = Path(reference);
  std::string text;
  if (!ReadText(file, &text)) return std::nullopt;
  TagEntry entry;
  std::string problem = ParseEntry(text, &entry);
  if (problem.empty() && entry.reference != reference.String()) {
    problem = "records reference " + entry.reference;
  }
  if (!problem.empty()) {
    // Damaged: the registry is asked again, and its answer replaces the entry.
    Warn("the resolved tag of " + reference.String() + " (" + file.string() + ") " + problem +
         "; removed it, the registry will be asked again");
    unlink(file.c_str());
    return std::nullopt;
  }
  const int64_t age_ms = EpochMs(now) - entry.resolved_ms;
  // An answer recorded a moment "after" now came from a concurrent writer; one from further ahead
  // means the clock went back, and is not trusted.
  if (age_ms < -kConcurrentSlackMs || age_ms >= std::chrono::milliseconds(ttl).count()) {
    return std::nullopt;
  }
  return entry.digest;
}

Status TagStore::Record(const ImageReference& reference, std::string_view digest,
                        std::chrono::system_clock::time_point resolved_at) const {
  if (Status s = CheckDigest(digest); !s.ok()) return s;
  if (!reference.digest.empty()) return {};  // a digest reference has nothing to remember
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Status::Failed("cannot create " + dir_.string() + ": " + ec.message());
  const fs::path target = Path(reference);
  // "<name>.tmp<pid>-XXXXXX": unique per writer, and recognizable as a temporary.
  std::string temp = target.string() + ".tmp" + std::to_string(getpid()) + "-XXXXXX";
  UniqueFd fd(mkostemp(temp.data(), O_CLOEXEC));
  if (!fd.ok()) {
    return Status::Failed("cannot create a file in " + dir_.string() + ": " + std::strerror(errno));
  }
  const json entry = {{"reference", reference.String()},
                      {"digest", std::string(digest)},
                      {"resolved_ms", EpochMs(resolved_at)}};
  bool written = WriteAll(fd.get(), entry.dump() + "\n");
  int write_error = errno;
  if (fd.Close() != 0 && written && errno != EINTR) {  // a failed write-back (NFS, quotas)
    written = false;
    write_error = errno;
  }
  if (!written || rename(temp.c_str(), target.c_str()) != 0) {
    const std::string why = WriteErrorText(written ? errno : write_error);
    unlink(temp.c_str());
    return Status::Failed("cannot record the digest of " + reference.String() + " in " +
                          target.string() + ": " + why);
  }
  return {};
}

}  // namespace host::images
