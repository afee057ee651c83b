#include "core/types/node_table.h"

#include <mutex>

namespace host {

void NodeTable::Put(const std::string& id, Node node) {
  std::unique_lock lock(mutex_);
  nodes_.try_emplace(id, std::make_shared<const Node>(std::move(node)));
}

std::shared_ptr<const Node> NodeTable::Get(std::string_view id) const {
  std::shared_lock lock(mutex_);
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : it->second;
}

}  // namespace host
