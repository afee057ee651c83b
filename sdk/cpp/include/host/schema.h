// A module's schema as the C++ SDK builds it (wire.proto's ModuleDef and the messages in it), and
// its encoding for `describe`. Header-only.
#ifndef HOST_SCHEMA_H_
#define HOST_SCHEMA_H_

#include <optional>
#include <string>
#include <vector>

#include "host/wire_format.h"

namespace host::schema {

// The kind of a type (wire.proto's TypeKind).
enum class Kind { kUnspecified = 0, kString, kInt, kFloat, kBoolean, kVoid, kEnum, kList, kObject };

// A reference to a type: the type of a field, an argument or a result.
struct TypeRef {
  Kind kind = Kind::kUnspecified;
  std::string name;  // an enum's or an object's name
  bool optional = false;
  std::vector<TypeRef> elements;  // a list's item type: one entry, for kList only

  // The item type of a list, made on first use.
  TypeRef& element() {
    if (elements.empty()) elements.emplace_back();
    return elements.front();
  }
  // Appends the TypeRef message's fields.
  void Encode(wire::Writer& out) const {
    if (kind != Kind::kUnspecified) out.Int64(1, static_cast<int64_t>(kind));
    if (!name.empty()) out.Bytes(2, name);
    if (!elements.empty()) {
      size_t mark = out.Begin(3);
      elements.front().Encode(out);
      out.End(mark);
    }
    if (optional) out.Bool(4, true);
  }
};

// One argument of a function.
struct ArgDef {
  std::string name;
  std::string description;
  TypeRef type;
  std::optional<std::string> default_value;  // an encoded Value, when the argument has a default

  // Appends the ArgDef message's fields.
  void Encode(wire::Writer& out) const {
    out.Bytes(1, name);
    if (!description.empty()) out.Bytes(2, description);
    size_t mark = out.Begin(3);
    type.Encode(out);
    out.End(mark);
    if (default_value) out.Bytes(4, *default_value);
  }
};

// A function of an object; the constructor has an empty name.
struct FunctionDef {
  std::string name;
  std::string description;
  std::vector<ArgDef> args;
  TypeRef return_type;
  int cache = 0;  // wire.proto's CachePolicy

  // Appends the FunctionDef message's fields.
  void Encode(wire::Writer& out) const {
    if (!name.empty()) out.Bytes(1, name);
    if (!description.empty()) out.Bytes(2, description);
    for (const ArgDef& arg : args) {
      size_t mark = out.Begin(3);
      arg.Encode(out);
      out.End(mark);
    }
    size_t mark = out.Begin(4);
    return_type.Encode(out);
    out.End(mark);
    if (cache != 0) out.Int64(5, cache);
  }
};

// A field of an object.
struct FieldDef {
  std::string name;
  std::string description;
  TypeRef type;
  bool internal = false;  // kept with the object, not offered to callers

  // Appends the FieldDef message's fields.
  void Encode(wire::Writer& out) const {
    out.Bytes(1, name);
    if (!description.empty()) out.Bytes(2, description);
    size_t mark = out.Begin(3);
    type.Encode(out);
    out.End(mark);
    if (internal) out.Bool(4, true);
  }
};

// An object type of the module.
struct ObjectDef {
  std::string name;
  std::string description;
  std::vector<FieldDef> fields;
  std::vector<FunctionDef> functions;
  std::optional<FunctionDef> constructor;

  // Appends the ObjectDef message's fields.
  void Encode(wire::Writer& out) const {
    out.Bytes(1, name);
    if (!description.empty()) out.Bytes(2, description);
    for (const FieldDef& field : fields) {
      size_t mark = out.Begin(3);
      field.Encode(out);
      out.End(mark);
    }
    for (const FunctionDef& function : functions) {
      size_t mark = out.Begin(4);
      function.Encode(out);
      out.End(mark);
    }
    if (constructor) {
      size_t mark = out.Begin(5);
      constructor->Encode(out);
      out.End(mark);
    }
  }
};

// One value of an enum.
struct EnumValueDef {
  std::string name;
  std::string description;
};

// An enum type of the module.
struct EnumDef {
  std::string name;
  std::string description;
  std::vector<EnumValueDef> values;

  // Appends the EnumDef message's fields.
  void Encode(wire::Writer& out) const {
    out.Bytes(1, name);
    if (!description.empty()) out.Bytes(2, description);
    for (const EnumValueDef& value : values) {
      size_t mark = out.Begin(3);
      out.Bytes(1, value.name);
      if (!value.description.empty()) out.Bytes(2, value.description);
      out.End(mark);
    }
  }
};

// Everything the module defines.
struct ModuleDef {
  std::string name;
  std::string version;
  std::string description;
  std::string main_object;
  std::vector<ObjectDef> objects;
  std::vector<EnumDef> enums;
  std::string sdk;

  // The ModuleDef message.
  std::string Encode() const {
    wire::Writer out;
    out.Bytes(1, name);
    if (!version.empty()) out.Bytes(2, version);
    if (!description.empty()) out.Bytes(3, description);
    out.Bytes(4, main_object);
    for (const ObjectDef& object : objects) {
      size_t mark = out.Begin(5);
      object.Encode(out);
      out.End(mark);
    }
    for (const EnumDef& e : enums) {
      size_t mark = out.Begin(6);
      e.Encode(out);
      out.End(mark);
    }
    if (!sdk.empty()) out.Bytes(7, sdk);
    return out.Take();
  }
};

}  // namespace host::schema

#endif  // HOST_SCHEMA_H_
