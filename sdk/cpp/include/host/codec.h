// Maps C++ types to host types and converts values both ways: the heart of the C++ SDK.
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

#include "host/v1/wire.pb.h"

namespace host {

namespace v1 = ::host::v1;

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
  explicit ClientObject(v1::ObjectValue value) : value_(std::move(value)) {}
  // The object's value as it crosses the graph.
  const v1::ObjectValue& value() const { return value_; }
  // The object's ID: the digest of the call that made it.
  const std::string& id() const { return value_.id(); }

 protected:
  v1::ObjectValue value_;
};

// Collects the enums and objects a signature uses, so the schema can declare them.
class SchemaSink {
 public:
  virtual ~SchemaSink() = default;
  // Records the definition of an enum the schema uses.
  virtual void AddEnum(const v1::EnumDef& def) = 0;
};

// How a module object T crosses the graph: its name and its fields.
template <class T>
struct ObjectSpec {
  // One public field: its definition, and how to read and write it.
  struct Field {
    v1::FieldDef def;
    std::function<void(const T&, v1::Value*)> get;
    std::function<void(T&, const v1::Value&)> set;
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
// Names the kind of a value, for error messages.
const char* KindName(const v1::Value& value);
// Throws a TypeError saying what was expected and what came.
[[noreturn]] void ThrowTypeError(const char* expected, const v1::Value& got);
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
  static void Type(v1::TypeRef* t, SchemaSink*) { t->set_kind(v1::TYPE_KIND_STRING); }
  static void Encode(const std::string& v, v1::Value* out) { out->set_string_value(v); }
  static std::string Decode(const v1::Value& v) {
    if (v.kind_case() != v1::Value::kStringValue) detail::ThrowTypeError("String", v);
    return v.string_value();
  }
};

template <>
struct Codec<int64_t> {
  static void Type(v1::TypeRef* t, SchemaSink*) { t->set_kind(v1::TYPE_KIND_INT); }
  static void Encode(int64_t v, v1::Value* out) { out->set_int_value(v); }
  static int64_t Decode(const v1::Value& v) {
    if (v.kind_case() != v1::Value::kIntValue) detail::ThrowTypeError("Int", v);
    return v.int_value();
  }
};

template <>
struct Codec<int> {
  static void Type(v1::TypeRef* t, SchemaSink*) { t->set_kind(v1::TYPE_KIND_INT); }
  static void Encode(int v, v1::Value* out) { out->set_int_value(v); }
  static int Decode(const v1::Value& v) {
    int64_t wide = Codec<int64_t>::Decode(v);
    if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max()) {
      throw TypeError("integer " + std::to_string(wide) + " does not fit in 32 bits");
    }
    return static_cast<int>(wide);
  }
};

template <>
struct Codec<double> {
  static void Type(v1::TypeRef* t, SchemaSink*) { t->set_kind(v1::TYPE_KIND_FLOAT); }
  static void Encode(double v, v1::Value* out) { out->set_float_value(v); }
  static double Decode(const v1::Value& v) {
    if (v.kind_case() == v1::Value::kIntValue) return static_cast<double>(v.int_value());
    if (v.kind_case() != v1::Value::kFloatValue) detail::ThrowTypeError("Float", v);
    return v.float_value();
  }
};

template <>
struct Codec<bool> {
  static void Type(v1::TypeRef* t, SchemaSink*) { t->set_kind(v1::TYPE_KIND_BOOLEAN); }
  static void Encode(bool v, v1::Value* out) { out->set_bool_value(v); }
  static bool Decode(const v1::Value& v) {
    if (v.kind_case() != v1::Value::kBoolValue) detail::ThrowTypeError("Boolean", v);
    return v.bool_value();
  }
};

template <>
struct Codec<void> {
  static void Type(v1::TypeRef* t, SchemaSink*) { t->set_kind(v1::TYPE_KIND_VOID); }
};

template <class T>
struct Codec<std::vector<T>> {
  static void Type(v1::TypeRef* t, SchemaSink* sink) {
    t->set_kind(v1::TYPE_KIND_LIST);
    Codec<T>::Type(t->mutable_element(), sink);
  }
  static void Encode(const std::vector<T>& v, v1::Value* out) {
    auto* list = out->mutable_list_value();
    list->mutable_items()->Reserve(static_cast<int>(v.size()));
    for (const auto& item : v) Codec<T>::Encode(item, list->add_items());
  }
  static std::vector<T> Decode(const v1::Value& v) {
    if (v.kind_case() != v1::Value::kListValue) detail::ThrowTypeError("List", v);
    std::vector<T> out;
    out.reserve(static_cast<size_t>(v.list_value().items_size()));
    for (const auto& item : v.list_value().items()) out.push_back(Codec<T>::Decode(item));
    return out;
  }
};

template <class T>
struct Codec<std::optional<T>> {
  static void Type(v1::TypeRef* t, SchemaSink* sink) {
    Codec<T>::Type(t, sink);
    t->set_optional(true);
  }
  static void Encode(const std::optional<T>& v, v1::Value* out) {
    if (v) Codec<T>::Encode(*v, out);
  }
  static std::optional<T> Decode(const v1::Value& v) {
    if (v.kind_case() == v1::Value::KIND_NOT_SET) return std::nullopt;
    return Codec<T>::Decode(v);
  }
};

template <class E>
struct Codec<E, std::enable_if_t<std::is_enum_v<E>>> {
  static void Type(v1::TypeRef* t, SchemaSink* sink) {
    const EnumSpec<E>& spec = enum_spec<E>;
    t->set_kind(v1::TYPE_KIND_ENUM);
    t->set_name(spec.name);
    if (sink == nullptr || spec.module != nullptr) return;
    v1::EnumDef def;
    def.set_name(spec.name);
    def.set_description(spec.description);
    for (const auto& value : spec.values) {
      auto* v = def.add_values();
      v->set_name(value.name);
      v->set_description(value.description);
    }
    sink->AddEnum(def);
  }
  static void Encode(E v, v1::Value* out) {
    for (const auto& value : enum_spec<E>.values) {
      if (value.value == v) {
        out->set_enum_value(value.name);
        return;
      }
    }
    throw TypeError(std::string("value ") + std::to_string(static_cast<long long>(v)) +
                    " is not declared in enum " + enum_spec<E>.name);
  }
  static E Decode(const v1::Value& v) {
    if (v.kind_case() != v1::Value::kEnumValue) detail::ThrowTypeError(enum_spec<E>.name, v);
    for (const auto& value : enum_spec<E>.values) {
      if (v.enum_value() == value.name) return value.value;
    }
    throw TypeError("'" + v.enum_value() + "' is not a value of enum " + enum_spec<E>.name);
  }
};

// Typed clients of other modules' objects.
template <class T>
struct Codec<T, std::enable_if_t<std::is_base_of_v<ClientObject, T>>> {
  static void Type(v1::TypeRef* t, SchemaSink*) {
    t->set_kind(v1::TYPE_KIND_OBJECT);
    t->set_name(T::kTypeName);
  }
  static void Encode(const T& v, v1::Value* out) { *out->mutable_object_value() = v.value(); }
  static T Decode(const v1::Value& v) {
    if (v.kind_case() != v1::Value::kObjectValue) detail::ThrowTypeError(T::kTypeName, v);
    if (v.object_value().type_name() != T::kTypeName) {
      throw TypeError(std::string("expected an object of type ") + T::kTypeName + ", got " +
                      v.object_value().type_name());
    }
    return T(v.object_value());
  }
};

// The module's own objects, registered with Module::object<T>().
template <class T>
struct Codec<T, std::enable_if_t<std::is_class_v<T> && !std::is_base_of_v<ClientObject, T> &&
                                 !IsStandardType<T>::value>> {
  static void Type(v1::TypeRef* t, SchemaSink*) {
    t->set_kind(v1::TYPE_KIND_OBJECT);
    t->set_name(object_spec<T>().name);  // empty until registered; the schema check reports it
  }
  static void Encode(const T& v, v1::Value* out) {
    const ObjectSpec<T>& spec = object_spec<T>();
    auto* object = out->mutable_object_value();
    object->set_type_name(spec.name);
    object->mutable_fields()->Reserve(static_cast<int>(spec.fields.size()));
    for (const auto& field : spec.fields) {
      auto* named = object->add_fields();
      named->set_name(field.def.name());
      field.get(v, named->mutable_value());
    }
  }
  static T Decode(const v1::Value& v) {
    if (v.kind_case() != v1::Value::kObjectValue) {
      detail::ThrowTypeError(object_spec<T>().name.c_str(), v);
    }
    return DecodeObject(v.object_value());
  }
  // Rebuilds T from an object value: fields not present keep their default.
  static T DecodeObject(const v1::ObjectValue& object) {
    const ObjectSpec<T>& spec = object_spec<T>();
    if (!object.type_name().empty() && object.type_name() != spec.name) {
      throw TypeError("expected an object of type " + spec.name + ", got " + object.type_name());
    }
    T result{};
    for (const auto& named : object.fields()) {
      for (const auto& field : spec.fields) {
        if (field.def.name() == named.name()) {
          field.set(result, named.value());
          break;
        }
      }
    }
    return result;
  }
};

// Encodes any supported value; const char* becomes a String.
template <class V>
void EncodeValue(const V& value, v1::Value* out) {
  if constexpr (std::is_convertible_v<V, const char*>) {
    out->set_string_value(value);
  } else {
    Codec<V>::Encode(value, out);
  }
}

}  // namespace host

#endif  // HOST_CODEC_H_
