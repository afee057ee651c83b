#include "core/types/store_leases.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace host {
namespace fs = std::filesystem;
namespace {

fs::path LeaseFolder(const fs::path& state) { return state / "leases"; }
fs::path StoresLockFile(const fs::path& state) { return state / "leases" / "stores.lock"; }
constexpr int kMaxSlots = 4096;  // host processes on one state folder at once

}  // namespace

std::string StoreEntryOf(const fs::path& state, const fs::path& path) {
  fs::path relative = path.lexically_normal().lexically_relative(state.lexically_normal());
  auto part = relative.begin();
  if (relative.empty() || part == relative.end() || *part == ".." || *part == ".") return "";
  // Entries are the children of a store's folder; blobs are one level deeper (blobs/sha256/).
  const size_t depth = *part == "blobs" ? 3 : 2;
  fs::path entry;
  for (size_t i = 0; i < depth; ++i, ++part) {
    if (part == relative.end()) return "";
    entry /= *part;
  }
  return entry.generic_string();
}

StoreLeases::StoreLeases(fs::path state) : state_(std::move(state)) {}

StoreLeases::~StoreLeases() {
  lease_fd_.reset();  // frees the slot: pruners read only held ones
  stores_lock_fd_.reset();
}

Status StoreLeases::LockShared() {
  if (shared_count_++ > 0) return {};
  if (!stores_lock_fd_.ok()) {
    std::error_code ec;
    fs::create_directories(LeaseFolder(state_), ec);
    stores_lock_fd_.reset(open(StoresLockFile(state_).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  }
  int result = -1;
  if (stores_lock_fd_.ok()) {
    while ((result = flock(stores_lock_fd_.get(), LOCK_SH)) != 0 && errno == EINTR) {
    }
  }
  if (result != 0) {
    --shared_count_;
    return Status::Failed("cannot lock " + StoresLockFile(state_).string() + ": " +
                          std::strerror(errno));
  }
  return {};
}

void StoreLeases::UnlockShared() {
  if (--shared_count_ == 0) flock(stores_lock_fd_.get(), LOCK_UN);
}

Status StoreLeases::OpenLeaseFile() {
  if (lease_fd_.ok()) return {};
  // Lease files are slots that processes reuse: the first one nobody holds is taken and emptied.
  // Creating a file costs far more than opening one on some file systems, and a dead process's
  // slot is free again without anyone cleaning it.
  for (int slot = 0; slot < kMaxSlots; ++slot) {
    const fs::path file = LeaseFolder(state_) / (std::to_string(slot) + ".lease");
    UniqueFd fd(open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (!fd.ok()) {
      return Status::Failed("cannot open the lease file " + file.string() + ": " +
                            std::strerror(errno));
    }
    if (flock(fd.get(), LOCK_EX | LOCK_NB) == 0) {
      lease_fd_ = std::move(fd);
      lease_end_ = 0;
      return WriteLeases("");  // an empty list; what a dead process left after it is ignored
    }
  }
  return Status::Failed("more than " + std::to_string(kMaxSlots) + " host processes use " +
                        state_.string() + " at once");
}

Status StoreLeases::WriteLeases(const std::string& lines) {
  // The list ends at the first empty line: a reused slot is overwritten in place (no truncation,
  // which costs a block's release and allocation), and readers stop where this process's list
  // ends. Written under the stores' shared lock, read under the exclusive one: never both.
  const std::string bytes = lines + "\n";
  if (pwrite(lease_fd_.get(), bytes.data(), bytes.size(), lease_end_) !=
      static_cast<ssize_t>(bytes.size())) {
    return Status::Failed("cannot write a lease file in " + LeaseFolder(state_).string() +
                          " (is the disk full?)");
  }
  lease_end_ += static_cast<off_t>(lines.size());
  return {};
}

Result<bool> StoreLeases::Hold(const std::vector<fs::path>& paths) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> entries;
  for (const auto& path : paths) {
    std::string entry = StoreEntryOf(state_, path);
    if (!entry.empty() && held_.count(entry) == 0) entries.push_back(std::move(entry));
  }
  if (entries.empty()) return true;  // leased already: no prune can have removed them
  if (Status s = LockShared(); !s.ok()) return s;
  struct Unlock {
    StoreLeases* self;
    ~Unlock() { self->UnlockShared(); }
  } unlock{this};
  if (Status s = OpenLeaseFile(); !s.ok()) return s;
  std::string lines;
  for (const auto& entry : entries) lines += entry + "\n";
  if (Status s = WriteLeases(lines); !s.ok()) return s;
  bool all_there = true;
  for (const auto& entry : entries) {
    const fs::path path = state_ / entry;
    // Used now: least recently used entries go first when the stores are pruned.
    if (utimensat(AT_FDCWD, path.c_str(), nullptr, AT_SYMLINK_NOFOLLOW) != 0) {
      all_there = false;
      continue;
    }
    held_.insert(entry);
  }
  return all_there;
}

StoreLeases::Scope::~Scope() {
  if (owner_ == nullptr) return;
  std::lock_guard lock(owner_->mutex_);
  owner_->UnlockShared();
}

Result<StoreLeases::Scope> StoreLeases::Share() {
  std::lock_guard lock(mutex_);
  if (Status s = LockShared(); !s.ok()) return s;
  return Scope(this);
}

Result<PruneLock> PruneLock::ReadLeases(const fs::path& state, FileLock lock) {
  std::set<std::string> leased;
  std::error_code ec;
  for (auto it = fs::directory_iterator(LeaseFolder(state), ec); it != fs::directory_iterator();
       it.increment(ec)) {
    if (it->path().extension() != ".lease") continue;
    Result<std::optional<FileLock>> owner = FileLock::TryAcquire(it->path());
    if (!owner.ok()) return owner.status();
    if (owner->has_value()) continue;  // a free slot: what it holds is a dead process's
    std::ifstream in(it->path());
    for (std::string line; std::getline(in, line) && !line.empty();) leased.insert(line);
  }
  return PruneLock(std::move(lock), std::move(leased));
}

Result<PruneLock> PruneLock::Acquire(const fs::path& state) {
  Result<FileLock> lock = FileLock::Acquire(StoresLockFile(state));
  if (!lock.ok()) return lock.status();
  return ReadLeases(state, std::move(*lock));
}

Result<std::optional<PruneLock>> PruneLock::TryAcquire(const fs::path& state) {
  Result<std::optional<FileLock>> lock = FileLock::TryAcquire(StoresLockFile(state));
  if (!lock.ok()) return lock.status();
  if (!lock->has_value()) return std::optional<PruneLock>();
  Result<PruneLock> pruning = ReadLeases(state, std::move(**lock));
  if (!pruning.ok()) return pruning.status();
  return std::optional<PruneLock>(std::move(*pruning));
}

}  // namespace host
