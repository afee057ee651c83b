// Maps C++ types to host types and converts values both ways: the heart of the C++ SDK. Values are
// encoded straight into the bytes of host.v1.Value messages (host/wire_format.h) and decoded from
// views of them (host/value_view.h): no protobuf runtime, any C++17 toolchain.
//
// Supported: std::string, int64_t (and int), double, bool, void, std::vector<T>, std::optional<T>,
// enums described by host::enum_spec<E>, objects registered with Module::object<T>(), and typed
// clients of other modules' objects (classes derived from host::ClientObject).
#ifndef HOST_CODEC_H_
#define HOST_CODEC_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "host/schema.h"
#include "host/value_view.h"
#include "host/wire_format.h"

namespace host {

// Thrown when a value does not have the type a function expects.
class TypeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One value of an enum, as the module declares it.
template <class E>
struct EnumValue {
  E value;
  const char* name;
  const char* description = "";
};

// Describes a C++ enum to the SDK. Specialize host::enum_spec<E> for each enum a module uses.
template <class E>
struct EnumSpec {
  const char* name;
  const char* description;
  std::vector<EnumValue<E>> values;
  const char* module =
      nullptr;  // set for another module's enum (generated clients): not redeclared
};

// The description of enum E; must be specialized, e.g.
// template <> inline const host::EnumSpec<Part> host::enum_spec<Part>{"Part", "doc", {...}};
template <class E>
extern const EnumSpec<E> enum_spec;

// Base of the typed clients generated for other modules' objects: holds the object's value.
class ClientObject {
 public:
  ClientObject() = default;
  // Wraps an object value received from the graph.
  explicit ClientObject(ObjectRef value) : value_(std::move(value)) {}
  // The object's value as it crosses the graph.
  const ObjectRef& value() const { return value_; }
  // The object's ID: the digest of the call that made it.
  const std::string& id() const { return value_.id(); }

 protected:
  ObjectRef value_;
};

// Collects the enums and objects a signature uses, so the schema can declare them.
class SchemaSink {
 public:
  virtual ~SchemaSink() = default;
  // Records the definition of an enum the schema uses.
  virtual void AddEnum(const schema::EnumDef& def) = 0;
};

// How a module object T crosses the graph: its name and its fields.
template <class T>
struct ObjectSpec {
  // One public field: its definition, and how to read and write it.
  struct Field {
    schema::FieldDef def;
    std::function<void(const T&, wire::Writer&)> get;  // appends the field's Value
    std::function<void(T&, const ValueView&)> set;
  };
  std::string name;
  std::vector<Field> fields;
};

// The spec of module object T, filled by Module::object<T>() (one per module).
template <class T>
ObjectSpec<T>& object_spec() {
  static ObjectSpec<T> spec;
  return spec;
}

namespace detail {
// Throws a TypeError saying what was expected and what came.
[[noreturn]] inline void ThrowTypeError(const char* expected, const ValueView& got) {
  throw TypeError(std::string("expected ") + expected + ", got " + got.KindName());
}
}  // namespace detail

// Standard library types with their own codec, so they are never taken for module objects.
template <class T>
struct IsStandardType : std::false_type {};
template <>
struct IsStandardType<std::string> : std::true_type {};
template <class T>
struct IsStandardType<std::vector<T>> : std::true_type {};
template <class T>
struct IsStandardType<std::optional<T>> : std::true_type {};

// Primary template: how T maps to a host type. Specializations follow.
template <class T, class Enable = void>
struct Codec {
  static_assert(!std::is_same_v<T, T>,
                "this C++ type has no host type: use std::string, int64_t, double, bool, "
                "std::vector, std::optional, an enum with host::enum_spec, or a registered object");
};

template <>
struct Codec<std::string> {
  static void Type(schema::TypeRef* t, SchemaSink*) { t->kind = schema::Kind::kString; }
  static void Encode(const std::string& v, wire::Writer& out) { out.Bytes(1, v); }
  static std::string Decode(const ValueView& v) {
    if (v.kind != ValueKind::kString) detail::ThrowTypeError("String", v);
    return std::string(v.bytes);
  }
};

template <>
struct Codec<int64_t> {
  static void Type(schema::TypeRef* t, SchemaSink*) { t->kind = schema::Kind::kInt; }
  static void Encode(int64_t v, wire::Writer& out) { out.Int64(2, v); }
  static int64_t Decode(const ValueView& v) {
    if (v.kind != ValueKind::kInt) detail::ThrowTypeError("Int", v);
    return v.int_value;
  }
};

// int64_t is long on some platforms and long long on others: the other one maps to Int too.
template <class T>
struct Codec<T, std::enable_if_t<std::is_integral_v<T> && std::is_signed_v<T> &&
                                 sizeof(T) == sizeof(int64_t) && !std::is_same_v<T, int64_t>>>
    : Codec<int64_t> {};

template <>
struct Codec<int> {
  static void Type(schema::TypeRef* t, SchemaSink*) { t->kind = schema::Kind::kInt; }
  static void Encode(int v, wire::Writer& out) { out.Int64(2, v); }
  static int Decode(const ValueView& v) {
    int64_t wide = Codec<int64_t>::Decode(v);
    if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max()) {
      throw TypeError(
          "integer " + std::to_string(wide) +
          " does not fit in 32 bits (the C++ parameter is an int; int64_t takes any Int)");
    }
    return static_cast<int>(wide);
  }
};

template <>
struct Codec<double> {
  static void Type(schema::TypeRef* t, SchemaSink*) { t->kind = schema::Kind::kFloat; }
  static void Encode(double v, wire::Writer& out) { out.Double(3, v); }
  static double Decode(const ValueView& v) {
    if (v.kind == ValueKind::kInt) return static_cast<double>(v.int_value);
    if (v.kind != ValueKind::kFloat) detail::ThrowTypeError("Float", v);
    return v.float_value;
  }
};

template <>
struct Codec<bool> {
  static void Type(schema::TypeRef* t, SchemaSink*) { t->kind = schema::Kind::kBoolean; }
  static void Encode(bool v, wire::Writer& out) { out.Bool(4, v); }
  static bool Decode(const ValueView& v) {
    if (v.kind != ValueKind::kBool) detail::ThrowTypeError("Boolean", v);
    return v.bool_value;
  }
};

template <>
struct Codec<void> {
  static void Type(schema::TypeRef* t, SchemaSink*) { t->kind = schema::Kind::kVoid; }
};

template <class T>
struct Codec<std::vector<T>> {
  static void Type(schema::TypeRef* t, SchemaSink* sink) {
    t->kind = schema::Kind::kList;
    Codec<T>::Type(&t->element(), sink);
  }
  static void Encode(const std::vector<T>& v, wire::Writer& out) {
    size_t list = out.Begin(6);
    for (const auto& item : v) {
      size_t mark = out.Begin(1);
      Codec<T>::Encode(item, out);
      out.End(mark);
    }
    out.End(list);
  }
  static std::vector<T> Decode(const ValueView& v) {
    if (v.kind != ValueKind::kList) detail::ThrowTypeError("List", v);
    std::vector<T> out;
    ForEachItem(v.bytes, [&](const ValueView& item) {
      try {
        out.push_back(Codec<T>::Decode(item));
      } catch (const TypeError& e) {
        throw TypeError("item " + std::to_string(out.size()) + ": " + e.what());
      }
    });
    return out;
  }
};

template <class T>
struct Codec<std::optional<T>> {
  static void Type(schema::TypeRef* t, SchemaSink* sink) {
    Codec<T>::Type(t, sink);
    t->optional = true;
  }
  static void Encode(const std::optional<T>& v, wire::Writer& out) {
    if (v) Codec<T>::Encode(*v, out);
  }
  static std::optional<T> Decode(const ValueView& v) {
    if (v.kind == ValueKind::kNone) return std::nullopt;
    return Codec<T>::Decode(v);
  }
};

template <class E>
struct Codec<E, std::enable_if_t<std::is_enum_v<E>>> {
  static void Type(schema::TypeRef* t, SchemaSink* sink) {
    const EnumSpec<E>& spec = enum_spec<E>;
    t->kind = schema::Kind::kEnum;
    t->name = spec.name;
    if (sink == nullptr || spec.module != nullptr) return;
    schema::EnumDef def;
    def.name = spec.name;
    def.description = spec.description;
    for (const auto& value : spec.values) def.values.push_back({value.name, value.description});
    sink->AddEnum(def);
  }
  static void Encode(E v, wire::Writer& out) {
    for (const auto& value : enum_spec<E>.values) {
      if (value.value == v) {
        out.Bytes(5, value.name);
        return;
      }
    }
    throw TypeError(std::string("value ") + std::to_string(static_cast<long long>(v)) +
                    " is not declared in enum " + enum_spec<E>.name);
  }
  static E Decode(const ValueView& v) {
    if (v.kind != ValueKind::kEnum) detail::ThrowTypeError(enum_spec<E>.name, v);
    for (const auto& value : enum_spec<E>.values) {
      if (v.bytes == value.name) return value.value;
    }
    throw TypeError("'" + std::string(v.bytes) + "' is not a value of enum " + enum_spec<E>.name);
  }
};

// Typed clients of other modules' objects.
template <class T>
struct Codec<T, std::enable_if_t<std::is_base_of_v<ClientObject, T>>> {
  static void Type(schema::TypeRef* t, SchemaSink*) {
    t->kind = schema::Kind::kObject;
    t->name = T::kTypeName;
  }
  static void Encode(const T& v, wire::Writer& out) { out.Bytes(7, v.value().bytes()); }
  static T Decode(const ValueView& v) {
    if (v.kind != ValueKind::kObject) detail::ThrowTypeError(T::kTypeName, v);
    ObjectRef ref = ObjectRef::Parse(v.bytes);
    if (ref.type_name() != T::kTypeName) {
      throw TypeError(std::string("expected an object of type ") + T::kTypeName + ", got " +
                      ref.type_name());
    }
    return T(std::move(ref));
  }
};

// The module's own objects, registered with Module::object<T>().
template <class T>
struct Codec<T, std::enable_if_t<std::is_class_v<T> && !std::is_base_of_v<ClientObject, T> &&
                                 !IsStandardType<T>::value>> {
  static void Type(schema::TypeRef* t, SchemaSink*) {
    t->kind = schema::Kind::kObject;
    t->name = object_spec<T>().name;  // empty until registered; the schema check reports it
  }
  static void Encode(const T& v, wire::Writer& out) {
    const ObjectSpec<T>& spec = object_spec<T>();
    size_t object = out.Begin(7);
    out.Bytes(1, spec.name);
    for (const auto& field : spec.fields) {
      size_t named = out.Begin(3);
      out.Bytes(1, field.def.name);
      size_t value = out.Begin(2);
      field.get(v, out);
      out.End(value);
      out.End(named);
    }
    out.End(object);
  }
  static T Decode(const ValueView& v) {
    if (v.kind != ValueKind::kObject) detail::ThrowTypeError(object_spec<T>().name.c_str(), v);
    return DecodeObject(v.bytes);
  }
  // Rebuilds T from an ObjectValue message: fields not present keep their default.
  static T DecodeObject(std::string_view object) {
    const ObjectSpec<T>& spec = object_spec<T>();
    T result{};
    ObjectHeader header = ForEachField(object, [&](std::string_view name, const ValueView& value) {
      for (const auto& field : spec.fields) {
        if (field.def.name == name) {
          field.set(result, value);
          break;
        }
      }
    });
    if (!header.type_name.empty() && header.type_name != spec.name) {
      throw TypeError("expected an object of type " + spec.name + ", got " +
                      std::string(header.type_name));
    }
    return result;
  }
};

// Encodes any supported value; const char* becomes a String.
template <class V>
void EncodeValue(const V& value, wire::Writer& out) {
  if constexpr (std::is_convertible_v<V, const char*>) {
    out.Bytes(1, std::string_view(value));
  } else {
    Codec<V>::Encode(value, out);
  }
}

// The encoded host.v1.Value of any supported value.
template <class V>
std::string EncodedValue(const V& value) {
  wire::Writer out;
  EncodeValue(value, out);
  return out.Take();
}

}  // namespace host

#endif  // HOST_CODEC_H_
