// Calling other modules (and the core types) through the graph from a C++ module. Generated
// typed clients (deps/<module>.h, host/core.h) are written on top of this; module code rarely uses
// it directly. Header-only.
#ifndef HOST_CLIENT_H_
#define HOST_CLIENT_H_

#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include "host/abi.h"
#include "host/codec.h"
#include "host/value_view.h"
#include "host/wire_format.h"

namespace host {

// Thrown when a call through the graph fails; what() is the callee's error message.
class CallError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {

// The host's API table, set once by the module's entry symbol.
inline const host_api* g_api = nullptr;

// The host context of the call running on this thread (nullptr outside a call).
inline thread_local host_context* t_context = nullptr;

// Frees the buffers a host_api.call filled, however the caller leaves.
struct CallBuffers {
  host_buffer result{nullptr, 0};
  host_buffer error{nullptr, 0};
  CallBuffers() = default;
  CallBuffers(const CallBuffers&) = delete;
  CallBuffers& operator=(const CallBuffers&) = delete;
  ~CallBuffers() {
    if (g_api == nullptr) return;  // not loaded by a host: the call filled nothing
    g_api->free(result.data);
    g_api->free(error.data);
  }
};

// The message of an Error message's bytes; empty when there is none.
inline std::string ErrorMessage(std::string_view error) {
  try {
    wire::Reader reader(error);
    while (reader.Next()) {
      if (reader.field() == 1 && reader.type() == wire::kLength) return std::string(reader.Bytes());
      reader.Skip();
    }
  } catch (const wire::FormatError&) {
  }
  return "";
}

}  // namespace detail

namespace client {

// One call through the graph: target, receiver and arguments, then Run.
class Call {
 public:
  // Calls function of object in module; an empty function calls the object's constructor.
  Call(std::string_view module, std::string_view object, std::string_view function)
      : module_(module), object_(object), function_(function) {
    out_.Bytes(1, module);
    out_.Bytes(2, object);
    if (!function.empty()) out_.Bytes(4, function);
  }

  // Sets the receiver (self) of the call.
  Call& receiver(const ObjectRef& self) {
    out_.Bytes(3, self.bytes());
    return *this;
  }
  // Adds an argument; an empty std::optional is left out, so the callee's default applies.
  template <class V>
  Call& arg(std::string_view name, const V& value) {
    const size_t before = out_.size();
    size_t named = out_.Begin(5);
    out_.Bytes(1, name);
    size_t mark = out_.Begin(2);
    EncodeValue(value, out_);
    if (out_.size() == mark) {
      out_.Truncate(before);  // the absent value: no argument
      return *this;
    }
    out_.End(mark);
    out_.End(named);
    return *this;
  }
  // Runs the call and decodes its result as R; throws CallError when it fails.
  template <class R>
  R Run() {
    detail::CallBuffers buffers;
    Send(&buffers);
    if constexpr (!std::is_void_v<R>) {
      try {
        return Codec<R>::Decode(ValueView::Parse(std::string_view(
            reinterpret_cast<const char*>(buffers.result.data), buffers.result.size)));
      } catch (const TypeError& e) {
        throw CallError(Where() + " returned an unexpected value: " + e.what());
      } catch (const wire::FormatError& e) {
        throw CallError(Where() + " returned bytes that are not a host.v1.Value: " + e.what());
      }
    }
  }

 private:
  // Runs the call; its result or error lands in *buffers. Throws CallError when it fails.
  void Send(detail::CallBuffers* buffers) {
    if (detail::g_api == nullptr) {
      throw CallError(Where() + ": this module is not loaded by a host, so it cannot call others");
    }
    const std::string& bytes = out_.bytes();
    host_status status = detail::g_api->call(
        detail::t_context, host_bytes{reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()},
        &buffers->result, &buffers->error);
    if (status == HOST_STATUS_OK) return;
    std::string message = detail::ErrorMessage(
        std::string_view(reinterpret_cast<const char*>(buffers->error.data), buffers->error.size));
    if (message.empty()) message = Where() + " failed with status " + std::to_string(status);
    throw CallError(message);
  }
  std::string Where() const {
    std::string where = module_ + "." + object_;
    if (!function_.empty()) where += "." + function_;
    return where;
  }

  std::string module_;
  std::string object_;
  std::string function_;
  wire::Writer out_;  // the Call message, written as the call is built
};

}  // namespace client
}  // namespace host

#endif  // HOST_CLIENT_H_
