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
#ifndef HOST_MODULE_H_
#define HOST_MODULE_H_

#include <cstddef>
#include <map>
#include <memory>
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
    default_ = std::make_shared<v1::Value>();
    EncodeValue(value, default_.get());
    return *this;
  }
  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  const std::shared_ptr<v1::Value>& default_value() const { return default_; }

 private:
  std::string name_;
  std::string description_;
  std::shared_ptr<v1::Value> default_;
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
void log(std::string_view message, LogLevel level = LogLevel::kInfo);

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

// Runs one function: decodes self and arguments from the call, encodes the result.
using Invoker = std::function<void(const v1::Call&, v1::Value*)>;

// One registered function of an object.
struct FunctionEntry {
  v1::FunctionDef def;
  Invoker invoke;
};

// One registered object type.
struct ObjectEntry {
  v1::ObjectDef def;
  std::map<std::string, FunctionEntry, std::less<>> functions;
  Invoker construct;  // the constructor, or a default construction
};

// Finds the argument called name in a call; nullptr when absent.
const v1::Value* FindArg(const v1::Call& call, const std::string& name);

// Decodes argument `name` of a call as T; an absent argument is only valid for std::optional.
template <class T>
T DecodeArg(const v1::Call& call, const std::string& name) {
  static const v1::Value kAbsent;
  const v1::Value* value = FindArg(call, name);
  try {
    return Codec<T>::Decode(value ? *value : kAbsent);
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
    entry_->def.mutable_fields()->rbegin()->set_internal(true);
    object_spec<T>().fields.back().def.set_internal(true);
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
  // Runs a call; returns false with a message when it failed.
  bool Invoke(const v1::Call& call, v1::Value* result, std::string* error) const;

  // SchemaSink: records an enum used by a signature.
  void AddEnum(const v1::EnumDef& def) override;
  // Records a registration mistake, reported by Describe.
  void AddProblem(std::string problem) { problems_.push_back(std::move(problem)); }
  // Fills a TypeRef for T, recording the enums it uses.
  template <class T>
  void TypeOf(v1::TypeRef* type) {
    Codec<T>::Type(type, this);
  }

 private:
  v1::ModuleDef def_;
  std::map<std::string, detail::ObjectEntry, std::less<>> objects_;
  std::map<std::string, v1::EnumDef> enums_;
  std::vector<std::string> problems_;
};

template <class T>
ObjectBuilder<T> Module::object(std::string name, std::string description) {
  ObjectSpec<T>& spec = object_spec<T>();
  spec.name = name;
  detail::ObjectEntry& entry = objects_[name];
  entry.def.set_name(name);
  entry.def.set_description(std::move(description));
  entry.construct = [](const v1::Call&, v1::Value* out) { Codec<T>::Encode(T{}, out); };
  return ObjectBuilder<T>(this, &entry);
}

template <class T>
template <class F>
ObjectBuilder<T>& ObjectBuilder<T>::field(std::string name, F T::*member, std::string description) {
  typename ObjectSpec<T>::Field field;
  field.def.set_name(name);
  field.def.set_description(description);
  module_->template TypeOf<F>(field.def.mutable_type());
  field.get = [member](const T& self, v1::Value* out) { Codec<F>::Encode(self.*member, out); };
  field.set = [member](T& self, const v1::Value& in) { self.*member = Codec<F>::Decode(in); };
  *entry_->def.add_fields() = field.def;
  object_spec<T>().fields.push_back(std::move(field));
  return *this;
}

namespace detail {
// Fills the argument definitions of a function from its names and C++ types.
template <class... A>
void DescribeArgs(Module* module, const std::string& where, const std::vector<Arg>& args,
                  [[maybe_unused]] v1::FunctionDef* def) {
  if (args.size() != sizeof...(A)) {
    module->AddProblem(where + " names " + std::to_string(args.size()) +
                       " argument(s) but its C++ signature takes " + std::to_string(sizeof...(A)) +
                       ": pass one host::arg(\"name\") per parameter");
    return;
  }
  [[maybe_unused]] size_t i = 0;
  (
      [&] {
        auto* arg = def->add_args();
        arg->set_name(args[i].name());
        arg->set_description(args[i].description());
        module->template TypeOf<std::decay_t<A>>(arg->mutable_type());
        if (args[i].default_value()) *arg->mutable_default_value() = *args[i].default_value();
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
  entry.def.set_name(name);
  entry.def.set_description(std::move(description));
  entry.def.set_cache(static_cast<v1::CachePolicy>(cache));
  detail::DescribeArgs<std::tuple_element_t<I, typename Traits::Args>...>(
      module_, "function '" + name + "' of object '" + entry_->def.name() + "'", args, &entry.def);
  module_->template TypeOf<R>(entry.def.mutable_return_type());
  std::vector<std::string> names;
  for (const auto& a : args) names.push_back(a.name());
  names.resize(sizeof...(I));
  entry.invoke = [fn, names](const v1::Call& call, v1::Value* out) {
    T self = Codec<T>::DecodeObject(call.receiver());
    std::tuple<std::decay_t<std::tuple_element_t<I, typename Traits::Args>>...> values{
        detail::DecodeArg<std::decay_t<std::tuple_element_t<I, typename Traits::Args>>>(
            call, names[I])...};
    if constexpr (std::is_void_v<R>) {
      (self.*fn)(std::get<I>(values)...);
    } else {
      Codec<std::decay_t<R>>::Encode((self.*fn)(std::get<I>(values)...), out);
    }
  };
  *entry_->def.add_functions() = entry.def;
  entry_->functions[name] = std::move(entry);
  return *this;
}

template <class T>
template <class... A>
ObjectBuilder<T>& ObjectBuilder<T>::constructor(T (*fn)(A...), std::string description,
                                                std::vector<Arg> args) {
  v1::FunctionDef* def = entry_->def.mutable_constructor();
  def->set_description(std::move(description));
  detail::DescribeArgs<A...>(module_, "constructor of object '" + entry_->def.name() + "'", args,
                             def);
  module_->template TypeOf<T>(def->mutable_return_type());
  std::vector<std::string> names;
  for (const auto& a : args) names.push_back(a.name());
  names.resize(sizeof...(A));
  entry_->construct = [fn, names](const v1::Call& call, v1::Value* out) {
    [&]<size_t... I>(std::index_sequence<I...>) {
      std::tuple<std::decay_t<A>...> values{detail::DecodeArg<std::decay_t<A>>(call, names[I])...};
      Codec<T>::Encode(std::apply(fn, values), out);
    }
    (std::index_sequence_for<A...>{});
  };
  return *this;
}

namespace detail {
// The registration function a HOST_MODULE body defines.
using RegisterFn = void (*)(Module&);
// Implements the entry symbol for a C++ module.
host_status Negotiate(host_negotiate* io, const char* name, RegisterFn register_fn);
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
