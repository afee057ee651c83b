#include "host/codec.h"

namespace host::detail {

const char* KindName(const v1::Value& value) {
  switch (value.kind_case()) {
    case v1::Value::kStringValue:
      return "String";
    case v1::Value::kIntValue:
      return "Int";
    case v1::Value::kFloatValue:
      return "Float";
    case v1::Value::kBoolValue:
      return "Boolean";
    case v1::Value::kEnumValue:
      return "an enum value";
    case v1::Value::kListValue:
      return "List";
    case v1::Value::kObjectValue:
      return "an object";
    case v1::Value::KIND_NOT_SET:
      break;
  }
  return "nothing";
}

void ThrowTypeError(const char* expected, const v1::Value& got) {
  throw TypeError(std::string("expected ") + expected + ", got " + KindName(got));
}

}  // namespace host::detail
