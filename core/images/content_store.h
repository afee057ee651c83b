// Blobs (manifests, configs, layer archives) by digest under <state>/blobs/sha256/<hex>.
#ifndef HOST_IMAGES_CONTENT_STORE_H_
#define HOST_IMAGES_CONTENT_STORE_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/base/file_write.h"
#include "core/base/status.h"
#include "core/base/unique_fd.h"
#include "core/images/sha256_stream.h"

namespace host::images {

// Streams bytes into a temporary file of the store while hashing them; Commit verifies the digest
// and moves the file into place. A writer destroyed without a successful Commit leaves nothing.
class BlobWriter {
 public:
  ~BlobWriter();
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;

  // Appends bytes.
  Status Write(const void* data, size_t size);
  // How many bytes were written so far.
  uint64_t size() const { return size_; }
  // Verifies that the bytes hash to digest, syncs them, and renames them into the store. On a
  // mismatch nothing is stored and the error names the expected and the actual digest.
  Status Commit(std::string_view digest);

 private:
  friend class ContentStore;
  BlobWriter(int fd, std::filesystem::path temp, std::filesystem::path blobs_dir, bool sync)
      : fd_(fd), temp_(std::move(temp)), blobs_dir_(std::move(blobs_dir)), sync_(sync) {}
  void Discard();

  UniqueFd fd_;
  std::filesystem::path temp_;
  std::filesystem::path blobs_dir_;
  bool sync_ = true;  // fsync the blob and its folder before and after the rename
  Sha256Stream sha_;
  uint64_t size_ = 0;
};

// A content-addressed store of blobs, safe for concurrent threads and processes: blobs appear only
// through atomic renames of complete, verified files, and a second writer of a blob is harmless.
// Reading (content_store.cc) needs no crypto library; writing (Put, NewWriter, RemoveLeftovers and
// BlobWriter, in blob_writer.cc) hashes with OpenSSL.
class ContentStore {
 public:
  // A store rooted at state_dir (blobs live in state_dir/blobs/sha256). With
  // Durability::kPageCache, committed blobs are not synced to disk: for caches whose blobs can be
  // fetched again (a blob a crash left torn fails Read's digest check and is removed).
  explicit ContentStore(std::filesystem::path state_dir,
                        Durability durability = Durability::kSynced);

  // True if the blob with this digest is stored.
  bool Has(std::string_view digest) const;
  // Where the blob with this digest is (or would be) stored; digest must be valid.
  std::filesystem::path Path(std::string_view digest) const;
  // Stores bytes under digest after checking that they hash to it.
  Status Put(std::string_view digest, std::string_view bytes) const;
  // Reads a stored blob whole (for manifests and configs) and checks that its bytes hash to
  // digest. A blob that does not is corrupt: it is reported (Warn), removed so that the next pull
  // fetches it again, and the read fails.
  Result<std::string> Read(std::string_view digest) const;
  // What is wrong with the stored blob digest: empty when its bytes hash to its digest. Streams
  // the file, so it suits blobs of any size (`host cache verify` checks layer archives too).
  std::string Check(std::string_view digest) const;
  // Removes a stored blob that failed its check, so that it is fetched again.
  void RemoveCorrupt(std::string_view digest) const;
  // Starts writing a blob whose digest is checked at Commit. A writer that holds the blob's lock
  // (LockPath) passes the digest, so that its temporary file is named after it and a later holder
  // can remove what a killed one left (RemoveLeftovers).
  Result<std::unique_ptr<BlobWriter>> NewWriter(std::string_view digest = {}) const;
  // Removes the temporary files of killed writers of digest; call only while holding its lock.
  void RemoveLeftovers(std::string_view digest) const;
  // The folder for temporary files of this state dir (same file system as the store).
  std::filesystem::path TempDir() const { return state_dir_ / "tmp"; }
  // The lock file that serializes work on one digest ("blob" or "layer" kind).
  std::filesystem::path LockPath(std::string_view kind, std::string_view digest) const;

 private:
  std::filesystem::path state_dir_;
  std::filesystem::path blobs_dir_;
  Durability durability_ = Durability::kSynced;
};

}  // namespace host::images

#endif  // HOST_IMAGES_CONTENT_STORE_H_
