// The call in progress as the engine sees it; modules receive it as the opaque host_context.
#ifndef HOST_LOADER_CALL_CONTEXT_H_
#define HOST_LOADER_CALL_CONTEXT_H_

#include <google/protobuf/message_lite.h>

#include <string>

#include "host/abi.h"

namespace host {
class Runtime;
class CoreServices;

// The allocator of the host API table: what the engine and modules built into it hand out.
void* ApiAlloc(size_t size);
// Frees what ApiAlloc returned (null is accepted).
void ApiFree(void* ptr);

// Serializes message into a buffer from the allocator of the host API table (ApiAlloc),
// for the engine and the modules built into it; false when out of memory.
bool FillApiBuffer(const google::protobuf::MessageLite& message, host_buffer* out);
// Copies bytes into a buffer from that allocator; false when out of memory.
bool FillApiBuffer(const uint8_t* data, size_t size, host_buffer* out);
// Fills a buffer from that allocator with a host.v1.Error carrying message.
bool FillApiError(const std::string& message, host_buffer* out);
}  // namespace host

// Which engine runs the call, and how deeply it is nested in other calls.
struct host_context {
  const host::Runtime* engine;
  int depth;
  // In a module process (`host module-serve`): the context of the invoke in progress, which the
  // module's calls and logs carry back to the runtime.
  const std::string* invoke = nullptr;
  // The engine's core types, for the core module (null outside an engine's call).
  host::CoreServices* core = nullptr;
};

#endif  // HOST_LOADER_CALL_CONTEXT_H_
