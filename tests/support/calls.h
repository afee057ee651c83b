// Calls and values for tests that drive an Engine directly.
#ifndef HOST_TESTS_SUPPORT_CALLS_H_
#define HOST_TESTS_SUPPORT_CALLS_H_

#include <string>
#include <utility>
#include <vector>

#include "host/v1/wire.pb.h"

namespace host::test {

// A String value.
inline v1::Value Str(const std::string& text) {
  v1::Value value;
  value.set_string_value(text);
  return value;
}

// An Int value.
inline v1::Value Int(int64_t number) {
  v1::Value value;
  value.set_int_value(number);
  return value;
}

// A call of function on object of module, with named arguments.
inline v1::Call MakeCall(const std::string& module, const std::string& object,
                         const std::string& function,
                         const std::vector<std::pair<std::string, v1::Value>>& args = {}) {
  v1::Call call;
  call.set_module(module);
  call.set_object(object);
  call.set_function(function);
  for (const auto& [name, value] : args) {
    auto* arg = call.add_args();
    arg->set_name(name);
    *arg->mutable_value() = value;
  }
  return call;
}

}  // namespace host::test

#endif  // HOST_TESTS_SUPPORT_CALLS_H_
