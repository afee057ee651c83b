// Evaluates lazy core objects: walks the calls that made an object, pulling images and running
// steps only when a leaf (stdout, exit-code, sync...) needs them. Each node is evaluated once per
// session, also when several threads ask for it at the same time. What a function does is its
// declaration's build step (core_function.h); the evaluator only memoises and dispatches.
#ifndef HOST_TYPES_EVALUATOR_H_
#define HOST_TYPES_EVALUATOR_H_

#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>

#include "core/base/status.h"
#include "core/types/core_states.h"

namespace host {

class CoreServices;
struct Node;

// Turns node IDs into evaluated states, with memoization.
class Evaluator {
 public:
  explicit Evaluator(CoreServices* services) : services_(services) {}

  // The state of the lazy object with this ID (Container, Directory, File, CacheVolume, Host).
  template <class State>
  Result<State> Evaluate(const std::string& id);

  // The state of the Container with this ID.
  Result<ContainerState> Container(const std::string& id) { return Evaluate<ContainerState>(id); }
  // The snapshot of the Directory with this ID.
  Result<Snapshot> Directory(const std::string& id) { return Evaluate<Snapshot>(id); }
  // The File with this ID.
  Result<FileState> File(const std::string& id) { return Evaluate<FileState>(id); }
  // The digest of the contents and mode of the File with this ID, computed once.
  Result<std::string> FileDigestOf(const std::string& id);

 private:
  template <class T>
  using Memo = std::map<std::string, std::shared_future<Result<T>>>;

  // Evaluates id once: concurrent callers wait for the first one's result.
  template <class T>
  Result<T> Once(Memo<T>* memo, const std::string& id, const std::function<Result<T>()>& compute);
  // Runs the build step of the call that made the node.
  template <class State>
  Result<State> Compute(const std::string& id);
  // Evaluates, bottom first, the receivers below id that are of the same type and not evaluated
  // yet, so that a chain of a thousand calls takes one level of the stack, not a thousand.
  template <class State>
  void EvaluateReceiversFirst(const std::string& id);
  CoreServices* services_;
  std::mutex mutex_;
  // One memo per lazy state type, and the file digests.
  std::tuple<Memo<ContainerState>, Memo<Snapshot>, Memo<FileState>, Memo<CacheVolumeState>,
             Memo<HostState>, Memo<std::string>>
      memos_;
};

}  // namespace host

#endif  // HOST_TYPES_EVALUATOR_H_
