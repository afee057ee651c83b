#include "core/containers/layer_blob.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <vector>

#include "core/base/best_effort.h"
#include "core/base/unique_fd.h"
#include "core/executor/layer_export.h"
#include "core/images/sha256_stream.h"

namespace host {
namespace fs = std::filesystem;
namespace {

// Compresses bytes as one gzip member into a file descriptor, hashing what it writes.
class GzipWriter {
 public:
  explicit GzipWriter(int fd) : fd_(fd), buffer_(size_t{1} << 16) {
    ready_ = deflateInit2(&stream_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, MAX_WBITS + 16, 8,
                          Z_DEFAULT_STRATEGY) == Z_OK;
  }
  GzipWriter(const GzipWriter&) = delete;
  GzipWriter& operator=(const GzipWriter&) = delete;
  ~GzipWriter() {
    if (ready_) deflateEnd(&stream_);
  }

  // Compresses more bytes.
  Status Write(const void* data, size_t size) {
    const auto* bytes = static_cast<const Bytef*>(data);
    while (size > 0) {
      auto chunk = static_cast<uInt>(std::min<size_t>(size, UINT_MAX));
      stream_.next_in = const_cast<Bytef*>(bytes);
      stream_.avail_in = chunk;
      if (Status s = Deflate(Z_NO_FLUSH); !s.ok()) return s;
      bytes += chunk;
      size -= chunk;
    }
    return {};
  }

  // Writes what is left and the gzip trailer.
  Status Finish() { return Deflate(Z_FINISH); }

  // The digest of the compressed bytes ("sha256:...").
  std::string Digest() { return sha_.Digest(); }
  // How many compressed bytes were written.
  uint64_t size() const { return size_; }

 private:
  Status Deflate(int flush) {
    if (!ready_) return Status::Failed("cannot start gzip compression");
    for (;;) {
      stream_.next_out = buffer_.data();
      stream_.avail_out = static_cast<uInt>(buffer_.size());
      int result = deflate(&stream_, flush);
      if (result == Z_STREAM_ERROR) return Status::Failed("gzip compression failed");
      size_t produced = buffer_.size() - stream_.avail_out;
      if (Status s = WriteOut(produced); !s.ok()) return s;
      if (flush == Z_FINISH ? result == Z_STREAM_END
                            : stream_.avail_in == 0 && stream_.avail_out != 0) {
        return {};
      }
    }
  }

  Status WriteOut(size_t size) {
    sha_.Update(buffer_.data(), size);
    size_ += size;
    const Bytef* p = buffer_.data();
    while (size > 0) {
      ssize_t n = write(fd_, p, size);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0)
        return Status::Failed(std::string("cannot write a layer blob: ") + strerror(errno));
      p += n;
      size -= static_cast<size_t>(n);
    }
    return {};
  }

  int fd_;
  z_stream stream_{};
  bool ready_ = false;
  std::vector<Bytef> buffer_;
  images::Sha256Stream sha_;
  uint64_t size_ = 0;
};

}  // namespace

Result<LayerBlob> CompressLayerFolder(const fs::path& folder, const fs::path& temp_dir) {
  std::error_code ec;
  fs::create_directories(temp_dir, ec);
  // "blob-" names are what the image store removes when a killed process left them.
  std::string pattern = (temp_dir / "blob-export-XXXXXX").string();
  UniqueFd fd(mkostemp(pattern.data(), O_CLOEXEC));
  if (!fd.ok()) {
    return Status::Failed("cannot create a file in " + temp_dir.string() + ": " + strerror(errno));
  }
  LayerBlob blob;
  blob.path = pattern;
  blob.temporary = true;
  images::Sha256Stream uncompressed;
  Status status;
  {
    GzipWriter gzip(fd.get());
    status = ExportLayerToSink(folder, [&](const void* data, size_t size) {
      uncompressed.Update(data, size);
      return gzip.Write(data, size);
    });
    if (status.ok()) status = gzip.Finish();
    blob.digest = gzip.Digest();
    blob.size = gzip.size();
  }
  if (fd.Close() != 0 && status.ok()) {
    status = Status::Failed("cannot write " + blob.path.string() + ": " + strerror(errno));
  }
  if (!status.ok()) {
    RemoveBestEffort(blob.path);
    return status.Prefixed("cannot export the layer " + folder.string() + ": ");
  }
  blob.diff_id = uncompressed.Digest();
  return blob;
}

}  // namespace host
