// Calling other modules (and, later, core types) through the graph from a C++ module. Generated
// typed clients (deps/<module>.h) are written on top of this; module code rarely uses it directly.
#ifndef HOST_CLIENT_H_
#define HOST_CLIENT_H_

#include <stdexcept>
#include <string>
#include <string_view>

#include "host/codec.h"
#include "host/scratch_arena.h"

namespace host {

// Thrown when a call through the graph fails; what() is the callee's error message.
class CallError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace client {

// One call through the graph: target, receiver and arguments, then Run.
class Call {
 public:
  // Calls function of object in module; an empty function calls the object's constructor.
  Call(std::string_view module, std::string_view object, std::string_view function);

  // Sets the receiver (self) of the call.
  Call& receiver(const v1::ObjectValue& self) {
    call_->mutable_receiver()->CopyFrom(self);
    return *this;
  }
  // Adds an argument; an empty std::optional is left out, so the callee's default applies.
  template <class V>
  Call& arg(std::string_view name, const V& value) {
    v1::NamedValue* named = call_->add_args();
    named->set_name(std::string(name));
    EncodeValue(value, named->mutable_value());
    if (named->value().kind_case() == v1::Value::KIND_NOT_SET) call_->mutable_args()->RemoveLast();
    return *this;
  }
  // Runs the call and decodes its result as R; throws CallError when it fails.
  template <class R>
  R Run() {
    const v1::Value& result = Send(arena_.Make<v1::Value>());
    if constexpr (!std::is_void_v<R>) {
      try {
        return Codec<R>::Decode(result);
      } catch (const TypeError& e) {
        throw CallError(Where() + " returned an unexpected value: " + e.what());
      }
    }
  }
  // Runs the call and returns its raw result; throws CallError when it fails.
  v1::Value RunValue() {
    v1::Value result;
    Send(&result);
    return result;
  }

 private:
  // Runs the call and parses its result into *result; throws CallError when it fails.
  const v1::Value& Send(v1::Value* result);
  std::string Where() const;
  ScratchArena arena_;  // the call and its result live here: no heap allocation per message
  v1::Call* call_;
};

}  // namespace client
}  // namespace host

#endif  // HOST_CLIENT_H_
