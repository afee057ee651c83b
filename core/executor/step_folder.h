// A step's private work folder (state_dir/tmp/step-XXXXXX): the overlay's upper and work folders,
// the mounted root filesystem and a tmpfs with the OCI bundle, the runtime's state and secrets.
#ifndef HOST_EXECUTOR_STEP_FOLDER_H_
#define HOST_EXECUTOR_STEP_FOLDER_H_

#include <filesystem>
#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/executor/oci_runtime.h"

namespace host {

// Owns a step's work folder and everything in it: its container, its mounts, its files. Remove()
// (or the destructor) takes all of it away in the right order, whatever state it is in.
class StepFolder {
 public:
  // A folder whose container, if any, runs under runtime.
  explicit StepFolder(const OciRuntime& runtime) : runtime_(runtime) {}
  // Removes everything; errors are dropped (call Remove() to see them).
  ~StepFolder();
  StepFolder(const StepFolder&) = delete;
  StepFolder& operator=(const StepFolder&) = delete;

  // Creates tmp_dir/step-XXXXXX and its sub-folders. The upper folder's root gets the mode and
  // owner of root_like (the topmost layer's root), since it becomes the container's "/".
  Status Create(const std::filesystem::path& tmp_dir, const std::filesystem::path& root_like);
  // Mounts the private tmpfs on the bundle folder, then the overlay of lowers (topmost first).
  Status Mount(const std::vector<std::filesystem::path>& lowers_top_first);
  // Mounts an overlay of source (a folder, or a regular file hard-linked, or else copied, into a
  // folder of its own) in mounts/N: nosuid and nodev, its upper and work folders in this folder.
  // Returns the path to bind into the container: what the step changes there stays in this
  // folder, and source is never written.
  Result<std::filesystem::path> MountSourceOverlay(const std::filesystem::path& source);
  // Records that the runtime was started: from now on the container may exist.
  void ContainerStarted() { container_may_exist_ = true; }
  // Deletes the container (`delete -f`) if the runtime still has state for it.
  Status DeleteContainer();
  // Deletes the container, then unmounts the source overlays, the root filesystem and the tmpfs
  // (secrets vanish).
  Status Unmount();
  // Unmount(), then removes the folder. Safe to call more than once.
  Status Remove();

  // The empty folder used as the only layer of a step without layers.
  std::filesystem::path empty_layer() const { return root_ / "empty"; }
  // Where the overlay is mounted.
  const std::filesystem::path& rootfs() const { return rootfs_; }
  // An O_PATH descriptor of the mounted root filesystem; -1 once unmounted.
  int rootfs_fd() const { return rootfs_fd_; }
  // The overlay's upper folder: the step's changes.
  const std::filesystem::path& upper() const { return upper_; }
  // The overlay's work folder.
  const std::filesystem::path& overlay_work() const { return overlay_work_; }
  // The OCI bundle folder, on the private tmpfs.
  const std::filesystem::path& bundle() const { return bundle_; }
  // The runtime's --root, on the private tmpfs.
  std::filesystem::path runtime_root() const { return bundle_ / "state"; }
  // The container's id, unique on this host.
  const std::string& container_id() const { return container_id_; }

 private:
  const OciRuntime& runtime_;
  std::filesystem::path root_;
  std::filesystem::path upper_;
  std::filesystem::path overlay_work_;
  std::filesystem::path rootfs_;
  std::filesystem::path bundle_;
  std::string container_id_;
  int rootfs_fd_ = -1;
  int owner_fd_ = -1;  // holds an exclusive lock on owner.lock while this process owns the folder
  bool bundle_mounted_ = false;
  bool rootfs_mounted_ = false;
  bool container_may_exist_ = false;
  std::vector<std::filesystem::path> source_overlays_;  // mounted by MountSourceOverlay, in order
};

}  // namespace host

#endif  // HOST_EXECUTOR_STEP_FOLDER_H_
