#include "host/client.h"

#include <cstring>

#include "runtime.h"

namespace host::client {

Call::Call(std::string_view module, std::string_view object, std::string_view function)
    : call_(arena_.Make<v1::Call>()) {
  call_->set_module(std::string(module));
  call_->set_object(std::string(object));
  call_->set_function(std::string(function));
}

std::string Call::Where() const {
  std::string where = call_->module() + "." + call_->object();
  if (!call_->function().empty()) where += "." + call_->function();
  return where;
}

const v1::Value& Call::Send(v1::Value* value) {
  if (detail::g_api == nullptr) {
    throw CallError(Where() + ": this module is not loaded by a host, so it cannot call others");
  }
  // Small calls are serialized on the stack; larger ones on the heap.
  uint8_t stack[1024];
  std::string heap;
  size_t size = call_->ByteSizeLong();
  uint8_t* bytes = stack;
  if (size > sizeof stack) {
    heap.resize(size);
    bytes = reinterpret_cast<uint8_t*>(heap.data());
  }
  call_->SerializeWithCachedSizesToArray(bytes);
  host_buffer result{nullptr, 0};
  host_buffer error{nullptr, 0};
  host_status status =
      detail::g_api->call(detail::t_context, host_bytes{bytes, size}, &result, &error);
  bool parsed =
      status == HOST_STATUS_OK && value->ParseFromArray(result.data, static_cast<int>(result.size));
  std::string message;
  if (status != HOST_STATUS_OK) {
    v1::Error err;
    if (err.ParseFromArray(error.data, static_cast<int>(error.size)) && !err.message().empty()) {
      message = err.message();
    } else {
      message = Where() + " failed with status " + std::to_string(status);
    }
  }
  detail::g_api->free(result.data);
  detail::g_api->free(error.data);
  if (status != HOST_STATUS_OK) throw CallError(message);
  if (!parsed) throw CallError(Where() + " returned bytes that are not a host.v1.Value");
  return *value;
}

}  // namespace host::client
