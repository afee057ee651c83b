// The writing side of the content store (BlobWriter, ContentStore::Put, NewWriter,
// RemoveLeftovers): it hashes with OpenSSL, so it lives with the registry client in the transfer
// plugin, while reading blobs (content_store.cc) needs no crypto library.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/base/best_effort.h"
#include "core/base/file_write.h"
#include "core/base/store_size_index.h"
#include "core/base/unique_fd.h"
#include "core/images/content_store.h"
#include "core/images/digest.h"

namespace host::images {
namespace fs = std::filesystem;

namespace {

// The reason of the last failed call; a full disk says what to do.
std::string Errno() { return WriteErrorText(errno); }

// Makes a rename in dir durable.
void SyncDir(const fs::path& dir) {
  UniqueFd fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.ok()) fsync(fd.get());
}

}  // namespace

BlobWriter::~BlobWriter() { Discard(); }

void BlobWriter::Discard() {
  fd_.reset();
  if (!temp_.empty()) {
    unlink(temp_.c_str());
    temp_.clear();
  }
}

Status BlobWriter::Write(const void* data, size_t size) {
  if (!fd_.ok()) return Status::Failed("blob writer is closed");
  sha_.Update(data, size);
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = write(fd_.get(), p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Failed("cannot write " + temp_.string() + ": " + Errno());
    }
    p += n;
    size -= static_cast<size_t>(n);
    size_ += static_cast<uint64_t>(n);
  }
  return {};
}

Status BlobWriter::Commit(std::string_view digest) {
  if (Status s = CheckDigest(digest); !s.ok()) {
    Discard();
    return s;
  }
  if (!fd_.ok()) return Status::Failed("blob writer is closed");
  std::string actual = sha_.Digest();
  if (actual != digest) {
    Discard();
    return Status::Failed("digest mismatch: expected " + std::string(digest) + ", got " + actual +
                          " (" + std::to_string(size_) + " bytes); nothing was stored");
  }
  struct stat written {};
  const bool measured = fstat(fd_.get(), &written) == 0;
  if ((sync_ && fsync(fd_.get()) != 0) || fd_.Close() != 0) {
    std::string error = Errno();
    Discard();
    return Status::Failed("cannot sync blob " + std::string(digest) + ": " + error);
  }
  const fs::path target = blobs_dir_ / DigestHex(digest);
  if (rename(temp_.c_str(), target.c_str()) != 0) {
    std::string error = Errno();
    Discard();
    return Status::Failed("cannot store blob " + target.string() + ": " + error);
  }
  temp_.clear();
  if (sync_) SyncDir(blobs_dir_);
  // blobs_dir_ is <state>/blobs/sha256.
  if (measured)
    RecordStoreEntry(blobs_dir_.parent_path().parent_path(), "blobs", DiskBytesOf(written));
  return {};
}

Status ContentStore::Put(std::string_view digest, std::string_view bytes) const {
  if (Status s = CheckDigest(digest); !s.ok()) return s;
  if (Has(digest)) return {};
  Result<std::unique_ptr<BlobWriter>> writer = NewWriter();
  if (!writer.ok()) return writer.status();
  if (Status s = (*writer)->Write(bytes.data(), bytes.size()); !s.ok()) return s;
  return (*writer)->Commit(digest);
}

void ContentStore::RemoveLeftovers(std::string_view digest) const {
  if (!IsSha256Digest(digest)) return;
  const std::string prefix = "blob-" + DigestHex(digest) + "-";
  std::error_code ec;
  for (fs::directory_iterator it(TempDir(), ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().rfind(prefix, 0) == 0) RemoveTreeBestEffort(it->path());
  }
}

Result<std::unique_ptr<BlobWriter>> ContentStore::NewWriter(std::string_view digest) const {
  std::error_code ec;
  fs::create_directories(blobs_dir_, ec);
  if (ec) return Status::Failed("cannot create " + blobs_dir_.string() + ": " + ec.message());
  fs::create_directories(TempDir(), ec);
  if (ec) return Status::Failed("cannot create " + TempDir().string() + ": " + ec.message());
  const std::string name =
      IsSha256Digest(digest) ? "blob-" + DigestHex(digest) + "-XXXXXX" : "blob-XXXXXX";
  std::string pattern = (TempDir() / name).string();
  int fd = mkostemp(pattern.data(), O_CLOEXEC);
  if (fd < 0)
    return Status::Failed("cannot create a file in " + TempDir().string() + ": " + Errno());
  if (fchmod(fd, 0644) != 0) {  // a stored blob is readable by all, whatever the umask
    std::string error = Errno();
    close(fd);
    unlink(pattern.c_str());
    return Status::Failed("cannot set the mode of " + pattern + ": " + error);
  }
  return std::unique_ptr<BlobWriter>(
      new BlobWriter(fd, pattern, blobs_dir_, durability_ == Durability::kSynced));
}

}  // namespace host::images
