// The SDK's link to the host inside one module: the host's API table and the call in progress.
#ifndef HOST_SDK_RUNTIME_H_
#define HOST_SDK_RUNTIME_H_

#include <string>

#include <google/protobuf/message_lite.h>

#include "host/abi.h"

namespace host::detail {

// The host's API table, set once by the entry symbol.
extern const host_api* g_api;

// The host context of the call running on this thread (nullptr outside a call).
extern thread_local host_context* t_context;

// Copies bytes into a buffer allocated with the host's allocator; false when out of memory.
bool FillBuffer(const std::string& bytes, host_buffer* out);

// Serializes message into a buffer allocated with the host's allocator; false when out of memory.
bool FillMessage(const google::protobuf::MessageLite& message, host_buffer* out);

}  // namespace host::detail

#endif  // HOST_SDK_RUNTIME_H_
