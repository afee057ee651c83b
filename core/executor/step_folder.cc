#include "core/executor/step_folder.h"

#include <fcntl.h>
#include <sys/file.h>
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
  // taken is abandoned (see CleanAbandonedSteps).
  owner_fd_ = open((root_ / "owner.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (owner_fd_ < 0 || flock(owner_fd_, LOCK_EX) != 0) {
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
  if (rootfs_mounted_ || bundle_mounted_) {
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
