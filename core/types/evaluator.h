// Evaluates lazy core objects: walks the calls that made a Container, pulling images and running
// steps only when a leaf (stdout, exit-code, sync...) needs them. Each node is evaluated once per
// session, also when several threads ask for it at the same time.
#ifndef HOST_TYPES_EVALUATOR_H_
#define HOST_TYPES_EVALUATOR_H_

#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/base/status.h"
#include "core/types/container_state.h"
#include "core/types/snapshot_store.h"

namespace host {

class CoreServices;
struct Node;

// An evaluated File: an immutable copy of its bytes in the state folder. Its digest is computed
// only when asked for (Evaluator::FileDigestOf), so reading a size costs no pass over the bytes.
struct FileState {
  std::filesystem::path path;
  std::string name;
};

// Turns node IDs into evaluated states, with memoization.
class Evaluator {
 public:
  explicit Evaluator(CoreServices* services) : services_(services) {}

  // The state of the Container with this ID.
  Result<ContainerState> Container(const std::string& id);
  // The snapshot of the Directory with this ID.
  Result<Snapshot> Directory(const std::string& id);
  // The File with this ID.
  Result<FileState> File(const std::string& id);
  // The digest of the contents and mode of the File with this ID, computed once.
  Result<std::string> FileDigestOf(const std::string& id);

 private:
  // Evaluates id once: concurrent callers wait for the first one's result.
  template <class T>
  Result<T> Once(std::map<std::string, std::shared_future<Result<T>>>* memo, const std::string& id,
                 const std::function<Result<T>()>& compute);
  // The node with this ID, which must be of the given type.
  Result<std::shared_ptr<const Node>> NodeOf(const std::string& id, const std::string& type) const;
  Result<ContainerState> ComputeContainer(const std::string& id);
  Result<ContainerState> Exec(const ContainerState& parent, const Node& node);
  Result<Snapshot> ComputeDirectory(const std::string& id);
  Result<FileState> ComputeFile(const std::string& id);
  // A layer holding one tree at an absolute path, stored under the digest that names it.
  Result<std::filesystem::path> DerivedLayer(
      const std::string& digest, const std::string& at,
      const std::function<Status(const std::filesystem::path&)>& fill);

  CoreServices* services_;
  std::mutex mutex_;
  std::map<std::string, std::shared_future<Result<ContainerState>>> containers_;
  std::map<std::string, std::shared_future<Result<Snapshot>>> directories_;
  std::map<std::string, std::shared_future<Result<FileState>>> files_;
  std::map<std::string, std::shared_future<Result<std::string>>> file_digests_;
};

}  // namespace host

#endif  // HOST_TYPES_EVALUATOR_H_
