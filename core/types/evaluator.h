// Evaluates lazy core objects: walks the calls that made a Container, pulling images and running
// steps only when a leaf (stdout, exit-code, sync...) needs them. Each node is evaluated once per
// session, also when several threads ask for it at the same time.
#ifndef HOST_TYPES_EVALUATOR_H_
#define HOST_TYPES_EVALUATOR_H_

#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <string>

#include "core/base/status.h"
#include "core/types/container_state.h"

namespace host {

class CoreServices;
struct Node;

// Turns node IDs into evaluated states, with memoization.
class Evaluator {
 public:
  explicit Evaluator(CoreServices* services) : services_(services) {}

  // The state of the Container with this ID.
  Result<ContainerState> Container(const std::string& id);

 private:
  Result<ContainerState> ComputeContainer(const std::string& id);
  Result<ContainerState> Exec(const ContainerState& parent, const Node& node);

  CoreServices* services_;
  std::mutex mutex_;
  std::map<std::string, std::shared_future<Result<ContainerState>>> containers_;
};

}  // namespace host

#endif  // HOST_TYPES_EVALUATOR_H_
