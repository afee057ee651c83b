// The lazy core objects of one engine session: each ID maps to the call that made it, which is
// all that is needed to evaluate it later.
#ifndef HOST_TYPES_NODE_TABLE_H_
#define HOST_TYPES_NODE_TABLE_H_

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "host/v1/wire.pb.h"

namespace host {

// One lazy core object.
struct Node {
  std::string type;  // Container, Directory, File, CacheVolume
  v1::Call call;     // the call that made it: receiver (the parent object) and arguments
};

// Nodes by ID; thread-safe.
class NodeTable {
 public:
  // Records a node under id (a second record of the same id is the same call, so it is kept).
  void Put(const std::string& id, Node node);
  // The node with this ID, or nullptr.
  std::shared_ptr<const Node> Get(std::string_view id) const;

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<const Node>, std::less<>> nodes_;
};

}  // namespace host

#endif  // HOST_TYPES_NODE_TABLE_H_
