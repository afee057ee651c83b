#include "core/images/content_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/images/digest.h"

namespace host::images {
namespace fs = std::filesystem;

namespace {

std::string Errno() { return std::strerror(errno); }

}  // namespace

ContentStore::ContentStore(fs::path state_dir)
    : state_dir_(std::move(state_dir)), blobs_dir_(state_dir_ / "blobs" / "sha256") {}

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
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Failed("cannot read blob " + path.string() + ": " + Errno());
  std::string bytes;
  char buffer[65536];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string error = Errno();
      close(fd);
      return Status::Failed("cannot read blob " + path.string() + ": " + error);
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return bytes;
}

}  // namespace host::images
