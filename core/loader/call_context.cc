#include "core/loader/call_context.h"

#include <cstdlib>
#include <cstring>

#include "host/v1/wire.pb.h"

namespace host {

void* ApiAlloc(size_t size) { return std::malloc(size == 0 ? 1 : size); }

void ApiFree(void* ptr) { std::free(ptr); }

bool FillApiBuffer(const uint8_t* data, size_t size, host_buffer* out) {
  out->data = static_cast<uint8_t*>(ApiAlloc(size));
  if (out->data == nullptr) return false;
  out->size = size;
  if (size > 0) std::memcpy(out->data, data, size);
  return true;
}

bool FillApiError(const std::string& message, host_buffer* out) {
  v1::Error error;
  error.set_message(message);
  return FillApiBuffer(error, out);
}

bool FillApiBuffer(const google::protobuf::MessageLite& message, host_buffer* out) {
  size_t size = message.ByteSizeLong();
  out->data = static_cast<uint8_t*>(ApiAlloc(size));
  if (out->data == nullptr) return false;
  out->size = size;
  message.SerializeWithCachedSizesToArray(out->data);
  return true;
}

}  // namespace host
