#include "core/images/content_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/base/sha256.h"
#include "core/base/unique_fd.h"
#include "core/base/warning.h"
#include "core/images/digest.h"

namespace host::images {
namespace fs = std::filesystem;

namespace {

std::string Errno() { return std::strerror(errno); }

}  // namespace

ContentStore::ContentStore(fs::path state_dir, Durability durability)
    : state_dir_(std::move(state_dir)),
      blobs_dir_(state_dir_ / "blobs" / "sha256"),
      durability_(durability) {}

bool ContentStore::Has(std::string_view digest) const {
  if (!IsSha256Digest(digest)) return false;
  std::error_code ec;
  return fs::is_regular_file(Path(digest), ec);
}

fs::path ContentStore::Path(std::string_view digest) const {
  return blobs_dir_ / DigestHex(digest);
}

fs::path ContentStore::LockPath(std::string_view kind, std::string_view digest) const {
  return state_dir_ / "locks" / (std::string(kind) + "-" + DigestHex(digest) + ".lock");
}

Result<std::string> ContentStore::Read(std::string_view digest) const {
  if (Status s = CheckDigest(digest); !s.ok()) return s;
  const fs::path path = Path(digest);
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.ok()) return Status::Failed("cannot read blob " + path.string() + ": " + Errno());
  std::string bytes;
  char buffer[65536];
  for (;;) {
    ssize_t n = read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::Failed("cannot read blob " + path.string() + ": " + Errno());
    if (n == 0) break;
    bytes.append(buffer, static_cast<size_t>(n));
  }
  fd.reset();
  // Manifests and configs are small: checking their digest on every read costs little, and a
  // damaged config must never reach a step.
  const std::string actual = Sha256Digest(bytes);
  if (actual != digest) {
    Warn("blob " + std::string(digest) + " (" + path.string() + ") is corrupt: its bytes hash to " +
         actual + "; removed it, it will be fetched again");
    RemoveCorrupt(digest);
    return Status::Failed("blob " + std::string(digest) + " in " + path.string() +
                          " was corrupt (its bytes hash to " + actual +
                          ") and was removed; run again to fetch it again");
  }
  return bytes;
}

std::string ContentStore::Check(std::string_view digest) const {
  if (!IsSha256Digest(digest)) return "is not named by a sha256 digest";
  const fs::path path = Path(digest);
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.ok()) return "cannot be read: " + Errno();
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return "is not a regular file";
  Sha256 sha;
  std::string buffer(1 << 20, '\0');
  for (;;) {
    ssize_t n = read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return "cannot be read: " + Errno();
    if (n == 0) break;
    sha.Update(buffer.data(), static_cast<size_t>(n));
  }
  fd.reset();
  const std::string actual = sha.Digest();
  if (actual != digest) return "is corrupt: its bytes hash to " + actual;
  return {};
}

void ContentStore::RemoveCorrupt(std::string_view digest) const {
  if (!IsSha256Digest(digest)) return;
  // A good copy renamed in by a concurrent writer meanwhile may go too: that only costs a fetch.
  unlink(Path(digest).c_str());
}

}  // namespace host::images
