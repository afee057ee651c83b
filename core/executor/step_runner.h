// Runs steps: each in a fresh overlay of its layers under an OCI runtime (crun or runc), with its
// output captured, its changes kept as a new layer, and nothing left behind on any path.
#ifndef HOST_EXECUTOR_STEP_RUNNER_H_
#define HOST_EXECUTOR_STEP_RUNNER_H_

#include <filesystem>
#include <string>

#include "core/base/status.h"
#include "core/executor/oci_runtime.h"
#include "core/executor/step.h"

namespace host {

// Where a runner works and with which runtime.
struct StepRunnerOptions {
  std::filesystem::path state_dir;  // each step works in state_dir/tmp/step-XXXXXX
  std::string runtime;              // "crun", "runc", or empty for the first one found
};

// Runs steps. Each step gets a private work folder with its overlay root filesystem and a private
// tmpfs holding its OCI bundle, runtime state and secret files; all of it goes when the step ends,
// whether it succeeded, failed, timed out or was interrupted (SIGINT or SIGTERM, which are caught
// only while steps run).
class StepRunner {
 public:
  // Finds the runtime and prepares state_dir/tmp.
  static Result<StepRunner> Create(const StepRunnerOptions& options);

  // Runs one step to its end. A non-zero exit code is a result, not an error; a bad spec is a
  // usage error; a timeout, an interrupt or a runtime failure is a failure. Thread-safe.
  Result<StepResult> Run(const StepSpec& spec) const;

  // The runtime the steps run under.
  const OciRuntime& runtime() const { return runtime_; }

 private:
  StepRunner(OciRuntime runtime, std::filesystem::path tmp_dir)
      : runtime_(std::move(runtime)), tmp_dir_(std::move(tmp_dir)) {}

  OciRuntime runtime_;
  std::filesystem::path tmp_dir_;
};

}  // namespace host

#endif  // HOST_EXECUTOR_STEP_RUNNER_H_
