// Clean-up after processes that died in the middle of a step (even by SIGKILL): their
// containers, mounts and work folders.
#ifndef HOST_EXECUTOR_ABANDONED_STEPS_H_
#define HOST_EXECUTOR_ABANDONED_STEPS_H_

#include <filesystem>

#include "core/executor/oci_runtime.h"

namespace host {

// Removes the step folders under tmp_dir whose owner process is gone: deletes their containers
// with runtime, unmounts their root filesystem and tmpfs, removes the folders. Folders of live
// processes are left alone. Returns how many folders it removed.
int CleanAbandonedSteps(const std::filesystem::path& tmp_dir, const OciRuntime& runtime);

}  // namespace host

#endif  // HOST_EXECUTOR_ABANDONED_STEPS_H_
