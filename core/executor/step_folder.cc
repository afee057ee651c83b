#include "core/executor/step_folder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/executor/mounts.h"

namespace host {
namespace fs = std::filesystem;

namespace {

// Keeps the first error and appends later ones to it.
void Note(Status& all, const Status& one) {
  if (one.ok()) return;
  all = all.ok() ? one : Status(all.kind(), all.message() + "; " + one.message());
}

Status MakeFolder(const fs::path& path, mode_t mode) {
  if (mkdir(path.c_str(), mode) != 0) {
    return Status::Failed("cannot create " + path.string() + ": " + strerror(errno));
  }
  return {};
}

}  // namespace

StepFolder::~StepFolder() {
  Status ignored = Remove();
  (void)ignored;
}

Status StepFolder::Create(const fs::path& tmp_dir, const fs::path& root_like) {
  std::string pattern = (tmp_dir / "step-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Status::Failed("cannot create a work folder in " + tmp_dir.string() + ": " +
                          strerror(errno));
  }
  root_ = pattern;
  // The kernel drops this lock when the process dies, however it dies: a folder whose lock can be
  // taken is abandoned (see CleanAbandonedSteps). The lock file is locked before it gets its
  // name, so that no other process can find it unlocked while this one lives.
  const fs::path unnamed = root_ / "owner.lock.new";
  owner_fd_ = open(unnamed.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (owner_fd_ < 0 || flock(owner_fd_, LOCK_EX) != 0 ||
      rename(unnamed.c_str(), (root_ / "owner.lock").c_str()) != 0) {
    return Status::Failed("cannot lock " + (root_ / "owner.lock").string() + ": " +
                          strerror(errno));
  }
  upper_ = root_ / "upper";
  overlay_work_ = root_ / "work";
  rootfs_ = root_ / "rootfs";
  bundle_ = root_ / "bundle";
  container_id_ = "host-" + std::to_string(getpid()) + "-" + root_.filename().string().substr(5);
  for (const auto& [path, mode] : {std::pair{upper_, 0755}, std::pair{overlay_work_, 0700},
                                   std::pair{rootfs_, 0755}, std::pair{bundle_, 0700}}) {
    Status made = MakeFolder(path, static_cast<mode_t>(mode));
    if (!made.ok()) return made;
  }
  if (root_like.empty()) return MakeFolder(empty_layer(), 0755);
  struct stat st;
  if (stat(root_like.c_str(), &st) != 0 || chown(upper_.c_str(), st.st_uid, st.st_gid) != 0 ||
      chmod(upper_.c_str(), st.st_mode & 07777) != 0) {
    return Status::Failed("cannot give " + upper_.string() + " the owner and mode of " +
                          root_like.string() + ": " + strerror(errno));
  }
  return {};
}

Status StepFolder::Mount(const std::vector<fs::path>& lowers_top_first) {
  Status mounted = MountPrivateTmpfs(bundle_);
  if (!mounted.ok()) return mounted;
  bundle_mounted_ = true;
  Status made = MakeFolder(runtime_root(), 0700);
  if (!made.ok()) return made;
  mounted = MountOverlay(lowers_top_first, upper_, overlay_work_, rootfs_);
  if (!mounted.ok()) return mounted;
  rootfs_mounted_ = true;
  rootfs_fd_ = open(rootfs_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfs_fd_ < 0) {
    return Status::Failed("cannot open " + rootfs_.string() + ": " + strerror(errno));
  }
  return {};
}

Result<fs::path> StepFolder::MountSourceOverlay(const fs::path& source) {
  if (root_.empty()) return Status::Failed("the step folder is not created yet");
  const std::string text = source.string();
  if (text.find_first_of(":,\\") != std::string::npos) {
    return Status::Usage("mounted source " + text +
                         " has ':', ',' or '\\', which overlayfs rejects");
  }
  struct stat st {};
  if (lstat(source.c_str(), &st) != 0) {
    return Status::Failed("cannot read the mounted source " + text + ": " + strerror(errno));
  }
  if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
    return Status::Usage("mounted source " + text + " is neither a folder nor a regular file");
  }
  const fs::path mounts = root_ / "mounts";
  if (mkdir(mounts.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::Failed("cannot create " + mounts.string() + ": " + strerror(errno));
  }
  const fs::path dir = mounts / std::to_string(source_overlays_.size());
  const fs::path upper = dir / "upper";
  const fs::path work = dir / "work";
  const fs::path merged = dir / "merged";
  for (const auto& [path, mode] : {std::pair{dir, 0700}, std::pair{upper, 0755},
                                   std::pair{work, 0700}, std::pair{merged, 0755}}) {
    Status made = MakeFolder(path, static_cast<mode_t>(mode));
    if (!made.ok()) return made;
  }
  fs::path lower = source;
  if (S_ISDIR(st.st_mode)) {
    // The upper folder's root is the mount's root: it shows the source's owner and mode.
    if (chown(upper.c_str(), st.st_uid, st.st_gid) != 0 ||
        chmod(upper.c_str(), st.st_mode & 07777) != 0) {
      return Status::Failed("cannot give " + upper.string() + " the owner and mode of " + text +
                            ": " + strerror(errno));
    }
  } else {
    // A file cannot be an overlay's lower folder: a folder holding just a hard link to it can
    // (a copy where the state folder's file system cannot link to it).
    lower = dir / "lower";
    Status made = MakeFolder(lower, 0755);
    if (!made.ok()) return made;
    const fs::path file = lower / "file";
    if (link(source.c_str(), file.c_str()) != 0) {
      std::error_code ec;
      fs::copy_file(source, file, ec);
      if (ec) return Status::Failed("cannot copy " + text + " for its mount: " + ec.message());
    }
    // Whatever was linked or copied must be a regular file: a symlink would lead the runtime's
    // bind out to the host.
    struct stat linked {};
    if (lstat(file.c_str(), &linked) != 0 || !S_ISREG(linked.st_mode)) {
      return Status::Failed("mounted source " + text + " changed while it was mounted; run again");
    }
  }
  Status mounted = MountOverlay({lower}, upper, work, merged, MS_NOSUID | MS_NODEV);
  if (!mounted.ok()) return mounted.Prefixed("cannot mount " + text + ": ");
  source_overlays_.push_back(merged);
  return S_ISDIR(st.st_mode) ? merged : merged / "file";
}

Status StepFolder::DeleteContainer() {
  if (!container_may_exist_) return {};
  std::error_code ec;
  if (!fs::exists(runtime_root() / container_id_, ec)) {
    container_may_exist_ = false;
    return {};
  }
  Status deleted = RunRuntimeCommand(
      runtime_, {"--root", runtime_root().string(), "delete", "--force", container_id_});
  if (deleted.ok()) container_may_exist_ = false;
  return deleted;
}

Status StepFolder::Unmount() {
  Status all = DeleteContainer();
  if (rootfs_fd_ >= 0) close(rootfs_fd_);
  rootfs_fd_ = -1;
  std::vector<fs::path> still_mounted;
  for (auto it = source_overlays_.rbegin(); it != source_overlays_.rend(); ++it) {
    Status unmounted = host::Unmount(*it);
    Note(all, unmounted);
    if (!unmounted.ok()) still_mounted.push_back(*it);
  }
  source_overlays_ = std::move(still_mounted);
  if (rootfs_mounted_) {
    Status unmounted = host::Unmount(rootfs_);
    if (unmounted.ok()) rootfs_mounted_ = false;
    Note(all, unmounted);
  }
  if (bundle_mounted_) {
    Status unmounted = host::Unmount(bundle_);
    if (unmounted.ok()) bundle_mounted_ = false;
    Note(all, unmounted);
  }
  return all;
}

Status StepFolder::Remove() {
  Status all = Unmount();
  if (root_.empty()) return all;
  if (rootfs_mounted_ || bundle_mounted_ || !source_overlays_.empty()) {
    Note(all, Status::Failed("left " + root_.string() + " in place: something is still mounted"));
    return all;
  }
  std::error_code ec;
  fs::remove_all(root_, ec);
  if (ec) {
    Note(all, Status::Failed("cannot remove " + root_.string() + ": " + ec.message()));
  } else {
    root_.clear();
    if (owner_fd_ >= 0) close(owner_fd_);
    owner_fd_ = -1;
  }
  return all;
}

}  // namespace host
