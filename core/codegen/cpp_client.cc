#include "core/codegen/cpp_client.h"

#include <fmt/format.h>

#include <cctype>
#include <set>

#include "core/base/names.h"
#include "core/codegen/languages.h"

namespace host {
namespace {

const std::set<std::string> kReserved = {
    "alignas", "alignof",   "and",    "asm",      "auto",      "bool",     "break",    "case",
    "catch",   "char",      "class",  "const",    "constexpr", "continue", "default",  "delete",
    "do",      "double",    "else",   "enum",     "explicit",  "export",   "extern",   "false",
    "float",   "for",       "friend", "goto",     "if",        "inline",   "int",      "long",
    "mutable", "namespace", "new",    "noexcept", "not",       "nullptr",  "operator", "or",
    "private", "protected", "public", "register", "return",    "short",    "signed",   "sizeof",
    "static",  "struct",    "switch", "template", "this",      "throw",    "true",     "try",
    "typedef", "typename",  "union",  "unsigned", "using",     "virtual",  "void",     "volatile",
    "while",   "xor"};

std::string Identifier(std::string name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) name = "k" + name;
  if (kReserved.count(name)) name += "_";
  if (name == "value" || name == "id" || name == "value_") name += "_arg";  // ClientObject members
  return name;
}

std::string Quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string Comment(const std::string& text, const std::string& indent) {
  if (text.empty()) return "";
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? end : end - start);
    out += indent + "// " + line + "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

class Generator {
 public:
  Generator(const v1::ModuleDef& def, const v1::ModuleDef* core) : def_(def) {
    for (const auto& o : def.objects()) objects_.insert(o.name());
    for (const auto& e : def.enums()) enums_.insert(e.name());
    if (core == nullptr || core == &def) return;
    for (const auto& o : core->objects()) core_objects_.insert(o.name());
    for (const auto& e : core->enums()) core_enums_.insert(e.name());
  }

  // The C++ type of a value, or "" when the type comes from another module.
  std::string ValueType(const v1::TypeRef& t) const {
    std::string base;
    switch (t.kind()) {
      case v1::TYPE_KIND_STRING:
        base = "std::string";
        break;
      case v1::TYPE_KIND_INT:
        base = "int64_t";
        break;
      case v1::TYPE_KIND_FLOAT:
        base = "double";
        break;
      case v1::TYPE_KIND_BOOLEAN:
        base = "bool";
        break;
      case v1::TYPE_KIND_VOID:
        return "void";
      case v1::TYPE_KIND_ENUM:
      case v1::TYPE_KIND_OBJECT: {
        const bool is_enum = t.kind() == v1::TYPE_KIND_ENUM;
        if ((is_enum ? enums_ : objects_).count(t.name())) {
          base = "::deps::" + t.name();
        } else if ((is_enum ? core_enums_ : core_objects_).count(t.name())) {
          base = "::host::" + t.name();  // a core type, from host/core.h
          uses_core_ = true;
        } else {
          return "";
        }
        break;
      }
      case v1::TYPE_KIND_LIST: {
        std::string element = ValueType(t.element());
        if (element.empty()) return "";
        base = "std::vector<" + element + ">";
        break;
      }
      default:
        return "";
    }
    return t.optional() ? "std::optional<" + base + ">" : base;
  }

  // The parameter list and the argument-setting chain of a function; false if a type is foreign.
  bool Params(const v1::FunctionDef& fn, std::string* params, std::string* chain) const {
    std::vector<std::string> parts;
    const int trailing_optional_from = FirstOmittableArgument(fn);
    for (int i = 0; i < fn.args_size(); ++i) {
      const auto& a = fn.args(i);
      v1::TypeRef type = a.type();
      if (a.has_default_value()) type.set_optional(true);
      std::string cpp = ValueType(type);
      if (cpp.empty()) return false;
      std::string name = Identifier(SnakeCase(a.name()));
      bool by_value =
          cpp == "int64_t" || cpp == "double" || cpp == "bool" ||
          (enums_.count(type.name()) && !type.optional() && type.kind() == v1::TYPE_KIND_ENUM);
      std::string param = (by_value ? cpp : "const " + cpp + "&") + " " + name;
      if (i >= trailing_optional_from) param += " = std::nullopt";
      parts.push_back(param);
      *chain += fmt::format(".arg({}, {})", Quoted(a.name()), name);
    }
    for (size_t i = 0; i < parts.size(); ++i) *params += (i ? ", " : "") + parts[i];
    return true;
  }

  std::string Run() {
    std::string guard = "HOST_DEPS_" + SnakeCase(def_.name()) + "_H_";
    for (char& c : guard) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    // The body first: the includes depend on the types it uses.
    std::string out = "namespace deps {\n\n";
    for (const auto& e : def_.enums()) {
      out += Comment(e.description(), "");
      out += "enum class " + e.name() + " {";
      for (int i = 0; i < e.values_size(); ++i) {
        out += (i ? ", " : " ") + Identifier(e.values(i).name());
      }
      out += " };\n\n";
    }
    for (const auto& o : def_.objects()) out += "class " + o.name() + ";\n";
    out += "\n}  // namespace deps\n\n";
    for (const auto& e : def_.enums()) {
      out += fmt::format(
          "template <>\ninline const ::host::EnumSpec<::deps::{0}> "
          "host::enum_spec<::deps::{0}>{{\n    {1}, {2}, {{",
          e.name(), Quoted(e.name()), Quoted(e.description()));
      for (const auto& v : e.values()) {
        out += fmt::format("{{::deps::{}::{}, {}}}, ", e.name(), Identifier(v.name()),
                           Quoted(v.name()));
      }
      out += "}, " + Quoted(def_.name()) + "};\n\n";
    }
    out += "namespace deps {\n\n";
    std::string definitions;
    for (const auto& o : def_.objects()) {
      out += Comment(o.description(), "");
      out += fmt::format(
          "class {0} : public ::host::ClientObject {{\n public:\n  static constexpr const char* "
          "kTypeName = {1};\n  using ::host::ClientObject::ClientObject;\n",
          o.name(), Quoted(o.name()));
      for (const auto& f : o.fields()) {
        if (f.internal()) continue;  // the object's own state, not offered to callers
        std::string type = ValueType(f.type());
        if (type.empty()) continue;
        std::string method = Identifier(SnakeCase(f.name()));
        out += "\n" + Comment(f.description(), "  ");
        out += fmt::format("  {} {}() const;\n", type, method);
        definitions += fmt::format(
            "inline {0} {1}::{2}() const {{\n  return ::host::client::Call({3}, kTypeName, "
            "{4}).receiver(value_).Run<{0}>();\n}}\n\n",
            type, o.name(), method, Quoted(def_.name()), Quoted(f.name()));
      }
      for (const auto& fn : o.functions()) {
        std::string ret = ValueType(fn.return_type());
        std::string params, chain;
        std::string method = Identifier(SnakeCase(fn.name()));
        if (ret.empty() || !Params(fn, &params, &chain)) {
          out += "\n  // " + method + ": not available, it uses a type from another module\n";
          continue;
        }
        out += "\n" + Comment(fn.description(), "  ");
        out += fmt::format("  {} {}({}) const;\n", ret, method, params);
        std::string defn_params = params;
        for (size_t pos; (pos = defn_params.find(" = std::nullopt")) != std::string::npos;) {
          defn_params.erase(pos, 15);
        }
        definitions += fmt::format(
            "inline {0} {1}::{2}({3}) const {{\n  return ::host::client::Call({4}, kTypeName, "
            "{5}).receiver(value_){6}.Run<{0}>();\n}}\n\n",
            ret, o.name(), method, defn_params, Quoted(def_.name()), Quoted(fn.name()), chain);
      }
      out += "};\n\n";
    }
    out += definitions;
    for (const auto& o : def_.objects()) {
      if (o.name() != def_.main_object()) continue;
      std::string params, chain;
      if (!Params(o.constructor(), &params, &chain)) break;
      out += Comment("Constructs the main object of module " + def_.name() +
                         (def_.description().empty() ? "" : ": " + def_.description()),
                     "");
      out += fmt::format(
          "inline {0} {1}({2}) {{\n  return ::host::client::Call({3}, {0}::kTypeName, "
          "\"\"){4}.Run<{0}>();\n}}\n\n",
          o.name(), Identifier(SnakeCase(def_.name())), params, Quoted(def_.name()), chain);
    }
    out += "}  // namespace deps\n\n#endif  // " + guard + "\n";
    return fmt::format(
               "// Typed client of module {} {}, generated by `host codegen` from its schema. Do "
               "not edit:\n// it is regenerated when the module changes. Every call goes through "
               "the host's graph.\n#ifndef {}\n#define {}\n\n#include <cstdint>\n#include "
               "<optional>\n#include <string>\n#include <vector>\n\n#include "
               "\"host/client.h\"\n{}\n",
               def_.name(), def_.version(), guard, guard,
               uses_core_ ? "#include \"host/core.h\"\n" : "") +
           out;
  }

 private:
  const v1::ModuleDef& def_;
  std::set<std::string> objects_;
  std::set<std::string> enums_;
  std::set<std::string> core_objects_;  // types of the core module, usable from any module
  std::set<std::string> core_enums_;
  mutable bool uses_core_ = false;  // whether the client needs host/core.h
};

}  // namespace

std::string GenerateCppClient(const v1::ModuleDef& def, const std::string& ns,
                              const v1::ModuleDef* core) {
  std::string text = Generator(def, core).Run();
  if (ns == "deps") return text;
  // The generator writes namespace deps; move its scaffolding to ns.
  std::string upper = ns;
  for (char& c : upper)
    c = c == ':' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (auto [from, to] : {std::pair<std::string, std::string>{"::deps::", "::" + ns + "::"},
                          {"namespace deps {", "namespace " + ns + " {"},
                          {"}  // namespace deps", "}  // namespace " + ns},
                          {"HOST_DEPS_", "HOST_" + upper + "_"}}) {
    for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size()) {
      text.replace(pos, from.size(), to);
    }
  }
  return text;
}

}  // namespace host
