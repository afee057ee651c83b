// Fuzzes the C++ SDK's own reading of wire messages (host/wire_format.h, host/value_view.h):
// hostile bytes raise FormatError or TypeError and never read out of bounds; what it reads agrees
// with the protobuf runtime's parse of the same bytes, and what it decodes survives a round trip.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/codec.h"
#include "host/v1/wire.pb.h"
#include "host/value_view.h"
#include "tests/fuzz/fuzz_check.h"

using host::fuzz::Expect;

namespace {

// Decodes v as T, encodes it again and checks the second decoding equals the first.
template <class T>
void RoundTrip(const host::ValueView& v) {
  T decoded;
  try {
    decoded = host::Codec<T>::Decode(v);
  } catch (const host::TypeError&) {
    return;
  } catch (const host::wire::FormatError&) {
    return;
  }
  const std::string bytes = host::EncodedValue(decoded);
  const T again = host::Codec<T>::Decode(host::ValueView::Parse(bytes));
  Expect(again == decoded, "a value changed on a round trip through the SDK's codec");
}

// Checks the SDK's view of a Value against the protobuf runtime's.
void CompareWithProtobuf(std::string_view bytes, const host::ValueView& view) {
  host::v1::Value value;
  if (!value.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return;
  Expect(static_cast<int>(view.kind) == static_cast<int>(value.kind_case()),
         "the SDK and protobuf disagree on a value's kind");
  switch (value.kind_case()) {
    case host::v1::Value::kStringValue:
      Expect(view.bytes == value.string_value(), "the SDK and protobuf disagree on a string");
      break;
    case host::v1::Value::kIntValue:
      Expect(view.int_value == value.int_value(), "the SDK and protobuf disagree on an int");
      break;
    case host::v1::Value::kBoolValue:
      Expect(view.bool_value == value.bool_value(), "the SDK and protobuf disagree on a bool");
      break;
    default:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    host::ValueView view = host::ValueView::Parse(bytes);
    CompareWithProtobuf(bytes, view);
    RoundTrip<std::string>(view);
    RoundTrip<int64_t>(view);
    RoundTrip<bool>(view);
    RoundTrip<std::vector<std::string>>(view);
    RoundTrip<std::vector<std::vector<int64_t>>>(view);
    RoundTrip<std::optional<std::vector<bool>>>(view);
  } catch (const host::wire::FormatError&) {
  }
  try {
    host::CallView call = host::CallView::Parse(bytes);
    Expect(call.args.size() <= size, "more arguments than bytes");
    if (!call.receiver.empty()) host::ObjectRef::Parse(call.receiver);
  } catch (const host::wire::FormatError&) {
  }
  try {
    host::ObjectRef object = host::ObjectRef::Parse(bytes);
    Expect(object.type_name().size() + object.id().size() <= size, "an object header too long");
  } catch (const host::wire::FormatError&) {
  }
  return 0;
}
