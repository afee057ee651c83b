#include "core/codegen/ts_client.h"

#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <vector>

namespace host {
namespace {

// Words a JavaScript or TypeScript binding (a parameter, a class, a function, a type) cannot be
// named, or should not be: it would hide a global the typings use.
const std::set<std::string, std::less<>> kReservedBindings = {
    "abstract", "any", "arguments", "as", "async", "await", "bigint", "boolean", "break", "case",
    "catch", "class", "const", "constructor", "continue", "debugger", "declare", "default",
    "delete", "do", "else", "enum", "eval", "export", "extends", "false", "finally", "for", "from",
    "function", "get", "if", "implements", "import", "in", "infer", "instanceof", "interface", "is",
    "keyof", "let", "module", "namespace", "never", "new", "null", "number", "object", "of",
    "package", "private", "protected", "public", "readonly", "require", "return", "set", "static",
    "string", "super", "switch", "symbol", "this", "throw", "true", "try", "type", "typeof",
    "undefined", "unique", "unknown", "var", "void", "while", "with", "yield", "opts",
    // Globals and SDK names the typings refer to.
    "Array", "BigInt", "Boolean", "Error", "HostObject", "Number", "Object", "Promise",
    "ReadonlyArray", "String", "Symbol", "exports"};

// Member names a client object cannot carry: they would break the object (a `then` makes it a
// promise to `await`) or hide what the client itself offers.
const std::set<std::string, std::less<>> kReservedMembers = {"constructor",
                                                             "then",
                                                             "sync",
                                                             "__proto__",
                                                             "__defineGetter__",
                                                             "__defineSetter__",
                                                             "__lookupGetter__",
                                                             "__lookupSetter__",
                                                             "hasOwnProperty",
                                                             "isPrototypeOf",
                                                             "valueOf",
                                                             "toString",
                                                             "toLocaleString",
                                                             "propertyIsEnumerable"};

// name as a JavaScript identifier: characters other than letters, digits, '_' and '$' become
// '_', and a leading digit (or nothing) gets a '_' in front.
std::string Identifier(std::string_view name) {
  std::string out;
  for (char c : name) {
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ? c : '_';
  }
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "_" + out;
  return out;
}

// snake_case or kebab-case as camelCase ("with_greeting" -> "withGreeting"); leading
// underscores stay.
std::string CamelCase(std::string_view name) {
  std::string out;
  bool upper = false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if ((c == '_' || c == '-') && !out.empty() && out.find_first_not_of('_') != std::string::npos) {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

// base, or base with '_' appended until it is neither reserved nor taken; adds it to *taken.
std::string Unique(std::string base, const std::set<std::string, std::less<>>& reserved,
                   std::set<std::string>* taken) {
  while (reserved.count(base) || taken->count(base)) base += "_";
  taken->insert(base);
  return base;
}

// text without the characters that end a block comment early (or, when one_line, a line
// comment: line ends become spaces).
std::string CommentSafe(std::string text, bool one_line = false) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    // U+2028 and U+2029 end a line in JavaScript.
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) == 0xA8 ||
         static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
      out += ' ';
      i += 2;
    } else if (c == '*' && i + 1 < text.size() && text[i + 1] == '/') {
      out += "*\\/";
      ++i;
    } else {
      out += c < 0x20 && (one_line || c != '\n') ? ' ' : static_cast<char>(c);
    }
  }
  return out;
}

// A JSDoc comment of text (nothing when text is empty), each line prefixed by indent.
std::string DocComment(const std::string& text, const std::string& indent) {
  if (text.empty()) return "";
  std::string out = indent + "/**\n";
  const std::string safe = CommentSafe(text);
  size_t start = 0;
  while (start <= safe.size()) {
    const size_t end = safe.find('\n', start);
    out += indent + " * " + safe.substr(start, end == std::string::npos ? end : end - start) + "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out + indent + " */\n";
}

// s as a JavaScript string literal (ASCII only: any other character is escaped).
std::string Quoted(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

// Whether name can be written bare as a property name.
bool IsPlainPropertyName(const std::string& name) {
  return !name.empty() && Identifier(name) == name;
}

// A property name as the typings write it: bare when it can be, else quoted.
std::string PropertyName(const std::string& name) {
  return IsPlainPropertyName(name) ? name : Quoted(name);
}

// A default value as a short text for a doc comment; empty for lists and objects.
std::string DefaultText(const v1::Value& value) {
  switch (value.kind_case()) {
    case v1::Value::kStringValue:
      return Quoted(value.string_value());
    case v1::Value::kIntValue:
      return std::to_string(value.int_value());
    case v1::Value::kFloatValue:
      return nlohmann::json(value.float_value()).dump();
    case v1::Value::kBoolValue:
      return value.bool_value() ? "true" : "false";
    case v1::Value::kEnumValue:
      return Quoted(value.enum_value());
    default:
      return "";
  }
}

// One argument of a function, with its JavaScript name.
struct ArgPlan {
  const v1::ArgDef* def;
  std::string js;  // a parameter name (required) or an options key (optional or defaulted)
  bool required;
};

// One member of an object (a field getter or a function), with its JavaScript name.
struct MemberPlan {
  std::string name;  // the host's name
  std::string js;
  std::string description;
  std::vector<ArgPlan> args;
  v1::TypeRef returns;
};

// One object type: its class name and members.
struct ObjectPlan {
  const v1::ObjectDef* def;
  std::string js;
  std::vector<MemberPlan> members;
  std::vector<ArgPlan> constructor_args;
};

// The JavaScript names of everything a module's client offers, shared by the .js and the .d.ts
// so that the two always agree.
class Plan {
 public:
  Plan(const v1::ModuleDef& def, const v1::ModuleDef* core) : def_(def) {
    if (core != nullptr && core != &def) {
      for (const auto& o : core->objects()) core_types_.insert(o.name());
      for (const auto& e : core->enums()) core_types_.insert(e.name());
    }
    // The constructor's name comes first: it depends on the module's name alone, so `host
    // install` can tell it (NodeClientConstructor).
    std::set<std::string> exported;
    constructor_ = Unique(Identifier(CamelCase(def.name())), kReservedBindings, &exported);
    for (const auto& o : def.objects()) {
      ObjectPlan plan{&o, Unique(Identifier(o.name()), kReservedBindings, &exported), {}, {}};
      std::set<std::string> members;
      for (const auto& f : o.fields()) {
        if (f.internal()) continue;
        plan.members.push_back({f.name(),
                                Unique(Identifier(CamelCase(f.name())), kReservedMembers, &members),
                                f.description(),
                                {},
                                f.type()});
      }
      for (const auto& fn : o.functions()) {
        plan.members.push_back(
            {fn.name(), Unique(Identifier(CamelCase(fn.name())), kReservedMembers, &members),
             fn.description(), Args(fn), fn.return_type()});
      }
      if (o.has_constructor()) plan.constructor_args = Args(o.constructor());
      objects_.push_back(std::move(plan));
      object_names_[o.name()] = objects_.back().js;
    }
    for (const auto& e : def.enums()) {
      enums_.push_back({&e, Unique(Identifier(e.name()), kReservedBindings, &exported)});
      enum_names_[e.name()] = enums_.back().second;
    }
    for (const auto& o : objects_) {
      if (o.def->name() == def.main_object()) main_ = &o;
    }
  }

  const v1::ModuleDef& def() const { return def_; }
  const std::vector<ObjectPlan>& objects() const { return objects_; }
  const std::vector<std::pair<const v1::EnumDef*, std::string>>& enums() const { return enums_; }
  const ObjectPlan* main() const { return main_; }
  const std::string& constructor() const { return constructor_; }

  // The class of an object of this module, or nullptr for another module's.
  const std::string* ObjectClass(const std::string& name) const {
    auto it = object_names_.find(name);
    return it == object_names_.end() ? nullptr : &it->second;
  }
  // The type of an enum of this module, or nullptr for another module's.
  const std::string* EnumType(const std::string& name) const {
    auto it = enum_names_.find(name);
    return it == enum_names_.end() ? nullptr : &it->second;
  }

 private:
  // The arguments of fn: required ones (neither optional nor defaulted) as parameters, the others
  // as keys of the trailing options object.
  static std::vector<ArgPlan> Args(const v1::FunctionDef& fn) {
    std::vector<ArgPlan> out;
    std::set<std::string> params, keys;
    for (const auto& a : fn.args()) {
      const bool required = !a.type().optional() && !a.has_default_value();
      static const std::set<std::string, std::less<>> kNone;
      std::string js = required
                           ? Unique(Identifier(CamelCase(a.name())), kReservedBindings, &params)
                           : Unique(CamelCase(a.name()), kNone, &keys);
      out.push_back({&a, std::move(js), required});
    }
    return out;
  }

  const v1::ModuleDef& def_;
  std::set<std::string> core_types_;
  std::vector<ObjectPlan> objects_;
  std::vector<std::pair<const v1::EnumDef*, std::string>> enums_;
  std::map<std::string, std::string> object_names_;
  std::map<std::string, std::string> enum_names_;
  const ObjectPlan* main_ = nullptr;
  std::string constructor_;
};

// A TypeRef as the client runtime reads it: {kind, name, element, optional}.
nlohmann::json TypeJson(const v1::TypeRef& type) {
  nlohmann::json out = {{"kind", static_cast<int>(type.kind())},
                        {"name", type.name()},
                        {"optional", type.optional()}};
  out["element"] = type.has_element() ? TypeJson(type.element()) : nlohmann::json(nullptr);
  return out;
}

nlohmann::json ArgsJson(const std::vector<ArgPlan>& args) {
  nlohmann::json out = nlohmann::json::array();
  for (const ArgPlan& a : args) {
    out.push_back({{"name", a.def->name()},
                   {"js", a.js},
                   {"required", a.required},
                   {"type", TypeJson(a.def->type())}});
  }
  return out;
}

// The TypeScript type of a value of type; result: a function's result rather than an argument.
std::string TsType(const Plan& plan, const v1::TypeRef& type, bool result) {
  std::string base;
  switch (type.kind()) {
    case v1::TYPE_KIND_STRING:
      base = "string";
      break;
    case v1::TYPE_KIND_INT:
      base = "number | bigint";
      break;
    case v1::TYPE_KIND_FLOAT:
      base = "number";
      break;
    case v1::TYPE_KIND_BOOLEAN:
      base = "boolean";
      break;
    case v1::TYPE_KIND_VOID:
      return "void";
    case v1::TYPE_KIND_ENUM: {
      const std::string* name = plan.EnumType(type.name());
      base = name != nullptr ? *name : "string";
      break;
    }
    case v1::TYPE_KIND_OBJECT: {
      const std::string* name = plan.ObjectClass(type.name());
      base = name != nullptr ? *name : "HostObject";
      break;
    }
    case v1::TYPE_KIND_LIST: {
      const std::string element = TsType(plan, type.element(), result);
      base = result ? "Array<" + element + ">" : "ReadonlyArray<" + element + ">";
      break;
    }
    default:
      base = "unknown";
  }
  if (!type.optional()) return base;
  return base + (result ? " | undefined" : " | null");
}

// Whether a function's result is one of the module's own objects, returned unrun so that calls
// chain on it.
bool IsChained(const Plan& plan, const v1::TypeRef& type) {
  return type.kind() == v1::TYPE_KIND_OBJECT && !type.optional() &&
         plan.ObjectClass(type.name()) != nullptr;
}

// The parameter list of a member: its required arguments, then `opts?: {...}`.
std::string TsParams(const Plan& plan, const std::vector<ArgPlan>& args,
                     const std::string& indent) {
  std::string out, options;
  for (const ArgPlan& a : args) {
    if (a.required) {
      out += (out.empty() ? "" : ", ") + a.js + ": " + TsType(plan, a.def->type(), false);
      continue;
    }
    std::string doc = a.def->description();
    if (a.def->has_default_value()) {
      const std::string shown = DefaultText(a.def->default_value());
      if (!shown.empty()) doc += (doc.empty() ? "" : " ") + std::string("(default: ") + shown + ")";
    }
    v1::TypeRef type = a.def->type();
    type.set_optional(true);
    options += DocComment(doc, indent + "  ") + indent + "  " + PropertyName(a.js) +
               "?: " + TsType(plan, type, false) + ";\n";
  }
  if (!options.empty()) {
    out += (out.empty() ? "" : ", ") + std::string("opts?: {\n") + options + indent + "}";
  }
  return out;
}

}  // namespace

std::string NodeClientConstructor(const std::string& module) {
  std::set<std::string> none;
  return Unique(Identifier(CamelCase(module)), kReservedBindings, &none);
}

std::string GenerateNodeClient(const v1::ModuleDef& def, const v1::ModuleDef* core) {
  const Plan plan(def, core);
  nlohmann::json schema = {{"module", def.name()}, {"mainObject", def.main_object()}};
  schema["constructorName"] =
      plan.main() != nullptr ? nlohmann::json(plan.constructor()) : nlohmann::json(nullptr);
  nlohmann::json objects = nlohmann::json::array();
  for (const ObjectPlan& o : plan.objects()) {
    nlohmann::json members = nlohmann::json::array();
    for (const MemberPlan& m : o.members) {
      members.push_back({{"name", m.name},
                         {"js", m.js},
                         {"args", ArgsJson(m.args)},
                         {"returns", TypeJson(m.returns)},
                         {"chained", IsChained(plan, m.returns)}});
    }
    objects.push_back({{"name", o.def->name()},
                       {"js", o.js},
                       {"members", members},
                       {"constructorArgs", ArgsJson(o.constructor_args)}});
  }
  schema["objects"] = objects;
  nlohmann::json enums = nlohmann::json::array();
  for (const auto& [e, js] : plan.enums()) {
    nlohmann::json values = nlohmann::json::array();
    for (const auto& v : e->values()) values.push_back(v.name());
    enums.push_back({{"name", e->name()}, {"js", js}, {"values", values}});
  }
  schema["enums"] = enums;
  return "// Typed client of module " + CommentSafe(def.name(), true) + " " +
         CommentSafe(def.version(), true) +
         ", generated by `host codegen --lang node` from its schema.\n// Do not edit: it is "
         "regenerated when the module changes. Types: the .d.ts beside it.\n'use strict';\n"
         "module.exports = require('@host/sdk').dependency(" +
         schema.dump(1, ' ', true, nlohmann::json::error_handler_t::replace) + ");\n";
}

std::string GenerateTsTypings(const v1::ModuleDef& def, const v1::ModuleDef* core) {
  const Plan plan(def, core);
  std::string out = "// Types of the typed client of module " + CommentSafe(def.name(), true) +
                    " " + CommentSafe(def.version(), true) +
                    ", generated by `host codegen --lang node`.\n// Do not edit: it is "
                    "regenerated when the module changes.\nimport type {HostObject} from "
                    "'@host/sdk';\n\n";
  for (const auto& [e, js] : plan.enums()) {
    std::string doc = e->description();
    for (const auto& v : e->values()) {
      if (!v.description().empty()) doc += "\n- " + v.name() + ": " + v.description();
    }
    out += DocComment(doc, "");
    out += "export type " + js + " =";
    if (e->values_size() == 0) out += " never";
    for (int i = 0; i < e->values_size(); ++i)
      out += (i ? " | " : " ") + Quoted(e->values(i).name());
    out += ";\n";
    out += DocComment(doc, "");
    out += "export declare const " + js + ": {\n";
    for (const auto& v : e->values()) {
      out += "  readonly " + Quoted(v.name()) + ": " + Quoted(v.name()) + ";\n";
    }
    out += "};\n\n";
  }
  for (const ObjectPlan& o : plan.objects()) {
    out += DocComment(o.def->description(), "");
    out += "export declare class " + o.js + " {\n  private constructor();\n";
    for (const MemberPlan& m : o.members) {
      out += "\n" + DocComment(m.description, "  ");
      const std::string result = IsChained(plan, m.returns)
                                     ? TsType(plan, m.returns, true)
                                     : "Promise<" + TsType(plan, m.returns, true) + ">";
      const std::string method = kReservedBindings.count(m.js) ? Quoted(m.js) : m.js;
      out += "  " + method + "(" + TsParams(plan, m.args, "  ") + "): " + result + ";\n";
    }
    out +=
        "\n  /** Runs the calls that made this object; resolves to it, run. */\n  sync(): "
        "Promise<" +
        o.js + ">;\n}\n\n";
  }
  if (plan.main() != nullptr) {
    out += DocComment("Constructs the main object of module " + def.name() +
                          (def.description().empty() ? "" : ": " + def.description()),
                      "");
    out += "export declare function " + plan.constructor() + "(" +
           TsParams(plan, plan.main()->constructor_args, "") + "): " + plan.main()->js + ";\n";
  }
  return out;
}

}  // namespace host
