// A container's stack of layer folders, bottom first, shared between the states of a chain: a
// step adds its layer on top in O(1), and every remembered state keeps only its top.
#ifndef HOST_TYPES_LAYER_STACK_H_
#define HOST_TYPES_LAYER_STACK_H_

#include <cstddef>
#include <filesystem>
#include <memory>
#include <vector>

namespace host {

// An immutable list of layer folders (bottom first) whose copies share their layers. Copying is
// O(1); push_back changes only this copy. Thread-safe as a value: copies may be used and destroyed
// from any thread. Releasing a stack never recurses, however tall it is.
class LayerStack {
 public:
  // An empty stack (an empty root filesystem).
  LayerStack() = default;
  // A stack holding these layers, bottom first (an image's).
  explicit LayerStack(const std::vector<std::filesystem::path>& bottom_first);

  // Puts layer on top of this stack; other copies keep what they had.
  void push_back(std::filesystem::path layer);

  // How many layers the stack holds.
  size_t size() const { return top_ ? top_->size : 0; }
  // Whether the stack holds no layer.
  bool empty() const { return top_ == nullptr; }
  // The topmost layer; the stack must not be empty.
  const std::filesystem::path& top() const { return top_->layer; }
  // The layers, bottom first, for what works on all of them at once (running a step, a lookup).
  std::vector<std::filesystem::path> BottomFirst() const;

  // Whether both hold the same layers in the same order.
  bool operator==(const LayerStack& other) const;

 private:
  // One layer and the stack below it.
  struct Node {
    Node(std::filesystem::path l, std::shared_ptr<Node> b)
        : layer(std::move(l)), below(std::move(b)), size(below ? below->size + 1 : 1) {}
    ~Node();  // releases the nodes below without recursion
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    std::filesystem::path layer;
    std::shared_ptr<Node> below;  // never changed once made, except while being released
    size_t size;                  // layers from this one down
  };
  std::shared_ptr<Node> top_;  // null when empty
};

}  // namespace host

#endif  // HOST_TYPES_LAYER_STACK_H_
