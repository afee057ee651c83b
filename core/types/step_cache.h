// Results of container steps, stored by the digest of everything the step depends on, so an
// unchanged step never runs twice. Safe for several processes sharing one state folder.
#ifndef HOST_TYPES_STEP_CACHE_H_
#define HOST_TYPES_STEP_CACHE_H_

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "core/base/status.h"
#include "core/executor/step.h"

namespace host {

// What a step left: its layer and its output (already scrubbed of secrets).
struct CachedStep {
  std::filesystem::path layer;
  int exit_code = 0;
  std::string stdout_bytes;
  std::string stderr_bytes;
};

// What a look at one stored step result found.
struct StepEntryCheck {
  bool present = false;     // a folder is stored under the key
  bool old_format = false;  // stored by a host before records: not corrupt, but unchecked
  std::string problem;      // why the entry cannot be trusted; empty when it is whole
  CachedStep step;          // the result, when present and whole
};

// Reads and checks the entry in folder (named by the hex of its key): a record of the current
// format naming that key, the exit code, stdout and stderr matching the record's digests, and a
// layer folder. deep also checks that the layer holds as many entries and bytes as when stored
// (a walk of the layer: for `host cache verify`, too slow for every cached step).
StepEntryCheck InspectStepEntry(const std::filesystem::path& folder, bool deep);

// Step results under <state>/steps/<key>/: layer/, stdout, stderr, exit_code and record (the
// key, the exit code, the sha256 and size of stdout and stderr, the layer's size, and a digest
// of the record itself). An entry that fails its checks is a miss: it is reported with Warn,
// removed and run again; one stored by an older host (no record) is replaced without a warning.
class StepCache {
 public:
  explicit StepCache(std::filesystem::path dir);

  // The stored result of key, if any and whole.
  std::optional<CachedStep> Find(const std::string& key) const;

  // The stored result of key, or else the result of run(result_layer), stored when keep() says
  // so. Processes running the same key wait for each other: one runs, the others reuse its
  // result. *cached says whether the result was reused. `scrub` cleans output before it is kept.
  Result<CachedStep> GetOrRun(
      const std::string& key,
      const std::function<Result<StepResult>(const std::filesystem::path&)>& run,
      const std::function<bool(const StepResult&)>& keep,
      const std::function<std::string(std::string_view)>& scrub, bool* cached);

 private:
  std::filesystem::path Folder(const std::string& key) const;
  std::filesystem::path dir_;
};

}  // namespace host

#endif  // HOST_TYPES_STEP_CACHE_H_
