// Writing a host module in C++: register objects, their fields and member functions, and the
// types are deduced from the C++ signatures.
//
//   struct Greeter {
//     std::string greeting = "Hello";
//     std::string hello(const std::string& name) const { return greeting + ", " + name; }
//   };
//   HOST_MODULE("greeter", m) {
//     m.description("Greets people.");
//     m.object<Greeter>("Greeter", "Greets people.")
//         .field("greeting", &Greeter::greeting, "The greeting to use.")
//         .function("hello", &Greeter::hello, "Says hello.", {host::arg("name").def("world")});
//   }
//
// Functions may throw: any exception becomes an error of the call, never a crash.
//
// Header-only, with no dependency on the protobuf runtime: it compiles with g++ and clang++,
// against libstdc++ or libc++, in C++17 or later.
#ifndef HOST_MODULE_H_
#define HOST_MODULE_H_

#include <cctype>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "host/abi.h"
#include "host/client.h"
#include "host/codec.h"

namespace host {

// When a function's result may be reused (see CachePolicy in wire.proto).
enum class Cache { kPersistent, kSession, kNever };

// The name, description and default of one argument, in signature order.
class Arg {
 public:
  // An argument called name (snake_case or camelCase; the CLI shows it in kebab-case).
  explicit Arg(std::string name, std::string description = "")
      : name_(std::move(name)), description_(std::move(description)) {}
  // Sets the argument's description.
  Arg& doc(std::string description) {
    description_ = std::move(description);
    return *this;
  }
  // Sets the argument's default value, which makes it optional for callers.
  template <class V>
  Arg& def(const V& value) {
    default_ = EncodedValue(value);
    return *this;
  }
  // The argument's name.
  const std::string& name() const { return name_; }
  // The argument's description.
  const std::string& description() const { return description_; }
  // The encoded host.v1.Value of the default, when there is one.
  const std::optional<std::string>& default_value() const { return default_; }

 private:
  std::string name_;
  std::string description_;
  std::optional<std::string> default_;
};

// How serious a log line is.
enum class LogLevel {
  kDebug = HOST_LOG_DEBUG,
  kInfo = HOST_LOG_INFO,
  kWarning = HOST_LOG_WARNING,
  kError = HOST_LOG_ERROR
};

// Writes a line to the runtime's log, attributed to the call in progress; the runtime scrubs
// secrets from it. Outside a call of the module's functions it goes to standard error.
inline void log(std::string_view message, LogLevel level = LogLevel::kInfo) {
  const auto* data = reinterpret_cast<const uint8_t*>(message.data());
  if (detail::g_api != nullptr && detail::t_context != nullptr) {
    detail::g_api->log(detail::t_context, static_cast<host_log_level>(level),
                       host_bytes{data, message.size()});
  } else {
    std::fprintf(stderr, "%.*s\n", static_cast<int>(message.size()), message.data());
  }
}

// Shorthand for Arg(name, description).
inline Arg arg(std::string name, std::string description = "") {
  return Arg(std::move(name), std::move(description));
}

namespace detail {

// The parameter types of a member function pointer.
template <class Fn>
struct MemberTraits;
template <class R, class C, class... A>
struct MemberTraits<R (C::*)(A...) const> {
  using Args = std::tuple<A...>;
};
template <class R, class C, class... A>
struct MemberTraits<R (C::*)(A...)> {
  using Args = std::tuple<A...>;
};

// Runs one function: decodes self and arguments from the call, appends the result's Value.
using Invoker = std::function<void(const CallView&, wire::Writer&)>;

// One registered function of an object.
struct FunctionEntry {
  schema::FunctionDef def;
  Invoker invoke;
};

// One registered object type.
struct ObjectEntry {
  schema::ObjectDef def;
  std::map<std::string, FunctionEntry, std::less<>> functions;
  Invoker construct;  // the constructor, or a default construction
};

// Decodes argument `name` of a call as T; an absent argument is only valid for std::optional.
template <class T>
T DecodeArg(const CallView& call, const std::string& name) {
  ValueView value;
  for (const auto& arg : call.args) {
    if (arg.first == name) {
      value = ValueView::Parse(arg.second);
      break;
    }
  }
  try {
    return Codec<T>::Decode(value);
  } catch (const TypeError& e) {
    throw TypeError("argument '" + name + "': " + e.what());
  }
}

}  // namespace detail

class Module;

// Registers the fields and functions of object type T.
template <class T>
class ObjectBuilder {
 public:
  ObjectBuilder(Module* module, detail::ObjectEntry* entry) : module_(module), entry_(entry) {}

  // Exposes a public data member as a field, readable by callers.
  template <class F>
  ObjectBuilder& field(std::string name, F T::*member, std::string description = "");

  // Keeps a data member with the object as it crosses the graph, without offering it to callers
  // (settings made by chainable functions, credentials).
  template <class F>
  ObjectBuilder& state(std::string name, F T::*member) {
    field(std::move(name), member);
    entry_->def.fields.back().internal = true;
    object_spec<T>().fields.back().def.internal = true;
    return *this;
  }

  // Registers a const member function.
  template <class R, class... A>
  ObjectBuilder& function(std::string name, R (T::*fn)(A...) const, std::string description,
                          std::vector<Arg> args = {}, Cache cache = Cache::kPersistent) {
    return Add<R>(std::move(name), std::move(description), std::move(args), cache, fn,
                  std::index_sequence_for<A...>{});
  }

  // Registers a non-const member function (it acts on a copy of the receiver).
  template <class R, class... A>
  ObjectBuilder& function(std::string name, R (T::*fn)(A...), std::string description,
                          std::vector<Arg> args = {}, Cache cache = Cache::kPersistent) {
    return Add<R>(std::move(name), std::move(description), std::move(args), cache, fn,
                  std::index_sequence_for<A...>{});
  }

  // Registers the constructor: a function returning T, whose arguments callers pass first.
  template <class... A>
  ObjectBuilder& constructor(T (*fn)(A...), std::string description, std::vector<Arg> args = {});

 private:
  template <class R, class Fn, size_t... I>
  ObjectBuilder& Add(std::string name, std::string description, std::vector<Arg> args, Cache cache,
                     Fn fn, std::index_sequence<I...>);

  Module* module_;
  detail::ObjectEntry* entry_;
};

// The module being registered: its description and objects. Passed to the HOST_MODULE body.
class Module : public SchemaSink {
 public:
  explicit Module(std::string name);

  // Sets the module's one-line (or longer) description.
  Module& description(std::string text);
  // Sets the module's version (module.json's version wins when the two differ).
  Module& version(std::string text);

  // Registers object type T under name. The object named after the module in PascalCase
  // ("my-module" -> "MyModule") is the main object, the one callers start from.
  template <class T>
  ObjectBuilder<T> object(std::string name, std::string description = "");

  // Serializes the schema; returns false with a message when the registration is wrong.
  bool Describe(std::string* out, std::string* error) const;
  // Runs a call, appending its result's Value; returns false with a message when it failed.
  bool Invoke(const CallView& call, wire::Writer& result, std::string* error) const;

  // SchemaSink: records an enum used by a signature.
  void AddEnum(const schema::EnumDef& def) override { enums_.emplace(def.name, def); }
  // Records a registration mistake, reported by Describe.
  void AddProblem(std::string problem) { problems_.push_back(std::move(problem)); }
  // Fills a TypeRef for T, recording the enums it uses.
  template <class T>
  void TypeOf(schema::TypeRef* type) {
    Codec<T>::Type(type, this);
  }

 private:
  schema::ModuleDef def_;
  std::map<std::string, detail::ObjectEntry, std::less<>> objects_;
  std::map<std::string, schema::EnumDef> enums_;
  std::vector<std::string> problems_;
};

template <class T>
ObjectBuilder<T> Module::object(std::string name, std::string description) {
  ObjectSpec<T>& spec = object_spec<T>();
  spec.name = name;
  detail::ObjectEntry& entry = objects_[name];
  entry.def.name = name;
  entry.def.description = std::move(description);
  entry.construct = [](const CallView&, wire::Writer& out) { Codec<T>::Encode(T{}, out); };
  return ObjectBuilder<T>(this, &entry);
}

template <class T>
template <class F>
ObjectBuilder<T>& ObjectBuilder<T>::field(std::string name, F T::*member, std::string description) {
  typename ObjectSpec<T>::Field field;
  field.def.name = name;
  field.def.description = description;
  module_->template TypeOf<F>(&field.def.type);
  field.get = [member](const T& self, wire::Writer& out) { Codec<F>::Encode(self.*member, out); };
  field.set = [member](T& self, const ValueView& in) { self.*member = Codec<F>::Decode(in); };
  entry_->def.fields.push_back(field.def);
  object_spec<T>().fields.push_back(std::move(field));
  return *this;
}

namespace detail {
// Fills the argument definitions of a function from its names and C++ types.
template <class... A>
void DescribeArgs(Module* module, const std::string& where, const std::vector<Arg>& args,
                  [[maybe_unused]] schema::FunctionDef* def) {
  if (args.size() != sizeof...(A)) {
    module->AddProblem(where + " names " + std::to_string(args.size()) +
                       " argument(s) but its C++ signature takes " + std::to_string(sizeof...(A)) +
                       ": pass one host::arg(\"name\") per parameter");
    return;
  }
  [[maybe_unused]] size_t i = 0;
  (
      [&] {
        schema::ArgDef arg;
        arg.name = args[i].name();
        arg.description = args[i].description();
        module->template TypeOf<std::decay_t<A>>(&arg.type);
        arg.default_value = args[i].default_value();
        def->args.push_back(std::move(arg));
        ++i;
      }(),
      ...);
}
}  // namespace detail

template <class T>
template <class R, class Fn, size_t... I>
ObjectBuilder<T>& ObjectBuilder<T>::Add(std::string name, std::string description,
                                        std::vector<Arg> args, Cache cache, Fn fn,
                                        std::index_sequence<I...>) {
  using Traits = detail::MemberTraits<Fn>;
  detail::FunctionEntry entry;
  entry.def.name = name;
  entry.def.description = std::move(description);
  entry.def.cache = static_cast<int>(cache);
  detail::DescribeArgs<std::tuple_element_t<I, typename Traits::Args>...>(
      module_, "function '" + name + "' of object '" + entry_->def.name + "'", args, &entry.def);
  module_->template TypeOf<R>(&entry.def.return_type);
  std::vector<std::string> names;
  for (const auto& a : args) names.push_back(a.name());
  names.resize(sizeof...(I));
  entry.invoke = [fn, names](const CallView& call, wire::Writer& out) {
    T self = Codec<T>::DecodeObject(call.receiver);
    std::tuple<std::decay_t<std::tuple_element_t<I, typename Traits::Args>>...> values{
        detail::DecodeArg<std::decay_t<std::tuple_element_t<I, typename Traits::Args>>>(
            call, names[I])...};
    if constexpr (std::is_void_v<R>) {
      (self.*fn)(std::get<I>(values)...);
    } else {
      Codec<std::decay_t<R>>::Encode((self.*fn)(std::get<I>(values)...), out);
    }
  };
  entry_->def.functions.push_back(entry.def);
  entry_->functions[name] = std::move(entry);
  return *this;
}

namespace detail {
// Calls a constructor with the arguments a call names, and appends the object it makes.
template <class T, class... A, size_t... I>
void Construct(T (*fn)(A...), const std::vector<std::string>& names, const CallView& call,
               wire::Writer& out, std::index_sequence<I...>) {
  std::tuple<std::decay_t<A>...> values{detail::DecodeArg<std::decay_t<A>>(call, names[I])...};
  Codec<T>::Encode(std::apply(fn, values), out);
}
}  // namespace detail

template <class T>
template <class... A>
ObjectBuilder<T>& ObjectBuilder<T>::constructor(T (*fn)(A...), std::string description,
                                                std::vector<Arg> args) {
  schema::FunctionDef def;
  def.description = std::move(description);
  detail::DescribeArgs<A...>(module_, "constructor of object '" + entry_->def.name + "'", args,
                             &def);
  module_->template TypeOf<T>(&def.return_type);
  entry_->def.constructor = std::move(def);
  std::vector<std::string> names;
  for (const auto& a : args) names.push_back(a.name());
  names.resize(sizeof...(A));
  entry_->construct = [fn, names](const CallView& call, wire::Writer& out) {
    detail::Construct(fn, names, call, out, std::index_sequence_for<A...>{});
  };
  return *this;
}

inline Module::Module(std::string name) {
  std::string main;
  bool upper = true;
  for (char c : name) {  // "my-module" -> "MyModule"
    if (c == '-' || c == '_' || c == '.') {
      upper = true;
      continue;
    }
    main += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  def_.main_object = main;
  def_.name = std::move(name);
  def_.sdk = "cpp";
}

inline Module& Module::description(std::string text) {
  def_.description = std::move(text);
  return *this;
}

inline Module& Module::version(std::string text) {
  def_.version = std::move(text);
  return *this;
}

namespace detail {
// Reports object types that a schema references but that were never registered.
inline void CheckTypeRegistered(const schema::TypeRef& type, const std::string& where,
                                std::vector<std::string>* problems) {
  if (type.kind == schema::Kind::kList && !type.elements.empty()) {
    CheckTypeRegistered(type.elements.front(), where, problems);
  } else if (type.kind == schema::Kind::kObject && type.name.empty()) {
    problems->push_back(where + " uses a C++ class that is not registered: call m.object<T>(...)");
  }
}
}  // namespace detail

inline bool Module::Describe(std::string* out, std::string* error) const {
  std::vector<std::string> problems = problems_;
  if (objects_.find(def_.main_object) == objects_.end()) {
    problems.push_back("module '" + def_.name + "' registers no main object '" + def_.main_object +
                       "': call m.object<T>(\"" + def_.main_object + "\", ...)");
  }
  schema::ModuleDef def = def_;
  for (const auto& [name, entry] : objects_) {
    for (const auto& field : entry.def.fields) {
      detail::CheckTypeRegistered(field.type, "field '" + field.name + "' of object '" + name + "'",
                                  &problems);
    }
    for (const auto& fn : entry.def.functions) {
      std::string where = "function '" + fn.name + "' of object '" + name + "'";
      detail::CheckTypeRegistered(fn.return_type, where, &problems);
      for (const auto& a : fn.args) detail::CheckTypeRegistered(a.type, where, &problems);
    }
    def.objects.push_back(entry.def);
  }
  for (const auto& [name, e] : enums_) def.enums.push_back(e);
  if (!problems.empty()) {
    *error = "module '" + def_.name + "' is registered wrongly:";
    for (const auto& p : problems) *error += "\n  " + p;
    return false;
  }
  *out = def.Encode();
  return true;
}

inline bool Module::Invoke(const CallView& call, wire::Writer& result, std::string* error) const {
  auto object = objects_.find(call.object);
  if (object == objects_.end()) {
    *error = "module '" + def_.name + "' has no object '" + std::string(call.object) + "'";
    return false;
  }
  const detail::Invoker* invoker = &object->second.construct;
  if (!call.function.empty()) {
    auto fn = object->second.functions.find(call.function);
    if (fn == object->second.functions.end()) {
      *error = "object '" + std::string(call.object) + "' has no function '" +
               std::string(call.function) + "'";
      return false;
    }
    invoker = &fn->second.invoke;
  }
  try {
    (*invoker)(call, result);
    return true;
  } catch (const std::exception& e) {
    *error = e.what();
  } catch (...) {
    *error = "the function threw an exception that is not a std::exception";
  }
  return false;
}

namespace detail {

#if defined(_LIBCPP_VERSION)
#define HOST_SDK_STDLIB "libc++"
#else
#define HOST_SDK_STDLIB "libstdc++"
#endif
#if defined(__clang__)
// The toolchain that built the module, for diagnostics.
inline constexpr const char* kBuildInfo = "C++ SDK, clang " __clang_version__ ", " HOST_SDK_STDLIB;
#else
// The toolchain that built the module, for diagnostics.
inline constexpr const char* kBuildInfo = "C++ SDK, g++ " __VERSION__ ", " HOST_SDK_STDLIB;
#endif

// The module, registered once by the entry symbol.
inline Module* g_module = nullptr;
// What went wrong while registering, reported by describe.
inline std::string* g_init_error = nullptr;

// Copies bytes into a buffer from the host's allocator; false when out of memory.
inline bool FillBuffer(std::string_view bytes, host_buffer* out) {
  out->size = bytes.size();
  out->data = static_cast<uint8_t*>(g_api->alloc(bytes.empty() ? 1 : bytes.size()));
  if (out->data == nullptr) {
    out->size = 0;
    return false;
  }
  if (!bytes.empty()) std::memcpy(out->data, bytes.data(), bytes.size());
  return true;
}

// Fills an error buffer with the bytes of an Error message holding message.
inline void FillError(const std::string& message, host_buffer* error) {
  wire::Writer out;
  out.Bytes(1, message);
  FillBuffer(out.bytes(), error);
}

// The Error message (and describe's message) for a module that ran out of memory: written
// without allocating, since an allocation is what failed.
inline constexpr std::string_view kOutOfMemoryError =
    "\x0a\x1c"
    "the module ran out of memory";
// The Error message for an exception the SDK itself did not expect.
inline constexpr std::string_view kUnexpectedError =
    "\x0a\x2b"
    "the C++ SDK failed with an unexpected error";
static_assert(kOutOfMemoryError.size() == 2 + 0x1c && kUnexpectedError.size() == 2 + 0x2b,
              "the length bytes of the Error messages above");

// Sets the host context of this thread for one call, and restores the outer one however it ends.
class ContextScope {
 public:
  explicit ContextScope(host_context* ctx) : outer_(t_context) { t_context = ctx; }
  ~ContextScope() { t_context = outer_; }
  ContextScope(const ContextScope&) = delete;
  ContextScope& operator=(const ContextScope&) = delete;

 private:
  host_context* outer_;
};

// host_module.describe. No exception leaves it: the host may be built with another C++ runtime.
inline host_status DescribeEntry(host_buffer* module_def, host_buffer* error) noexcept {
  try {
    if (g_init_error != nullptr) {
      FillBuffer(*g_init_error, error);
      return HOST_STATUS_ERROR;
    }
    if (g_module == nullptr) {
      FillBuffer("the module was described before its entry symbol registered it", error);
      return HOST_STATUS_ERROR;
    }
    std::string bytes;
    std::string message;
    if (!g_module->Describe(&bytes, &message)) {
      FillBuffer(message, error);
      return HOST_STATUS_ERROR;
    }
    return FillBuffer(bytes, module_def) ? HOST_STATUS_OK : HOST_STATUS_ERROR;
  } catch (const std::bad_alloc&) {
    FillBuffer(kOutOfMemoryError.substr(2), error);
  } catch (...) {
    FillBuffer(kUnexpectedError.substr(2), error);
  }
  return HOST_STATUS_ERROR;
}

// host_module.invoke. No exception leaves it: the host may be built with another C++ runtime.
inline host_status InvokeEntry(host_context* ctx, host_bytes call_bytes, host_buffer* result,
                               host_buffer* error) noexcept {
  try {
    CallView call;
    try {
      call = CallView::Parse(
          std::string_view(reinterpret_cast<const char*>(call_bytes.data), call_bytes.size));
    } catch (const wire::FormatError& e) {
      FillError(std::string("the call is not a valid host.v1.Call message: ") + e.what(), error);
      return HOST_STATUS_INVALID_ARGUMENT;
    }
    if (g_module == nullptr) {
      FillError("the module was invoked before its entry symbol registered it", error);
      return HOST_STATUS_ERROR;
    }
    wire::Writer value;
    std::string message;
    bool ok;
    {
      ContextScope scope(ctx);
      ok = g_module->Invoke(call, value, &message);
    }
    if (!ok) {
      FillError(message, error);
      return HOST_STATUS_ERROR;
    }
    return FillBuffer(value.bytes(), result) ? HOST_STATUS_OK : HOST_STATUS_ERROR;
  } catch (const std::bad_alloc&) {
    FillBuffer(kOutOfMemoryError, error);
  } catch (...) {
    FillBuffer(kUnexpectedError, error);
  }
  return HOST_STATUS_ERROR;
}

// The module's table of functions for the host.
inline const host_module kModuleTable = {sizeof(host_module), &DescribeEntry, &InvokeEntry};

// The registration function a HOST_MODULE body defines.
using RegisterFn = void (*)(Module&);

// Serializes the entry symbol: hosts (two engines in one process) may negotiate at once, and
// none may see the module before its registration is complete.
inline std::mutex g_negotiate_mutex;

// Implements the entry symbol for a C++ module. No exception leaves it.
inline host_status Negotiate(host_negotiate* io, const char* name,
                             RegisterFn register_fn) noexcept {
  if (io == nullptr || !HOST_HAS_SLOT(io, host_negotiate, error) || io->api == nullptr ||
      !HOST_HAS_SLOT(io->api, host_api, call)) {
    return HOST_STATUS_INVALID_ARGUMENT;
  }
  io->module_abi = HOST_ABI_VERSION;
  io->module_name = name;
  io->build_info = kBuildInfo;
  if (HOST_ABI_VERSION < io->host_abi_min || HOST_ABI_VERSION > io->host_abi_max) {
    return HOST_STATUS_UNSUPPORTED;
  }
  try {
    std::lock_guard<std::mutex> lock(g_negotiate_mutex);
    g_api = io->api;
    if (g_module == nullptr && g_init_error == nullptr) {
      auto module = std::make_unique<Module>(name);
      try {
        register_fn(*module);
      } catch (const std::exception& e) {
        g_init_error = new std::string(std::string("registration threw: ") + e.what());
      } catch (...) {
        g_init_error = new std::string("registration threw an unknown exception");
      }
      g_module = module.release();
    }
  } catch (...) {  // out of memory, or a mutex that cannot be locked
    const std::string_view message = kOutOfMemoryError.substr(2);
    io->error.data = static_cast<uint8_t*>(io->api->alloc(message.size()));
    io->error.size = io->error.data == nullptr ? 0 : message.size();
    if (io->error.data != nullptr) std::memcpy(io->error.data, message.data(), message.size());
    return HOST_STATUS_ERROR;
  }
  io->module = &kModuleTable;
  return HOST_STATUS_OK;
}

}  // namespace detail
}  // namespace host

// Defines a module called NAME (as in module.json) and its registration body, which receives
// the Module as VAR. Expands to the one exported entry symbol.
#define HOST_MODULE(NAME, VAR)                                                 \
  static void host_module_register_(::host::Module& VAR);                      \
  extern "C" HOST_EXPORT host_status host_module_init_v1(host_negotiate* io) { \
    return ::host::detail::Negotiate(io, NAME, &host_module_register_);        \
  }                                                                            \
  static void host_module_register_(::host::Module& VAR)

#endif  // HOST_MODULE_H_
