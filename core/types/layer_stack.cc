#include "core/types/layer_stack.h"

#include <utility>

namespace host {

LayerStack::LayerStack(const std::vector<std::filesystem::path>& bottom_first) {
  for (const auto& layer : bottom_first) push_back(layer);
}

void LayerStack::push_back(std::filesystem::path layer) {
  top_ = std::make_shared<Node>(std::move(layer), std::move(top_));
}

std::vector<std::filesystem::path> LayerStack::BottomFirst() const {
  std::vector<std::filesystem::path> layers(size());
  size_t at = layers.size();
  for (const Node* node = top_.get(); node != nullptr; node = node->below.get()) {
    layers[--at] = node->layer;
  }
  return layers;
}

bool LayerStack::operator==(const LayerStack& other) const {
  if (size() != other.size()) return false;
  const Node* a = top_.get();
  const Node* b = other.top_.get();
  for (; a != nullptr && a != b; a = a->below.get(), b = b->below.get()) {
    if (a->layer != b->layer) return false;
  }
  return true;
}

LayerStack::Node::~Node() {
  // The default would release `below`, whose destructor releases its own `below`, and so on: a
  // call per layer. Instead the nodes that only this one holds are taken off one by one. A node
  // that another stack still holds stays, and that stack releases it later the same way.
  std::shared_ptr<Node> next = std::move(below);
  while (next && next.use_count() == 1) {
    std::shared_ptr<Node> after = std::move(next->below);
    next = std::move(after);  // frees the node, whose `below` is already empty
  }
}

}  // namespace host
