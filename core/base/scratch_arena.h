// A protobuf arena whose first block lives on the stack: messages parsed into it cost no heap
// allocation, which keeps calls through the graph cheap.
#ifndef HOST_CORE_BASE_SCRATCH_ARENA_H_
#define HOST_CORE_BASE_SCRATCH_ARENA_H_

#include <google/protobuf/arena.h>

namespace host {

// An arena for the messages of one call; declare it on the stack.
class ScratchArena {
 public:
  ScratchArena() : arena_(Options(block_)) {}
  ScratchArena(const ScratchArena&) = delete;
  ScratchArena& operator=(const ScratchArena&) = delete;

  // Creates a message of type M that lives as long as the arena.
  template <class M>
  M* Make() {
    return google::protobuf::Arena::CreateMessage<M>(&arena_);
  }

 private:
  static google::protobuf::ArenaOptions Options(char* block) {
    google::protobuf::ArenaOptions options;
    options.initial_block = block;
    options.initial_block_size = sizeof(block_);
    return options;
  }
  alignas(16) char block_[4096];
  google::protobuf::Arena arena_;
};

}  // namespace host

#endif  // HOST_CORE_BASE_SCRATCH_ARENA_H_
