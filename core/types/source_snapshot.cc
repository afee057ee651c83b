#include "core/types/source_snapshot.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/base/best_effort.h"
#include "core/base/file_write.h"
#include "core/base/random_hex.h"
#include "core/base/sha256.h"
#include "core/base/store_size_index.h"
#include "core/base/unique_fd.h"
#include "core/types/source_index.h"
#include "core/types/store_leases.h"

namespace host {
namespace fs = std::filesystem;
namespace {

// Deeper folders are refused rather than walked with a descriptor per level.
constexpr int kMaxDepth = 256;
// A file whose metadata changes while it is read is read again, this many times in all.
constexpr int kReadTries = 3;
// Files changed this close to a walk's start are read again by the next walk: a write within the
// same timestamp tick after they were read would not show in their metadata.
constexpr int64_t kRacyWindowNs = 2'000'000'000;
constexpr size_t kReadBuffer = 1 << 18;

// One entry of the walked tree.
struct Node {
  enum class Kind : uint8_t { kFile, kDir, kLink };
  std::string name;
  Kind kind = Kind::kFile;
  bool trusted = false;  // file: its digest comes from the index, its bytes were not read
  bool gone = false;     // vanished before it could be read: not part of the snapshot
  // folder: its metadata is the index's, so it holds the same names as when the index was
  // written (adding, removing or renaming an entry changes a folder's times)
  bool listing_known = false;
  FileMetadata metadata;
  std::array<uint8_t, 32> sha256{};  // file: the digest of its bytes
  std::string text;                  // link: its target
  std::vector<Node> children;
};

// A folder of the tree with its path relative to the root ("" for the root).
struct Folder {
  Node* node;
  std::string relative;
};

std::string Errno() { return std::strerror(errno); }

std::string Hex(const std::array<uint8_t, 32>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(64, '0');
  for (size_t i = 0; i < 32; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 15];
  }
  return out;
}

// The bytes of 64 lowercase hex digits.
std::array<uint8_t, 32> Bytes(const std::string& hex) {
  auto digit = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::array<uint8_t, 32> out{};
  for (size_t i = 0; i < 32 && 2 * i + 1 < hex.size(); ++i) {
    out[i] = static_cast<uint8_t>(digit(hex[2 * i]) << 4 | digit(hex[2 * i + 1]));
  }
  return out;
}

// The process's umask, read without changing it (umask(2) would, for a moment, for every thread).
mode_t ProcessUmask() {
  static const mode_t mask = [] {
    FILE* status = fopen("/proc/self/status", "re");
    unsigned value = 022;
    if (status != nullptr) {
      char line[256];
      while (fgets(line, sizeof line, status) != nullptr) {
        if (sscanf(line, "Umask: %o", &value) == 1) break;
      }
      fclose(status);
    }
    return static_cast<mode_t>(value & 0777);
  }();
  return mask;
}

int64_t NowNs() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return int64_t{now.tv_sec} * 1000000000 + now.tv_nsec;
}

// Opens the folder at relative below root_fd without following any symlink on the way, so a
// folder swapped for a link since it was walked cannot lead out of the tree.
UniqueFd OpenFolderBeneath(int root_fd, const std::string& relative) {
  if (relative.empty()) return UniqueFd(fcntl(root_fd, F_DUPFD_CLOEXEC, 0));
  open_how how{};
  how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  long fd = syscall(SYS_openat2, root_fd, relative.c_str(), &how, sizeof how);
  if (fd >= 0 || errno != ENOSYS) return UniqueFd(static_cast<int>(fd));
  // Kernels before 5.6: one component at a time, none of them followed.
  UniqueFd at(fcntl(root_fd, F_DUPFD_CLOEXEC, 0));
  for (const auto& part : fs::path(relative)) {
    if (!at.ok()) break;
    at = UniqueFd(openat(at.get(), part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  }
  return at;
}

// The names in the open folder fd, sorted, without "." and "..".
Result<std::vector<std::string>> SortedNames(int fd) {
  UniqueFd copy(fcntl(fd, F_DUPFD_CLOEXEC, 0));
  DIR* dir = copy.ok() ? fdopendir(copy.get()) : nullptr;
  if (dir == nullptr) return Status::Failed(Errno());
  copy.release();  // the DIR owns it now
  std::vector<std::string> names;
  errno = 0;
  while (dirent* entry = readdir(dir)) {
    if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0) {
      names.emplace_back(entry->d_name);
    }
  }
  const int error = errno;
  closedir(dir);
  if (error != 0) return Status::Failed(std::strerror(error));
  std::sort(names.begin(), names.end());
  return names;
}

std::string Join(const std::string& relative, const std::string& name) {
  return relative.empty() ? name : relative + "/" + name;
}

// Walks a host folder with lstat only, in parallel, deciding for each file whether the index
// knows its bytes.
class Walker {
 public:
  Walker(const fs::path& source, int root_fd, const PathFilter& filter, const SourceIndex* index)
      : source_(source), root_fd_(root_fd), filter_(filter), index_(index) {}

  // Fills root with the tree.
  Status Run(Node& root) {
    queue_.push_back({&root, "", 0});
    const size_t threads = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), 4);
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t) pool.emplace_back([this] { Work(); });
    Work();
    for (auto& t : pool) t.join();
    return error_;
  }

 private:
  struct Task {
    Node* node;
    std::string relative;
    int depth;
  };

  void Work() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return !queue_.empty() || busy_ == 0 || failed_; });
      if (failed_ || queue_.empty()) break;  // failed, or nothing left and nobody adding
      Task task = std::move(queue_.back());
      queue_.pop_back();
      ++busy_;
      lock.unlock();
      std::vector<Task> found;
      Status s = WalkFolder(*task.node, task.relative, task.depth, &found);
      lock.lock();
      --busy_;
      if (!s.ok() && !failed_) {
        failed_ = true;
        error_ = s;
      }
      for (auto& t : found) queue_.push_back(std::move(t));
      wake_.notify_all();
    }
    wake_.notify_all();
  }

  // Lists and inspects one folder; its sub-folders are returned as tasks.
  Status WalkFolder(Node& dir, const std::string& relative, int depth, std::vector<Task>* found) {
    if (depth > kMaxDepth) {
      return Status::Failed("host directory " + source_.string() + ": " + relative +
                            " nests deeper than " + std::to_string(kMaxDepth) +
                            " folders; leave it out with --exclude");
    }
    UniqueFd fd = OpenFolderBeneath(root_fd_, relative);
    if (!fd.ok()) {
      if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP || errno == EXDEV) {
        dir.gone = true;  // removed or replaced by a link since its parent was listed
        return {};
      }
      return Shown(relative, "cannot open", Status::Failed(Errno()));
    }
    Result<std::vector<std::string>> names = SortedNames(fd.get());
    if (!names.ok()) return Shown(relative, "cannot list", names.status());
    dir.children.reserve(names->size());
    for (auto& name : *names) {
      struct stat st {};
      if (fstatat(fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) continue;  // removed since it was listed: not part of the tree
        return Shown(Join(relative, name), "cannot inspect", Status::Failed(Errno()));
      }
      std::string path = Join(relative, name);
      const bool is_dir = S_ISDIR(st.st_mode);
      if (!filter_.Takes(path, is_dir)) continue;
      Node node;
      node.metadata.mode = st.st_mode;
      if (is_dir) {
        node.kind = Node::Kind::kDir;
        node.metadata = FileMetadata::Of(st);
        if (index_ != nullptr) {
          const SourceFileRecord* known = index_->Find(path);
          node.listing_known = known != nullptr && !known->racy && known->metadata == node.metadata;
        }
      } else if (S_ISLNK(st.st_mode)) {
        node.kind = Node::Kind::kLink;
        // A link's size comes from its filesystem (a FUSE one may say anything): at most a
        // path's length is read.
        std::string target(std::min<size_t>(static_cast<size_t>(st.st_size), PATH_MAX) + 1, '\0');
        ssize_t n = readlinkat(fd.get(), name.c_str(), target.data(), target.size());
        if (n < 0 && (errno == ENOENT || errno == EINVAL)) continue;  // replaced
        if (n < 0) return Shown(path, "cannot read the link", Status::Failed(Errno()));
        if (static_cast<size_t>(n) >= target.size()) continue;  // replaced by a longer link
        target.resize(static_cast<size_t>(n));
        node.text = std::move(target);
      } else if (S_ISREG(st.st_mode)) {
        node.kind = Node::Kind::kFile;
        node.metadata = FileMetadata::Of(st);
        if (index_ != nullptr) {
          const SourceFileRecord* known = index_->Find(path);
          if (known != nullptr && !known->racy && known->metadata == node.metadata) {
            node.trusted = true;
            node.sha256 = known->sha256;
          }
        }
      } else {
        continue;  // devices, fifos and sockets are not part of a snapshot
      }
      node.name = std::move(name);
      dir.children.push_back(std::move(node));
    }
    // The children are final now: their addresses stay valid for the sub-folders' tasks.
    for (auto& child : dir.children) {
      if (child.kind == Node::Kind::kDir) {
        found->push_back({&child, Join(relative, child.name), depth + 1});
      }
    }
    return {};
  }

  Status Shown(const std::string& relative, const std::string& what, const Status& why) const {
    return Status::Failed(what + " " + (source_ / relative).string() + ": " + why.message());
  }

  const fs::path& source_;
  const int root_fd_;
  const PathFilter& filter_;
  const SourceIndex* index_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Task> queue_;
  int busy_ = 0;
  bool failed_ = false;
  Status error_;
};

// The folders of the tree under root, parents before children.
void ListFolders(Node& node, const std::string& relative, std::vector<Folder>* out) {
  out->push_back({&node, relative});
  for (auto& child : node.children) {
    if (child.kind == Node::Kind::kDir && !child.gone) {
      ListFolders(child, Join(relative, child.name), out);
    }
  }
}

// TreeDigest of the tree the nodes describe (files that vanished left out).
std::string DigestOf(const Node& dir) {
  Sha256 sha;
  for (const auto& child : dir.children) {
    if (child.gone) continue;
    sha.UpdateField(child.name);
    sha.UpdateField(std::to_string(child.metadata.mode & 07777));
    switch (child.kind) {
      case Node::Kind::kLink:
        sha.UpdateField("link");
        sha.UpdateField(child.text);
        break;
      case Node::Kind::kDir:
        sha.UpdateField("dir");
        sha.UpdateField(DigestOf(child));
        break;
      case Node::Kind::kFile:
        sha.UpdateField("file");
        sha.UpdateField(kSha256DigestPrefix + Hex(child.sha256) +
                        ((child.metadata.mode & 0111) ? "+x" : ""));
        break;
    }
  }
  return sha.Digest();
}

// Builds a snapshot's tree in a temporary folder of the store from a walked tree.
class Builder {
 public:
  Builder(const fs::path& source, int source_fd, int tmp_fd, int base_fd)
      : source_(source), source_fd_(source_fd), tmp_fd_(tmp_fd), base_fd_(base_fd) {}

  // Creates every folder of the tree (mode 0700 until Finish).
  Status MakeFolders(const std::vector<Folder>& folders, bool only_for_unknown_files) {
    for (size_t i = 1; i < folders.size(); ++i) {
      if (only_for_unknown_files && !HasUnknownFile(*folders[i].node)) continue;
      // Its parents first, when only some folders are made.
      const std::string& relative = folders[i].relative;
      for (size_t slash = relative.find('/'); slash != std::string::npos;
           slash = relative.find('/', slash + 1)) {
        if (Status s = MakeFolder(relative.substr(0, slash)); !s.ok()) return s;
      }
      if (Status s = MakeFolder(relative); !s.ok()) return s;
    }
    return {};
  }

  // Reads the files the index does not know into the tree, hashing them (link false); or puts
  // every other file and link there (link true): linked from the base snapshot where it holds
  // the same file, else read from the source.
  Status Fill(const std::vector<Folder>& folders, bool link) {
    return ForEachFolder(folders, [&](const Folder& folder, std::vector<char>& buffer) {
      return FillFolder(folder, link, buffer);
    });
  }

  // Turns the tree in target (the base snapshot, taken over: nobody else uses it) into the
  // walked one in place: what is gone or changed is removed, changed files are moved in from
  // the first pass's folder, new ones added. Unchanged files stay as they are, so this costs a
  // listing per folder instead of a link per file. Never writes into a file (its inode may be
  // shared with other snapshots): entries are only removed, renamed over or created.
  Status Update(const std::vector<Folder>& folders, int target_fd) {
    std::vector<bool> set_mode(folders.size(), false);  // new, or with another mode
    for (size_t i = 1; i < folders.size(); ++i) {       // parents first
      const char* relative = folders[i].relative.c_str();
      if (folders[i].node->listing_known) continue;  // in the base, with this mode
      const mode_t wanted = folders[i].node->metadata.mode & 07777;
      struct stat st {};
      if (fstatat(target_fd, relative, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
        set_mode[i] = (st.st_mode & 07777) != wanted;
        continue;
      }
      if (Status s = RemoveAt(target_fd, relative); !s.ok()) return s;
      if (mkdirat(target_fd, relative, 0700) != 0) {
        return Status::Failed("cannot create a folder in the snapshot store: " +
                              WriteErrorText(errno));
      }
      set_mode[i] = true;
      new_bytes_ += 4096;
    }
    Status updated = ForEachFolder(folders, [&](const Folder& folder, std::vector<char>& buffer) {
      return UpdateFolder(folder, target_fd, buffer);
    });
    if (!updated.ok()) return updated;
    for (size_t i = folders.size(); i-- > 1;) {  // deepest first, as Finish
      if (set_mode[i] && fchmodat(target_fd, folders[i].relative.c_str(),
                                  folders[i].node->metadata.mode & 07777, 0) != 0) {
        return Status::Failed("cannot set a folder's mode in the snapshot store: " + Errno());
      }
    }
    return {};
  }

  // Runs work on each folder, on up to 4 threads; the first error stops it.
  template <class Work>
  Status ForEachFolder(const std::vector<Folder>& folders, const Work& each) {
    size_t threads = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), 4);
    if (folders.size() < 4) threads = 1;
    std::atomic<size_t> next{0};
    std::mutex error_mutex;
    Status first_error;
    std::atomic<bool> failed{false};
    auto work = [&] {
      std::vector<char> buffer(kReadBuffer);
      for (size_t i = next++; i < folders.size() && !failed; i = next++) {
        Status s = each(folders[i], buffer);
        if (!s.ok()) {
          std::lock_guard lock(error_mutex);
          if (!failed.exchange(true)) first_error = s;
        }
      }
    };
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    return first_error;
  }

  // Stops linking from the base unless path still names the folder it was opened as.
  void ForgetBaseUnlessAt(const fs::path& path) {
    struct stat opened {};
    struct stat named {};
    if (base_fd_ < 0) return;
    if (fstat(base_fd_, &opened) != 0 || lstat(path.c_str(), &named) != 0 ||
        opened.st_dev != named.st_dev || opened.st_ino != named.st_ino) {
      base_fd_ = -1;  // its files are read from the source instead
    }
  }

  // How many files the tree lost to the source changing since the walk.
  size_t files_left_out() const { return left_out_; }

  // How many files were read from the source, and linked from the base snapshot.
  size_t files_read() const { return read_; }
  size_t files_linked() const { return linked_; }

  // What the files read and the folders take on disk (linked files are counted by the entries
  // they were linked from).
  uint64_t new_bytes() const { return new_bytes_; }

  // Gives each folder of the tree in target_fd its mode, deepest first (a read-only folder is
  // filled before it is one).
  Status Finish(const std::vector<Folder>& folders, int target_fd) {
    for (size_t i = folders.size(); i-- > 0;) {
      const char* relative = i == 0 ? "." : folders[i].relative.c_str();
      struct stat st {};
      if (fstatat(target_fd, relative, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        new_bytes_ += DiskBytesOf(st);
      }
      if (i > 0 && fchmodat(target_fd, relative, folders[i].node->metadata.mode & 07777, 0) != 0) {
        return Status::Failed("cannot set a folder's mode in the snapshot store: " + Errno());
      }
    }
    return {};
  }

 private:
  // Removes name in dirfd, a folder with all it holds; links are removed, never followed. A name
  // that is not there is fine.
  static Status RemoveAt(int dirfd, const std::string& name) {
    if (unlinkat(dirfd, name.c_str(), 0) == 0 || errno == ENOENT) return {};
    if (errno != EISDIR && errno != EPERM) {
      return Status::Failed("cannot remove " + name + " in the snapshot store: " + Errno());
    }
    UniqueFd fd(openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.ok()) {
      return Status::Failed("cannot open " + name + " in the snapshot store: " + Errno());
    }
    Result<std::vector<std::string>> names = SortedNames(fd.get());
    if (!names.ok()) return names.status();
    for (const auto& child : *names) {
      if (Status s = RemoveAt(fd.get(), child); !s.ok()) return s;
    }
    if (unlinkat(dirfd, name.c_str(), AT_REMOVEDIR) != 0) {
      return Status::Failed("cannot remove " + name + " in the snapshot store: " + Errno());
    }
    return {};
  }

  // The walked entry named name among dir's children, or null (also when it vanished).
  static Node* ChildNamed(Node& dir, const std::string& name) {
    auto it = std::lower_bound(dir.children.begin(), dir.children.end(), name,
                               [](const Node& n, const std::string& key) { return n.name < key; });
    if (it == dir.children.end() || it->name != name || it->gone) return nullptr;
    return &*it;
  }

  Status UpdateFolder(const Folder& folder, int target_fd, std::vector<char>& buffer) {
    // The same names as in the base, and each file known: the base's folder is this one.
    if (folder.node->listing_known && !HasUnknownFile(*folder.node)) return {};
    UniqueFd target = OpenFolderBeneath(target_fd, folder.relative);
    UniqueFd staged = HasUnknownFile(*folder.node) ? OpenFolderBeneath(tmp_fd_, folder.relative)
                                                   : UniqueFd(fcntl(tmp_fd_, F_DUPFD_CLOEXEC, 0));
    if (!target.ok() || !staged.ok()) {
      return Status::Failed("cannot open a folder of the snapshot store: " + Errno());
    }
    // What the base holds that the walk did not find, or found as something else, goes.
    std::vector<std::string> present;
    {
      UniqueFd copy(fcntl(target.get(), F_DUPFD_CLOEXEC, 0));
      DIR* dir = copy.ok() ? fdopendir(copy.get()) : nullptr;
      if (dir == nullptr) return Status::Failed("cannot list the snapshot store: " + Errno());
      copy.release();
      while (dirent* entry = readdir(dir)) {
        const std::string name = entry->d_name;
        if (name == "." || name == "..") continue;
        unsigned char type = entry->d_type;
        if (type == DT_UNKNOWN) {
          struct stat st {};
          if (fstatat(target.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
            const int error = errno;
            closedir(dir);
            return Status::Failed("cannot inspect " + name +
                                  " in the snapshot store: " + std::strerror(error));
          }
          type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
        }
        const Node* node = ChildNamed(*folder.node, name);
        const bool keep =
            node != nullptr &&
            ((node->kind == Node::Kind::kDir && type == DT_DIR) ||
             (node->kind == Node::Kind::kFile && type == DT_REG && node->trusted) ||
             (node->kind == Node::Kind::kLink && type == DT_LNK && LinkIs(target.get(), *node)));
        if (keep) {
          present.push_back(name);
        } else if (Status s = RemoveAt(target.get(), name); !s.ok()) {
          closedir(dir);
          return s;
        }
      }
      closedir(dir);
    }
    std::sort(present.begin(), present.end());
    UniqueFd from;
    for (auto& node : folder.node->children) {
      if (node.gone || node.kind == Node::Kind::kDir) continue;
      if (std::binary_search(present.begin(), present.end(), node.name)) continue;
      const char* name = node.name.c_str();
      if (node.kind == Node::Kind::kLink) {
        if (symlinkat(node.text.c_str(), target.get(), name) != 0) {
          return Status::Failed("cannot create a link in the snapshot store: " +
                                WriteErrorText(errno));
        }
      } else if (!node.trusted) {  // read in the first pass
        if (renameat(staged.get(), name, target.get(), name) != 0) {
          return Status::Failed("cannot move a file in the snapshot store: " + Errno());
        }
      } else {  // known, but not in the base after all: read now
        if (!from.ok()) from = OpenFolderBeneath(source_fd_, folder.relative);
        if (!from.ok()) {
          MarkGone(node);
          continue;
        }
        if (Status s =
                ReadFile(from.get(), target.get(), Join(folder.relative, node.name), node, buffer);
            !s.ok()) {
          return s;
        }
      }
    }
    return {};
  }

  // Whether the link name in dirfd points where node does.
  static bool LinkIs(int dirfd, const Node& node) {
    std::string target(node.text.size() + 1, '\0');
    ssize_t n = readlinkat(dirfd, node.name.c_str(), target.data(), target.size());
    return n >= 0 && static_cast<size_t>(n) == node.text.size() &&
           target.compare(0, node.text.size(), node.text) == 0;
  }

  // Whether the folder holds a file the index does not know (read in the first pass).
  static bool HasUnknownFile(const Node& dir) {
    for (const auto& child : dir.children) {
      if (child.kind == Node::Kind::kFile && !child.trusted && !child.gone) return true;
    }
    return false;
  }

  Status MakeFolder(const std::string& relative) {
    if (mkdirat(tmp_fd_, relative.c_str(), 0700) != 0 && errno != EEXIST) {
      return Status::Failed("cannot create a folder in the snapshot store: " +
                            WriteErrorText(errno));
    }
    return {};
  }

  Status FillFolder(const Folder& folder, bool link, std::vector<char>& buffer) {
    if (!link && !HasUnknownFile(*folder.node)) return {};
    UniqueFd tmp = OpenFolderBeneath(tmp_fd_, folder.relative);
    if (!tmp.ok()) return Status::Failed("cannot open a folder of the snapshot store: " + Errno());
    UniqueFd from;        // the source folder, opened when first needed
    bool opened = false;  // whether from was tried
    UniqueFd base = base_fd_ >= 0 ? OpenFolderBeneath(base_fd_, folder.relative) : UniqueFd();
    for (auto& node : folder.node->children) {
      if (node.kind == Node::Kind::kDir) continue;
      if (node.kind == Node::Kind::kLink) {
        if (link && symlinkat(node.text.c_str(), tmp.get(), node.name.c_str()) != 0) {
          return Status::Failed("cannot create a link in the snapshot store: " +
                                WriteErrorText(errno));
        }
        continue;
      }
      if (node.trusted != link) continue;  // the other pass's file
      if (link && base.ok() &&
          linkat(base.get(), node.name.c_str(), tmp.get(), node.name.c_str(), 0) == 0) {
        ++linked_;
        continue;
      }
      if (!opened) {
        from = OpenFolderBeneath(source_fd_, folder.relative);
        opened = true;
      }
      if (!from.ok()) {  // the folder vanished or was replaced since the walk
        MarkGone(node);
        continue;
      }
      if (Status s =
              ReadFile(from.get(), tmp.get(), Join(folder.relative, node.name), node, buffer);
          !s.ok()) {
        return s;
      }
    }
    return {};
  }

  void MarkGone(Node& node) {
    node.gone = true;
    ++left_out_;
  }

  // Marks a file that vanished as not part of the snapshot, and removes what an earlier attempt
  // to read it wrote.
  Status LeaveOut(int to_dir, Node& node) {
    MarkGone(node);
    if (unlinkat(to_dir, node.name.c_str(), 0) != 0 && errno != ENOENT) {
      return Status::Failed("cannot remove a file of the snapshot store: " + Errno());
    }
    return {};
  }

  // A new file name in dir, for writing; fails with EEXIST when the name is taken.
  static UniqueFd CreateNew(int dir, const std::string& name, mode_t mode) {
    return UniqueFd(
        openat(dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
  }

  // Copies a source file into the tree while hashing it; its metadata must be the same before
  // and after, else it is read again.
  Status ReadFile(int from_dir, int to_dir, const std::string& relative, Node& node,
                  std::vector<char>& buffer) {
    const std::string shown = (source_ / relative).string();
    // What the file must still be once read: first what the walk saw, then what fstat says.
    FileMetadata expected = node.metadata;
    bool from_walk = true;
    for (int attempt = 0; attempt < kReadTries; ++attempt) {
      UniqueFd in(
          openat(from_dir, node.name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
      if (!in.ok()) {
        if (errno == ENOENT || errno == ELOOP || errno == ENXIO) {
          return LeaveOut(to_dir, node);  // removed, or replaced by a link or a fifo
        }
        return Status::Failed("cannot read " + shown + ": " + Errno());
      }
      if (!from_walk) {
        struct stat before {};
        if (fstat(in.get(), &before) != 0 || !S_ISREG(before.st_mode)) {
          return LeaveOut(to_dir, node);
        }
        expected = FileMetadata::Of(before);
      }
      // Created with its final permission bits when the umask keeps them (no setuid or setgid
      // bit is ever there before all bytes are).
      const mode_t mode = expected.mode & 07777;
      const bool direct = (mode & ~(0777 & ~ProcessUmask())) == 0;
      // Always a new file: what an earlier attempt (or the base) left at the name is removed,
      // never written into (a linked file's inode is shared with other snapshots).
      UniqueFd out = CreateNew(to_dir, node.name, direct ? mode : 0600);
      if (!out.ok() && errno == EEXIST) {
        if (unlinkat(to_dir, node.name.c_str(), 0) != 0 && errno != ENOENT) {
          return Status::Failed("cannot replace the copy of " + shown + ": " + Errno());
        }
        out = CreateNew(to_dir, node.name, direct ? mode : 0600);
      }
      if (!out.ok()) {
        return Status::Failed("cannot create a copy of " + shown + ": " + WriteErrorText(errno));
      }
      Sha256 sha;
      uint64_t total = 0;
      // Up to the expected size: a file that grew shows in its metadata, and something that
      // is not a file any more (a device) is never read without end.
      while (total < expected.size) {
        ssize_t n = read(in.get(), buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EISDIR)) {
          return LeaveOut(to_dir, node);  // a fifo or a folder now
        }
        if (n < 0) return Status::Failed("cannot read " + shown + ": " + Errno());
        if (n == 0) break;
        total += static_cast<uint64_t>(n);
        sha.Update(buffer.data(), static_cast<size_t>(n));
        for (ssize_t done = 0; done < n;) {
          ssize_t w = write(out.get(), buffer.data() + done, static_cast<size_t>(n - done));
          if (w < 0 && errno == EINTR) continue;
          if (w <= 0) {
            return Status::Failed("cannot write a copy of " + shown + ": " +
                                  WriteErrorText(w < 0 ? errno : ENOSPC));
          }
          done += w;
        }
      }
      struct stat after {};
      if (fstat(in.get(), &after) != 0)
        return Status::Failed("cannot read " + shown + ": " + Errno());
      if (!S_ISREG(after.st_mode)) return LeaveOut(to_dir, node);
      if (FileMetadata::Of(after) != expected || total != expected.size) {
        from_walk = false;  // written meanwhile: read again
        continue;
      }
      new_bytes_ += (total + 4095) / 4096 * 4096;
      if ((!direct && fchmod(out.get(), mode) != 0) || out.Close() != 0) {
        return Status::Failed("cannot write a copy of " + shown + ": " + WriteErrorText(errno));
      }
      node.metadata = expected;
      node.sha256 = Bytes(sha.HexDigest());
      node.trusted = false;
      ++read_;
      return {};
    }
    return Status::Failed("host directory: " + shown + " kept changing while it was read (" +
                          std::to_string(kReadTries) +
                          " tries); stop what writes to it, or leave it out with --exclude");
  }

  const fs::path& source_;
  const int source_fd_;
  const int tmp_fd_;
  int base_fd_;
  std::atomic<size_t> read_{0};
  std::atomic<size_t> left_out_{0};
  std::atomic<size_t> linked_{0};
  std::atomic<uint64_t> new_bytes_{0};
};

// Where the index of source taken with filter is kept.
fs::path IndexPath(const fs::path& index_dir, const fs::path& source, const PathFilter& filter) {
  Sha256 sha;
  sha.UpdateField(source.string());
  sha.UpdateField(std::to_string(filter.include.size()));
  for (const auto& p : filter.include) sha.UpdateField(p);
  for (const auto& p : filter.exclude) sha.UpdateField(p);
  return index_dir / sha.HexDigest();
}

std::optional<SourceIndex> LoadIndex(const fs::path& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  struct stat st {};
  if (!fd.ok() || fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  std::string bytes(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = read(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n <= 0) return std::nullopt;
    done += static_cast<size_t>(n);
  }
  return ParseSourceIndex(bytes);
}

void AddRecords(const Node& dir, const std::string& relative, int64_t walk_start,
                SourceIndex* index) {
  for (const auto& child : dir.children) {
    if (child.gone) continue;
    const std::string path = Join(relative, child.name);
    if (child.kind == Node::Kind::kDir) {
      SourceFileRecord record;  // a folder: its metadata only, before what it holds
      record.metadata = child.metadata;
      record.path = path;
      record.racy = child.metadata.mtime_ns >= walk_start - kRacyWindowNs ||
                    child.metadata.ctime_ns >= walk_start - kRacyWindowNs;
      index->files.push_back(std::move(record));
      AddRecords(child, path, walk_start, index);
    } else if (child.kind == Node::Kind::kFile) {
      SourceFileRecord record;
      record.metadata = child.metadata;
      record.path = path;
      record.sha256 = child.sha256;
      record.racy = child.metadata.mtime_ns >= walk_start - kRacyWindowNs ||
                    child.metadata.ctime_ns >= walk_start - kRacyWindowNs;
      index->files.push_back(std::move(record));
    }
  }
}

// Writes the index of the tree as it was stored. Best effort: without an index, the next walk
// reads every file again, and gets the same snapshot.
void SaveIndexBestEffort(const fs::path& path, const Node& root, int64_t walk_start,
                         const std::string& snapshot_hex) {
  SourceIndex index;
  index.walk_start_ns = walk_start;
  index.snapshot_hex = snapshot_hex;
  AddRecords(root, "", walk_start, &index);
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  const fs::path tmp = path.string() + ".tmp" + std::to_string(getpid()) + "-" + RandomHex(8);
  if (!CreateWholeFile(tmp, SerializeSourceIndex(index), 0600).ok()) return;
  struct stat old {};
  const bool replaced = lstat(path.c_str(), &old) == 0;
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    RemoveBestEffort(tmp);
    return;
  }
  const fs::path state = path.parent_path().parent_path();
  const uint64_t bytes = FileDiskBytes(path);
  if (replaced) {
    RecordStoreChange(state, "sources",
                      static_cast<int64_t>(bytes) - static_cast<int64_t>(DiskBytesOf(old)), 0);
  } else {
    RecordStoreEntry(state, "sources", bytes);
  }
}

size_t CountFiles(const Node& dir) {
  size_t count = 0;
  for (const auto& child : dir.children) {
    if (child.gone) continue;
    if (child.kind == Node::Kind::kFile) ++count;
    if (child.kind == Node::Kind::kDir) count += CountFiles(child);
  }
  return count;
}

bool AllTrusted(const Node& dir) {
  for (const auto& child : dir.children) {
    if (child.kind == Node::Kind::kFile && !child.trusted && !child.gone) return false;
    if (child.kind == Node::Kind::kDir && !AllTrusted(child)) return false;
  }
  return true;
}

// Takes the snapshot hex out of the store to be turned into the next one, when no running
// process uses it: renamed away under the stores' lock, as a prune removes an entry, so a user
// either leased it before (and it is not taken) or finds it missing and makes it again. Returns
// where it now is; nullopt when it cannot be taken (then the new snapshot is built beside it).
std::optional<fs::path> TakeOver(SnapshotStore& store, const std::string& hex) {
  const fs::path state = store.dir().parent_path();
  Result<std::optional<PruneLock>> lock = PruneLock::TryAcquire(state);
  if (!lock.ok() || !lock->has_value()) return std::nullopt;
  const fs::path entry = store.dir() / hex;
  if ((*lock)->Leased(StoreEntryOf(state, entry))) return std::nullopt;
  const fs::path moved =
      store.dir() / ("tmp" + std::to_string(getpid()) + "-" + RandomHex(8) + "-taken");
  if (rename(entry.c_str(), moved.c_str()) != 0) return std::nullopt;
  RecordStoreChange(state, "snapshots", 0, -1);
  return moved;
}

}  // namespace

Result<Snapshot> SnapshotHostFolder(SnapshotStore& store, const fs::path& index_dir,
                                    const fs::path& source, const PathFilter& filter,
                                    SourceSnapshotStats* stats) {
  SourceSnapshotStats ignored;
  if (stats == nullptr) stats = &ignored;
  *stats = {};
  const int64_t walk_start = NowNs();
  const fs::path index_path = IndexPath(index_dir, source, filter);
  const std::optional<SourceIndex> index = LoadIndex(index_path);

  UniqueFd source_fd(open(source.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!source_fd.ok()) {
    return Status::Failed("cannot open the host directory " + source.string() + ": " + Errno());
  }
  Node root;
  root.kind = Node::Kind::kDir;
  Walker walker(source, source_fd.get(), filter, index ? &*index : nullptr);
  if (Status s = walker.Run(root); !s.ok()) return s;
  if (root.gone) {
    return Status::Failed("cannot open the host directory " + source.string() +
                          ": it was removed or replaced while it was read");
  }

  // Unchanged since the last walk, and its snapshot still stored: nothing is read or written.
  if (index && AllTrusted(root)) {
    Result<std::optional<Snapshot>> found = store.Find(DigestOf(root));
    if (!found.ok()) return found.status();
    if (found->has_value()) {
      // Files removed: the index follows, so that later snapshots link from this one.
      const std::string hex = (*found)->path.filename().string();
      if (hex != index->snapshot_hex) SaveIndexBestEffort(index_path, root, walk_start, hex);
      stats->files = CountFiles(root);
      return **found;
    }
  }

  std::vector<Folder> folders;
  ListFolders(root, "", &folders);
  Result<fs::path> tmp = store.NewTemporary();
  if (!tmp.ok()) return tmp.status();
  struct RemoveUnlessKept {
    fs::path path;
    ~RemoveUnlessKept() {
      if (!path.empty()) RemoveTreeBestEffort(path);
    }
  } cleanup{*tmp};
  UniqueFd tmp_fd(open(tmp->c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!tmp_fd.ok()) return Status::Failed("cannot open " + tmp->string() + ": " + Errno());
  UniqueFd base_fd;
  if (index && !index->snapshot_hex.empty()) {
    base_fd = UniqueFd(open((store.dir() / index->snapshot_hex).c_str(),
                            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  }
  Builder builder(source, source_fd.get(), tmp_fd.get(), base_fd.get());
  if (Status s = builder.MakeFolders(folders, /*only_for_unknown_files=*/true); !s.ok()) return s;
  // The changed files first: with their digests, the tree's digest is known, and when that tree
  // is stored already (a file touched but not changed) nothing more is written.
  if (Status s = builder.Fill(folders, /*link=*/false); !s.ok()) return s;
  const std::string first_digest = DigestOf(root);
  const size_t read_before = builder.files_read();
  const size_t left_before = builder.files_left_out();
  {
    Result<std::optional<Snapshot>> found = store.Find(first_digest);
    if (!found.ok()) return found.status();
    if (found->has_value()) {
      SaveIndexBestEffort(index_path, root, walk_start, (*found)->path.filename().string());
      stats->files = CountFiles(root);
      stats->read = builder.files_read();
      return **found;
    }
  }
  fs::path built = *tmp;
  std::optional<fs::path> adopted;
  const std::string index_base_hex = index ? index->snapshot_hex : "";
  if (base_fd.ok()) adopted = TakeOver(store, index_base_hex);
  if (adopted) {
    struct RemoveAdopted {
      fs::path path;
      ~RemoveAdopted() {
        if (!path.empty()) RemoveTreeBestEffort(path);
      }
    } remove_adopted{*adopted};
    UniqueFd adopted_fd(open(adopted->c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!adopted_fd.ok())
      return Status::Failed("cannot open " + adopted->string() + ": " + Errno());
    if (Status s = builder.Update(folders, adopted_fd.get()); !s.ok()) return s;
    built = *adopted;
    remove_adopted.path.clear();
    stats->adopted = true;
  } else {
    // While files are linked from the base, no process may take it over or prune it (they need
    // the stores' lock exclusively); and it must still be the folder the index named, not one
    // taken over and changed since it was opened.
    Result<StoreLeases::Scope> sharing = store.leases().Share();
    if (!sharing.ok()) return sharing.status();
    builder.ForgetBaseUnlessAt(store.dir() / index_base_hex);
    if (Status s = builder.MakeFolders(folders, false); !s.ok()) return s;
    if (Status s = builder.Fill(folders, /*link=*/true); !s.ok()) return s;
    if (Status s = builder.Finish(folders, tmp_fd.get()); !s.ok()) return s;
    cleanup.path.clear();
  }
  // Files read or left out in the second pass (their base entry was gone, or the source changed)
  // change the digest; otherwise it is the one computed after the first pass.
  const std::string digest =
      builder.files_read() != read_before || builder.files_left_out() != left_before
          ? DigestOf(root)
          : first_digest;
  Result<Snapshot> kept = store.Keep(built, digest, builder.new_bytes());
  if (!kept.ok()) return kept.status();
  SaveIndexBestEffort(index_path, root, walk_start, kept->path.filename().string());
  stats->files = CountFiles(root);
  stats->read = builder.files_read();
  stats->linked = builder.files_linked();
  stats->stored = true;
  return kept;
}

}  // namespace host
