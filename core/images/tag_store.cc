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

#include "core/base/sha256.h"
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

std::optional<std::string> TagStore::Lookup(const ImageReference& reference,
                                            std::chrono::seconds ttl,
                                            std::chrono::system_clock::time_point now) const {
  if (ttl.count() <= 0 || !reference.digest.empty()) return std::nullopt;
  std::ifstream in(Path(reference), std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  json entry = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!entry.is_object()) return std::nullopt;
  auto reference_field = entry.find("reference");
  auto digest_field = entry.find("digest");
  auto resolved_field = entry.find("resolved_ms");
  if (reference_field == entry.end() || digest_field == entry.end() ||
      resolved_field == entry.end() || !reference_field->is_string() ||
      !digest_field->is_string() || !resolved_field->is_number_integer() ||
      *reference_field != reference.String() || !IsSha256Digest(digest_field->get<std::string>())) {
    return std::nullopt;
  }
  const int64_t age_ms = EpochMs(now) - resolved_field->get<int64_t>();
  // An answer recorded a moment "after" now came from a concurrent writer; one from further ahead
  // means the clock went back, and is not trusted.
  if (age_ms < -kConcurrentSlackMs || age_ms >= std::chrono::milliseconds(ttl).count()) {
    return std::nullopt;
  }
  return digest_field->get<std::string>();
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
  int fd = mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) {
    return Status::Failed("cannot create a file in " + dir_.string() + ": " + std::strerror(errno));
  }
  const json entry = {{"reference", reference.String()},
                      {"digest", std::string(digest)},
                      {"resolved_ms", EpochMs(resolved_at)}};
  const bool written = WriteAll(fd, entry.dump() + "\n");
  const int write_error = errno;
  close(fd);
  if (!written || rename(temp.c_str(), target.c_str()) != 0) {
    const std::string why = std::strerror(written ? errno : write_error);
    unlink(temp.c_str());
    return Status::Failed("cannot record the digest of " + reference.String() + " in " +
                          target.string() + ": " + why);
  }
  return {};
}

}  // namespace host::images
