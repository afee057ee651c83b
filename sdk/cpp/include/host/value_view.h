// Reading host.v1 messages (Value, ObjectValue, Call) from their bytes without copying them: the
// views the C++ SDK's codecs decode from. Header-only; hostile bytes raise wire::FormatError.
#ifndef HOST_VALUE_VIEW_H_
#define HOST_VALUE_VIEW_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host/wire_format.h"

namespace host {

// Which member of a Value's oneof is set (wire.proto's field numbers).
enum class ValueKind {
  kNone = 0,  // the absent value: Void, or an unset optional
  kString = 1,
  kInt = 2,
  kFloat = 3,
  kBool = 4,
  kEnum = 5,
  kList = 6,
  kObject = 7,
};

// Why a message is refused whose one message field comes in two parts: protobuf would merge the
// parts, and the SDK reads messages without copying them, so it would see only the last part.
inline constexpr const char* kMergedMessage =
    "a message field (a list, an object or a receiver) comes in two parts, which protobuf would "
    "merge: send it in one";

// The value of a singular message field that must come once (see kMergedMessage).
inline std::string_view OnlyPart(wire::Reader& reader, bool* seen) {
  if (*seen) throw wire::FormatError(kMergedMessage);
  *seen = true;
  return reader.Bytes();
}

// One host.v1.Value, parsed; bytes point into the message it was parsed from.
struct ValueView {
  ValueKind kind = ValueKind::kNone;
  std::string_view bytes;  // the string, the enum name, or the ListValue / ObjectValue message
  int64_t int_value = 0;
  double float_value = 0;
  bool bool_value = false;

  // Parses a Value message; the last member of the oneof wins, as in protobuf.
  static ValueView Parse(std::string_view message) {
    ValueView view;
    wire::Reader reader(message);
    while (reader.Next()) {
      switch (reader.field()) {
        case 6:
        case 7:
          if (view.kind == static_cast<ValueKind>(reader.field())) {
            throw wire::FormatError(kMergedMessage);
          }
          [[fallthrough]];
        case 1:
        case 5:
          view.kind = static_cast<ValueKind>(reader.field());
          view.bytes = reader.Bytes();
          break;
        case 2:
          view.kind = ValueKind::kInt;
          view.int_value = static_cast<int64_t>(reader.Varint());
          break;
        case 3:
          view.kind = ValueKind::kFloat;
          view.float_value = reader.Double();
          break;
        case 4:
          view.kind = ValueKind::kBool;
          view.bool_value = reader.Varint() != 0;
          break;
        default:
          reader.Skip();
      }
    }
    return view;
  }

  // Names the kind, for error messages: "String", "Int", "an object", "nothing"...
  const char* KindName() const {
    switch (kind) {
      case ValueKind::kString:
        return "String";
      case ValueKind::kInt:
        return "Int";
      case ValueKind::kFloat:
        return "Float";
      case ValueKind::kBool:
        return "Boolean";
      case ValueKind::kEnum:
        return "an enum value";
      case ValueKind::kList:
        return "List";
      case ValueKind::kObject:
        return "an object";
      case ValueKind::kNone:
        break;
    }
    return "nothing";
  }
};

// Calls f(ValueView) for each item of a ListValue message, in order.
template <class F>
void ForEachItem(std::string_view list, F&& f) {
  wire::Reader reader(list);
  while (reader.Next()) {
    if (reader.field() == 1) {
      f(ValueView::Parse(reader.Bytes()));
    } else {
      reader.Skip();
    }
  }
}

// The type name and ID of an ObjectValue message.
struct ObjectHeader {
  std::string_view type_name;
  std::string_view id;
};

// Calls f(name, ValueView) for each field of an ObjectValue message; returns its type and ID.
template <class F>
ObjectHeader ForEachField(std::string_view object, F&& f) {
  ObjectHeader header;
  wire::Reader reader(object);
  while (reader.Next()) {
    switch (reader.field()) {
      case 1:
        header.type_name = reader.Bytes();
        break;
      case 2:
        header.id = reader.Bytes();
        break;
      case 3: {
        std::string_view name;
        std::string_view value;
        bool seen = false;
        wire::Reader named(reader.Bytes());
        while (named.Next()) {
          if (named.field() == 1) {
            name = named.Bytes();
          } else if (named.field() == 2) {
            value = OnlyPart(named, &seen);
          } else {
            named.Skip();
          }
        }
        f(name, ValueView::Parse(value));
        break;
      }
      default:
        reader.Skip();
    }
  }
  return header;
}

// An object of another module (or a core type) as it crosses the graph: its encoded ObjectValue,
// passed back unchanged as a receiver or an argument.
class ObjectRef {
 public:
  ObjectRef() = default;
  // Keeps the bytes of an ObjectValue message.
  static ObjectRef Parse(std::string_view message) {
    ObjectRef ref;
    ref.bytes_.assign(message.data(), message.size());
    ObjectHeader header = ForEachField(ref.bytes_, [](std::string_view, const ValueView&) {});
    ref.type_name_.assign(header.type_name.data(), header.type_name.size());
    ref.id_.assign(header.id.data(), header.id.size());
    return ref;
  }
  // The ObjectValue message.
  const std::string& bytes() const { return bytes_; }
  // The object's type, e.g. "Container".
  const std::string& type_name() const { return type_name_; }
  // The object's ID: the digest of the call that made it.
  const std::string& id() const { return id_; }

 private:
  std::string bytes_;
  std::string type_name_;
  std::string id_;
};

// One host.v1.Call, parsed; views point into the call's bytes.
struct CallView {
  std::string_view module;
  std::string_view object;
  std::string_view receiver;  // an ObjectValue message; empty for a constructor
  std::string_view function;
  std::vector<std::pair<std::string_view, std::string_view>> args;  // name, Value message

  // Parses a Call message.
  static CallView Parse(std::string_view message) {
    CallView call;
    bool seen_receiver = false;
    wire::Reader reader(message);
    while (reader.Next()) {
      switch (reader.field()) {
        case 1:
          call.module = reader.Bytes();
          break;
        case 2:
          call.object = reader.Bytes();
          break;
        case 3:
          call.receiver = OnlyPart(reader, &seen_receiver);
          break;
        case 4:
          call.function = reader.Bytes();
          break;
        case 5: {
          std::pair<std::string_view, std::string_view> arg;
          bool seen = false;
          wire::Reader named(reader.Bytes());
          while (named.Next()) {
            if (named.field() == 1) {
              arg.first = named.Bytes();
            } else if (named.field() == 2) {
              arg.second = OnlyPart(named, &seen);
            } else {
              named.Skip();
            }
          }
          call.args.push_back(arg);
          break;
        }
        default:
          reader.Skip();
      }
    }
    return call;
  }
};

}  // namespace host

#endif  // HOST_VALUE_VIEW_H_
