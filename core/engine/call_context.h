// The call in progress as the engine sees it; modules receive it as the opaque host_context.
#ifndef HOST_ENGINE_CALL_CONTEXT_H_
#define HOST_ENGINE_CALL_CONTEXT_H_

namespace host {
class Engine;
}  // namespace host

// Which engine runs the call, and how deeply it is nested in other calls.
struct host_context {
  const host::Engine* engine;
  int depth;
};

#endif  // HOST_ENGINE_CALL_CONTEXT_H_
