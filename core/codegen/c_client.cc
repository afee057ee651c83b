#include "core/codegen/c_client.h"

#include <fmt/format.h>

#include <cctype>
#include <map>
#include <set>
#include <vector>

#include "core/base/names.h"

namespace host {
namespace {

// C99's keywords, names the generated code or its headers use, and C++'s keywords (a C++ module
// may include the header too).
const std::set<std::string> kReserved = {
    "auto",      "break",      "case",     "char",         "const",     "continue", "default",
    "do",        "double",     "else",     "enum",         "extern",    "float",    "for",
    "goto",      "if",         "inline",   "int",          "long",      "register", "restrict",
    "return",    "short",      "signed",   "sizeof",       "static",    "struct",   "switch",
    "typedef",   "union",      "unsigned", "void",         "volatile",  "while",    "_Bool",
    "_Complex",  "_Imaginary", "bool",     "true",         "false",     "class",    "new",
    "delete",    "this",       "template", "typename",     "namespace", "operator", "private",
    "protected", "public",     "virtual",  "friend",       "try",       "catch",    "throw",
    "and",       "or",         "not",      "xor",          "asm",       "explicit", "export",
    "mutable",   "using",      "nullptr",  "alignas",      "alignof",   "noexcept", "static_assert",
    "call",      "self",       "result",   "result_count", "NULL",      "size_t",   "int64_t",
    "errno",     "assert",     "offsetof", "stdin",        "stdout",    "stderr",   "main"};

// name with every character that cannot be in a C identifier replaced by '_', never empty and
// never starting with a digit or an underscore (reserved to the implementation).
std::string CName(const std::string& name) {
  std::string out;
  for (char c : name) {
    out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  if (out.empty() || !std::isalpha(static_cast<unsigned char>(out[0]))) out = "x" + out;
  return out;
}

// A C string literal of text: quotes, backslashes, '?' (trigraphs) and control bytes escaped.
std::string Literal(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\' || c == '?') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += fmt::format("\\{:03o}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// A C comment of text, each line prefixed by indent; "*/" cannot end it early.
std::string Comment(const std::string& text, const std::string& indent) {
  if (text.empty()) return "";
  std::string safe;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '*' && i + 1 < text.size() && text[i + 1] == '/') {
      safe += "* ";
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      safe += "/ ";  // "/*" inside a comment is a warning
    } else if (c == '?' && i + 1 < text.size() && text[i + 1] == '?') {
      safe += "? ";  // a trigraph such as ??/ would become a backslash in C99
    } else if (c == '\r' || (static_cast<unsigned char>(c) < 0x20 && c != '\n')) {
      safe += ' ';
    } else if (c == '\\' && (i + 1 == text.size() || text[i + 1] == '\n')) {
      safe += "\\ ";  // a backslash at the end of a line would splice the next one in
    } else {
      safe += c;
    }
  }
  std::string out = indent + "/*";
  size_t start = 0;
  for (;;) {
    size_t end = safe.find('\n', start);
    out += " " + safe.substr(start, end == std::string::npos ? end : end - start);
    if (end == std::string::npos) break;
    out += "\n" + indent + " *";
    start = end + 1;
  }
  return out + " */\n";
}

// What a type becomes in C.
struct CType {
  bool ok = false;        // false: C clients cannot pass it (e.g. a list of lists)
  bool is_void = false;   // Void
  bool list = false;      // a list: pointer plus count
  bool optional = false;  // may be absent
  v1::TypeKind item = v1::TYPE_KIND_UNSPECIFIED;  // the kind of the value or of the list's items
  std::string scalar;     // the C type of one value or item: "int64_t", "const char*", ...
  std::string enum_c;     // for the module's own enums: the C enum type
  std::string enum_name;  // ... and its functions: value to name
  std::string enum_from;  // ... and name to value
  std::string object_c;   // for objects: the handle type ("cvals_Point" or "hostc_value")
};

class Generator {
 public:
  Generator(const v1::ModuleDef& def, const v1::ModuleDef* core) : def_(def) {
    prefix_ = CName(SnakeCase(def.name()));
    if (prefix_.rfind("host", 0) == 0) prefix_ = "dep_" + prefix_;  // the SDK's names
    for (const auto& e : def.enums()) enums_[e.name()] = Global(prefix_ + "_" + CName(e.name()));
    for (const auto& o : def.objects()) {
      objects_[o.name()] = Global(prefix_ + "_" + CName(o.name()));
    }
    for (const auto& [name, type] : enums_) {
      name_fns_[name] = Global(type + "_name");
      from_name_fns_[name] = Global(type + "_from_name");
    }
    (void)core;  // core and foreign types are opaque handles: nothing to learn from its schema
  }

  std::string Run() {
    std::string guard = "HOST_DEPS_C_" + prefix_ + "_H_";
    for (char& c : guard) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string out = fmt::format(
        "/* Typed C client of module {} {}, generated by `host codegen --lang c` from its schema. "
        "Do not\n * edit: it is regenerated when the module changes. Every call goes through the "
        "host's graph.\n *\n * Each function returns the call's status; on failure "
        "hostc_last_error(call) says why. Results\n * live in the calling function's memory (free "
        "them early with hostc_scope_begin/end). A self\n * of NULL calls the object in its "
        "default state (the main object made with no arguments). */\n#ifndef {}\n#define {}\n\n"
        "#include <stddef.h>\n#include <stdint.h>\n#include <string.h>\n\n#include "
        "\"host/module_c.h\"\n\n",
        SafeLine(def_.name()), SafeLine(def_.version()), guard, guard);
    for (const auto& o : def_.objects()) {
      out += Comment("An object of type " + o.name() +
                         " (a handle: pass it back as self or as an "
                         "argument).",
                     "");
      out += fmt::format("typedef struct {0} {0};\n\n", objects_.at(o.name()));
    }
    for (const auto& e : def_.enums()) out += Enum(e);
    for (const auto& o : def_.objects()) {
      const std::string& handle = objects_.at(o.name());
      if (o.name() == def_.main_object()) {
        v1::FunctionDef constructor = o.constructor();
        if (!constructor.has_return_type()) {
          constructor.mutable_return_type()->set_kind(v1::TYPE_KIND_OBJECT);
          constructor.mutable_return_type()->set_name(o.name());
        }
        out += Function(o.name(), constructor, handle + "_new", "",
                        "Constructs the main object of module " + def_.name() + ".");
      }
      for (const auto& f : o.fields()) {
        if (f.internal()) continue;
        v1::FunctionDef getter;
        getter.set_name(f.name());
        *getter.mutable_return_type() = f.type();
        out += Function(o.name(), getter, handle + "_" + CName(SnakeCase(f.name())), handle,
                        f.description().empty() ? "The field " + f.name() + "." : f.description());
      }
      for (const auto& fn : o.functions()) {
        out += Function(o.name(), fn, handle + "_" + CName(SnakeCase(fn.name())), handle,
                        fn.description());
      }
    }
    return out + "#endif /* " + guard + " */\n";
  }

 private:
  // text on one line, for the header's first comment.
  static std::string SafeLine(const std::string& text) {
    std::string out;
    for (char c : text)
      out += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' ||
                     c == '_'
                 ? c
                 : '_';
    return out;
  }

  // A file-level name not used before: name, or name_2, name_3...
  std::string Global(const std::string& name) {
    std::string unique = kReserved.count(name) ? name + "_" : name;
    for (int n = 2; !globals_.insert(unique).second; ++n) unique = name + "_" + std::to_string(n);
    return unique;
  }

  std::string Enum(const v1::EnumDef& e) {
    const std::string& type = enums_.at(e.name());
    std::string out = Comment(e.description(), "");
    std::string name_cases, from_name;
    std::vector<std::string> constants;
    out += "typedef enum " + type + " {\n";
    for (int i = 0; i < e.values_size(); ++i) {
      const auto& v = e.values(i);
      std::string constant = Global(type + "_" + CName(v.name()));
      out += Comment(v.description(), "  ");
      out += fmt::format("  {} = {}{}\n", constant, i, i + 1 < e.values_size() ? "," : "");
      name_cases += fmt::format("    case {}:\n      return {};\n", constant, Literal(v.name()));
      from_name += fmt::format(
          "  if (strcmp(name, {}) == 0) {{\n    *value = {};\n    return 1;\n"
          "  }}\n",
          Literal(v.name()), constant);
    }
    out += "} " + type + ";\n\n";
    out += fmt::format(
        "/* The name of a {0} value on the wire, or NULL when it is not one. */\nstatic inline "
        "const char* {3}({0} value) {{\n  switch (value) {{\n{1}    default:\n      return "
        "NULL;\n  }}\n}}\n\n/* Sets *value to the {0} called name; 0 when there is none. */\n"
        "static inline int {4}(const char* name, {0}* value) {{\n  if (name == NULL) {{\n"
        "    return 0;\n  }}\n{2}  return 0;\n}}\n\n",
        type, name_cases, from_name, name_fns_.at(e.name()), from_name_fns_.at(e.name()));
    return out;
  }

  CType Map(const v1::TypeRef& t) const {
    CType c;
    c.optional = t.optional();
    const v1::TypeRef* item = &t;
    if (t.kind() == v1::TYPE_KIND_VOID) {
      c.ok = c.is_void = true;
      return c;
    }
    if (t.kind() == v1::TYPE_KIND_LIST) {
      c.list = true;
      item = &t.element();
      if (item->optional() || item->kind() == v1::TYPE_KIND_LIST) return c;  // not in C
    }
    c.item = item->kind();
    switch (item->kind()) {
      case v1::TYPE_KIND_STRING:
        c.scalar = "const char*";
        break;
      case v1::TYPE_KIND_INT:
        c.scalar = "int64_t";
        break;
      case v1::TYPE_KIND_FLOAT:
        c.scalar = "double";
        break;
      case v1::TYPE_KIND_BOOLEAN:
        c.scalar = "int";
        break;
      case v1::TYPE_KIND_ENUM:
        if (auto it = enums_.find(item->name()); it != enums_.end()) {
          c.enum_c = it->second;
          c.scalar = it->second;
          c.enum_name = name_fns_.at(item->name());
          c.enum_from = from_name_fns_.at(item->name());
        } else {
          c.scalar = "const char*";  // another module's enum: its value's name
        }
        break;
      case v1::TYPE_KIND_OBJECT:
        if (auto it = objects_.find(item->name()); it != objects_.end()) {
          c.object_c = it->second;
        } else {
          c.object_c = "hostc_value";  // a core type or another module's
        }
        c.scalar = "const " + c.object_c + "*";
        break;
      default:
        return c;
    }
    c.ok = true;
    return c;
  }

  // The name of a parameter: a C identifier, not reserved, unique among used.
  static std::string Param(const std::string& name, const std::string& prefix,
                           std::set<std::string>* used) {
    std::string base = CName(SnakeCase(name));
    // Reserved words, names that end like the generated locals (request_, value_...), and names
    // that could shadow the SDK's or this header's functions get a suffix.
    if (kReserved.count(base) || base.back() == '_' || base.rfind("host", 0) == 0 ||
        base.rfind(prefix + "_", 0) == 0) {
      base += "_arg";
    }
    std::string unique = base;
    for (int n = 2; used->count(unique) || used->count(unique + "_count"); ++n) {
      unique = base + "_" + std::to_string(n);
    }
    used->insert(unique);
    used->insert(unique + "_count");
    return unique;
  }

  // The parameter declaration and the code adding argument wire to the request.
  static void Arg(const CType& c, const std::string& wire, const std::string& p,
                  std::string* params, std::string* body) {
    const std::string name = Literal(wire);
    if (c.list) {
      *params += fmt::format(", {} const* {}, size_t {}_count", c.scalar, p, p);
      std::string add;
      if (c.item == v1::TYPE_KIND_STRING || (c.item == v1::TYPE_KIND_ENUM && c.enum_c.empty())) {
        add = fmt::format("hostc_request_{}_list(request_, {}, {}, {}_count);",
                          c.item == v1::TYPE_KIND_STRING ? "string" : "enum", name, p, p);
      } else if (c.item == v1::TYPE_KIND_INT || c.item == v1::TYPE_KIND_FLOAT ||
                 c.item == v1::TYPE_KIND_BOOLEAN) {
        const char* kind = c.item == v1::TYPE_KIND_INT     ? "int"
                           : c.item == v1::TYPE_KIND_FLOAT ? "float"
                                                           : "bool";
        add = fmt::format("hostc_request_{}_list(request_, {}, {}, {}_count);", kind, name, p, p);
      } else if (c.item == v1::TYPE_KIND_ENUM) {
        add = fmt::format(
            "{{\n    const char** names_ = (const char**)hostc_alloc(call, ({1}_count + 1) * "
            "sizeof(const char*));\n    size_t i_;\n    for (i_ = 0; names_ != NULL && i_ < "
            "{1}_count; ++i_) {{\n      names_[i_] = {2}({1}[i_]);\n    }}\n    "
            "hostc_request_enum_list(request_, {0}, names_, names_ != NULL ? {1}_count : 0);\n  }}",
            name, p, c.enum_name);
      } else {
        add = fmt::format(
            "hostc_request_object_list(request_, {}, (const hostc_value* const*){}, {}_count);",
            name, p, p);
      }
      // A NULL list is the empty list, or for an optional one, no list.
      *body += c.optional ? fmt::format("  if ({} != NULL) {{\n    {}\n  }}\n", p, add)
                          : "  " + add + "\n";
      return;
    }
    std::string value = c.optional && c.scalar != "const char*" && c.object_c.empty() ? "*" + p : p;
    std::string add;
    switch (c.item) {
      case v1::TYPE_KIND_STRING:
        add = fmt::format("hostc_request_string(request_, {}, {});", name, value);
        break;
      case v1::TYPE_KIND_INT:
        add = fmt::format("hostc_request_int(request_, {}, {});", name, value);
        break;
      case v1::TYPE_KIND_FLOAT:
        add = fmt::format("hostc_request_float(request_, {}, {});", name, value);
        break;
      case v1::TYPE_KIND_BOOLEAN:
        add = fmt::format("hostc_request_bool(request_, {}, {});", name, value);
        break;
      case v1::TYPE_KIND_ENUM:
        add = c.enum_c.empty() ? fmt::format("hostc_request_enum(request_, {}, {});", name, value)
                               : fmt::format("hostc_request_enum(request_, {}, {}({}));", name,
                                             c.enum_name, value);
        break;
      default:
        add = fmt::format("hostc_request_object(request_, {}, (const hostc_value*){});", name, p);
        break;
    }
    std::string type = c.scalar;
    if (c.optional && c.scalar != "const char*" && c.object_c.empty()) type = "const " + type + "*";
    *params += ", " + type + " " + p;
    *body += c.optional ? fmt::format("  if ({} != NULL) {{\n    {}\n  }}\n", p, add)
                        : "  " + add + "\n";
  }

  // The result parameters and the code storing the returned value_ into them.
  static void Result(const CType& c, std::string* params, std::string* body) {
    if (c.is_void) return;
    if (c.list) {
      *params += fmt::format(", {} const** result, size_t* result_count", c.scalar);
      if (c.item == v1::TYPE_KIND_ENUM && !c.enum_c.empty()) {
        *body += fmt::format(
            "  {{\n    size_t n_ = 0;\n    size_t i_;\n    const char* const* names_ = "
            "hostc_value_string_array(call, value_, &n_);\n    {0}* items_ = names_ == NULL ? NULL "
            ": ({0}*)hostc_alloc(call, (n_ + 1) * sizeof({0}));\n    *result = items_;\n    "
            "*result_count = 0;\n    for (i_ = 0; items_ != NULL && i_ < n_; ++i_) {{\n      if "
            "(!{1}(names_[i_], &items_[i_])) {{\n        *result = NULL;\n        return "
            "hostc_set_last_error(call, \"the result has a value unknown to this client; "
            "regenerate it\");\n      }}\n    }}\n    *result_count = items_ != NULL ? n_ : 0;\n  "
            "}}\n",
            c.enum_c, c.enum_from);
        return;
      }
      const char* reader = c.item == v1::TYPE_KIND_INT       ? "int"
                           : c.item == v1::TYPE_KIND_FLOAT   ? "float"
                           : c.item == v1::TYPE_KIND_BOOLEAN ? "bool"
                           : c.object_c.empty()              ? "string"
                                                             : "object";
      *body +=
          fmt::format("  *result = ({} const*)hostc_value_{}_array(call, value_, result_count);\n",
                      c.scalar, reader);
      return;
    }
    if (c.item == v1::TYPE_KIND_STRING || (c.item == v1::TYPE_KIND_ENUM && c.enum_c.empty())) {
      *params += ", const char** result";
      *body += "  *result = hostc_value_string(value_);\n";
      return;
    }
    if (c.item == v1::TYPE_KIND_OBJECT) {
      *params += ", " + c.scalar + "* result";
      *body += fmt::format("  *result = ({})value_;\n", c.scalar);
      return;
    }
    std::string read;
    switch (c.item) {
      case v1::TYPE_KIND_INT:
        read = "hostc_value_int(value_)";
        break;
      case v1::TYPE_KIND_FLOAT:
        read = "hostc_value_float(value_)";
        break;
      case v1::TYPE_KIND_BOOLEAN:
        read = "hostc_value_bool(value_)";
        break;
      default:
        break;
    }
    std::string store =
        c.enum_c.empty() ? fmt::format("*target_ = {};\n", read)
                         : fmt::format(
                               "if (!{}(hostc_value_string(value_), target_)) {{\n    return "
                               "hostc_set_last_error(call, \"the result is a value unknown to this "
                               "client; regenerate it\");\n  }}\n",
                               c.enum_from);
    if (!c.optional) {
      *params += ", " + c.scalar + "* result";
      *body += "  {\n    " + c.scalar + "* target_ = result;\n    " + store + "  }\n";
      return;
    }
    *params += ", const " + c.scalar + "** result";
    *body += fmt::format(
        "  *result = NULL;\n  if (value_ != NULL) {{\n    {0}* target_ = ({0}*)hostc_alloc(call, "
        "sizeof({0}));\n    if (target_ == NULL) {{\n      return hostc_set_last_error(call, \"out "
        "of memory\");\n    }}\n    {1}    *result = target_;\n  }}\n",
        c.scalar, store);
  }

  std::string Function(const std::string& object, const v1::FunctionDef& fn,
                       const std::string& c_name, const std::string& self_type,
                       const std::string& description) {
    CType ret = Map(fn.return_type());
    std::vector<CType> args;
    std::string unavailable;
    if (!ret.ok) unavailable = "its result";
    for (const auto& a : fn.args()) {
      v1::TypeRef type = a.type();
      if (a.has_default_value()) type.set_optional(true);
      args.push_back(Map(type));
      if (!args.back().ok && unavailable.empty()) unavailable = "argument " + a.name();
    }
    std::string name = Global(c_name);
    if (!unavailable.empty()) {
      return Comment(name + ": not available in C clients (" + unavailable +
                         " has a type C clients cannot pass, such as a list of lists)",
                     "");
    }
    std::set<std::string> used;
    std::string params = "hostc_call* call";
    std::string body =
        fmt::format("  hostc_request* request_ = hostc_request_new(call, {}, {}, {});\n",
                    Literal(def_.name()), Literal(object), Literal(fn.name()));
    body += "  const hostc_value* value_ = NULL;\n";
    if (!self_type.empty()) {
      params += ", const " + self_type + "* self";
      body +=
          "  if (self != NULL) {\n    hostc_request_receiver(request_, (const "
          "hostc_value*)self);\n  }\n";
    }
    for (int i = 0; i < fn.args_size(); ++i) {
      Arg(args[static_cast<size_t>(i)], fn.args(i).name(), Param(fn.args(i).name(), prefix_, &used),
          &params, &body);
    }
    body += fmt::format(
        "  if (hostc_request_finish(request_, {}) != HOST_STATUS_OK) {{\n    return "
        "HOST_STATUS_ERROR;\n  }}\n",
        ret.is_void ? "NULL" : "&value_");
    Result(ret, &params, &body);
    if (ret.is_void) body += "  (void)value_;\n";
    std::string doc = description;
    for (int i = 0; i < fn.args_size(); ++i) {
      const CType& c = args[static_cast<size_t>(i)];
      if (c.optional) {
        doc += std::string(doc.empty() ? "" : "\n") + fn.args(i).name() +
               ": optional, NULL leaves it out" +
               (fn.args(i).has_default_value() ? " (its default applies)" : "") + ".";
      }
    }
    if (ret.optional)
      doc += std::string(doc.empty() ? "" : "\n") + "The result is NULL when absent.";
    return Comment(doc, "") + "static inline host_status " + name + "(" + params + ") {\n" + body +
           "  return HOST_STATUS_OK;\n}\n\n";
  }

  const v1::ModuleDef& def_;
  std::string prefix_;
  std::map<std::string, std::string> enums_;          // enum name -> C type
  std::map<std::string, std::string> objects_;        // object name -> C handle type
  std::map<std::string, std::string> name_fns_;       // enum name -> its value-to-name function
  std::map<std::string, std::string> from_name_fns_;  // enum name -> its name-to-value function
  std::set<std::string> globals_;                     // every file-level name used
};

}  // namespace

std::string GenerateCClient(const v1::ModuleDef& def, const v1::ModuleDef* core) {
  return Generator(def, core).Run();
}

}  // namespace host
