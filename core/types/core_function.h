// How a core function is declared: one entry with its name, doc line, arguments, cache policy and
// implementation, from which the core schema, the evaluator's dispatch and the core module's
// handlers are all derived (see docs/architecture.md, "Adding a core function").
#ifndef HOST_TYPES_CORE_FUNCTION_H_
#define HOST_TYPES_CORE_FUNCTION_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "core/base/status.h"
#include "core/types/core_states.h"
#include "core/types/evaluator.h"
#include "host/v1/wire.pb.h"

namespace host {

class CoreServices;
struct CoreFunction;

// One call of a core function, as its implementation sees it: the arguments by their declared
// names, the receiver, and the engine's core services.
class CoreCall {
 public:
  CoreCall(CoreServices& services, const v1::Call& call, const CoreFunction& function)
      : services_(services), call_(call), function_(function) {}

  // The engine's core state (stores, secrets, progress, the container backend).
  CoreServices& services() const { return services_; }
  // Evaluates the objects this call depends on.
  Evaluator& evaluator() const;
  // The call itself.
  const v1::Call& call() const { return call_; }
  // The receiver's ID.
  const std::string& receiver() const { return call_.receiver().id(); }
  // "Object.function", for messages.
  std::string Name() const;

  // A String argument.
  const std::string& String(std::string_view name) const { return Get(name).string_value(); }
  // A [String] argument.
  std::vector<std::string> Strings(std::string_view name) const;
  // An Int argument.
  int64_t Int(std::string_view name) const { return Get(name).int_value(); }
  // A Boolean argument.
  bool Bool(std::string_view name) const { return Get(name).bool_value(); }
  // An enum argument's value name.
  const std::string& Enum(std::string_view name) const { return Get(name).enum_value(); }
  // The ID of an object argument.
  const std::string& IdOf(std::string_view name) const { return Get(name).object_value().id(); }
  // The evaluated state of an object argument.
  template <class State>
  Result<State> Object(std::string_view name) const {
    return Resolve<State>(IdOf(name));
  }
  // The evaluated state of the object with this ID.
  template <class State>
  Result<State> Resolve(const std::string& id) const;

 private:
  // The argument's value (absent when not given); reading an undeclared argument is a bug.
  const v1::Value& Get(std::string_view name) const;
  Result<SecretState> Secret(const std::string& id) const;

  CoreServices& services_;
  const v1::Call& call_;
  const CoreFunction& function_;
};

template <class State>
Result<State> CoreCall::Resolve(const std::string& id) const {
  if constexpr (std::is_same_v<State, QueryState>) {
    return QueryState{};
  } else if constexpr (std::is_same_v<State, SecretState>) {
    return Secret(id);
  } else {
    return evaluator().template Evaluate<State>(id);
  }
}

// A lazy function's build step: makes the state of the object it returns.
template <class State>
using CoreBuild = std::function<Result<State>(CoreCall&)>;
// A function that returns a value now.
using CoreLeaf = std::function<Result<v1::Value>(CoreCall&)>;

// One core function: where it is declared, its schema entry and its implementation.
struct CoreFunction {
  v1::FunctionDef def;
  std::string object;  // the object it is a function of
  std::variant<std::monostate, CoreLeaf, CoreBuild<ContainerState>, CoreBuild<Snapshot>,
               CoreBuild<FileState>, CoreBuild<CacheVolumeState>, CoreBuild<HostState>>
      impl;
  // Whether its build evaluates the receiver before anything else (so the receiver may be
  // evaluated ahead of it).
  bool receiver_first = false;

  // Whether calling it makes a lazy object (evaluated when something needs it).
  bool lazy() const { return impl.index() >= 2; }
};

// Types, arguments and values for declarations.
namespace decl {

// A type of the schema.
v1::TypeRef Type(v1::TypeKind kind, const char* name = "");
inline v1::TypeRef String() { return Type(v1::TYPE_KIND_STRING); }
inline v1::TypeRef Int() { return Type(v1::TYPE_KIND_INT); }
inline v1::TypeRef Boolean() { return Type(v1::TYPE_KIND_BOOLEAN); }
inline v1::TypeRef Enum(const char* name) { return Type(v1::TYPE_KIND_ENUM, name); }
// [String].
v1::TypeRef Strings();
// The core object whose state is State.
template <class State>
v1::TypeRef Object() {
  return Type(v1::TYPE_KIND_OBJECT, CoreTypeOf<State>::kName);
}

// A required argument.
v1::ArgDef Arg(const char* name, v1::TypeRef type, const char* description);
// An argument with a default value.
v1::ArgDef Default(const char* name, v1::TypeRef type, const char* description, v1::Value value);

// Values, for defaults.
v1::Value Text(std::string text);
v1::Value Number(int64_t number);
v1::Value Flag(bool flag);
v1::Value EnumValue(const char* name);
v1::Value EmptyList();

// The schema type of a value a function returns now.
template <class T>
v1::TypeRef TypeOf();
template <>
inline v1::TypeRef TypeOf<std::string>() {
  return String();
}
template <>
inline v1::TypeRef TypeOf<int64_t>() {
  return Int();
}
template <>
inline v1::TypeRef TypeOf<bool>() {
  return Boolean();
}
template <>
inline v1::TypeRef TypeOf<std::vector<std::string>>() {
  return Strings();
}
template <>
inline v1::TypeRef TypeOf<std::optional<std::string>>() {
  v1::TypeRef t = String();
  t.set_optional(true);
  return t;
}

// A value as the wire carries it.
v1::Value ToValue(const std::string& text);
v1::Value ToValue(int64_t number);
v1::Value ToValue(bool flag);
v1::Value ToValue(const std::vector<std::string>& texts);
v1::Value ToValue(const std::optional<std::string>& text);
// An object reference.
v1::Value ObjectValue(const char* type, const std::string& id);

template <class T>
struct ObjectIdType : std::false_type {};
template <class State>
struct ObjectIdType<ObjectId<State>> : std::true_type {
  using StateType = State;
};

// Whether a function returning State makes a lazy object.
template <class State>
constexpr bool kIsLazy =
    std::is_same_v<State, ContainerState> || std::is_same_v<State, Snapshot> ||
    std::is_same_v<State, FileState> || std::is_same_v<State, CacheVolumeState> ||
    std::is_same_v<State, HostState>;

template <class R>
struct ResultOf;
template <class T>
struct ResultOf<Result<T>> {
  using type = T;
};

}  // namespace decl

class CoreCatalog;

// Declares the functions of one core object, whose evaluated state is Receiver.
template <class Receiver>
class CoreObject {
 public:
  CoreObject(CoreCatalog* catalog, int index) : catalog_(catalog), index_(index) {}

  // Adds a function. impl takes (CoreCall&, const Receiver&), the receiver evaluated first, or
  // (CoreCall&) when it evaluates what it needs itself. What it returns says what the function
  // returns: Result<State> of a lazy core type (Container, Directory, File, CacheVolume, Host)
  // makes a lazy object whose build step is impl; Result<T> of a value (std::string, int64_t,
  // bool, std::vector<std::string>, std::optional<std::string>, ObjectId<State>) is returned now.
  template <class F>
  CoreObject& Fn(const char* name, const char* description, std::initializer_list<v1::ArgDef> args,
                 F impl, v1::CachePolicy cache = v1::CACHE_POLICY_PERSISTENT);

 private:
  CoreCatalog* catalog_;
  int index_;
};

// Every core function, and the core module's schema derived from them.
class CoreCatalog {
 public:
  // The catalog of this build (declared once, on first use).
  static const CoreCatalog& Get();

  // The function, or nullptr.
  const CoreFunction* Find(std::string_view object, std::string_view function) const;
  // The core module's schema.
  const v1::ModuleDef& schema() const { return schema_; }
  // Every function, by object and name.
  const std::map<std::string, std::map<std::string, CoreFunction, std::less<>>, std::less<>>&
  functions() const {
    return functions_;
  }

  // Declares an object whose state is State.
  template <class State>
  CoreObject<State> Object(const char* description) {
    return CoreObject<State>(this, AddObject(CoreTypeOf<State>::kName, description));
  }
  // Declares an enum with its values and their docs.
  void Enum(const char* name, const char* description,
            std::initializer_list<std::pair<const char*, const char*>> values);
  // Adds a declared function to the object with this index (a duplicate is a bug).
  void Add(int object_index, CoreFunction function);

 private:
  CoreCatalog();
  int AddObject(const char* name, const char* description);
  // Aborts on a declaration that names an unknown type (a bug of the declarations).
  void CheckTypes() const;

  v1::ModuleDef schema_;
  std::map<std::string, std::map<std::string, CoreFunction, std::less<>>, std::less<>> functions_;
};

template <class Receiver>
template <class F>
CoreObject<Receiver>& CoreObject<Receiver>::Fn(const char* name, const char* description,
                                               std::initializer_list<v1::ArgDef> args, F impl,
                                               v1::CachePolicy cache) {
  constexpr bool kTakesReceiver = std::is_invocable_v<F&, CoreCall&, const Receiver&>;
  using R = typename std::conditional_t<kTakesReceiver,
                                        std::invoke_result<F&, CoreCall&, const Receiver&>,
                                        std::invoke_result<F&, CoreCall&>>::type;
  using Out = typename decl::ResultOf<R>::type;
  auto run = [impl = std::move(impl)](CoreCall& c) -> Result<Out> {
    if constexpr (kTakesReceiver) {
      Result<Receiver> receiver = c.Resolve<Receiver>(c.receiver());
      if (!receiver.ok()) return receiver.status();
      return impl(c, *receiver);
    } else {
      return impl(c);
    }
  };
  CoreFunction function;
  function.object = CoreTypeOf<Receiver>::kName;
  function.def.set_name(name);
  function.def.set_description(description);
  for (const auto& a : args) *function.def.add_args() = a;
  function.def.set_cache(cache);
  function.receiver_first = kTakesReceiver;
  if constexpr (decl::kIsLazy<Out>) {
    *function.def.mutable_return_type() = decl::Object<Out>();
    function.impl = CoreBuild<Out>(std::move(run));
  } else if constexpr (decl::ObjectIdType<Out>::value) {
    using State = typename decl::ObjectIdType<Out>::StateType;
    *function.def.mutable_return_type() = decl::Object<State>();
    function.impl = CoreLeaf([run = std::move(run)](CoreCall& c) -> Result<v1::Value> {
      Result<Out> out = run(c);
      if (!out.ok()) return out.status();
      return decl::ObjectValue(CoreTypeOf<State>::kName, out->id);
    });
  } else {
    *function.def.mutable_return_type() = decl::TypeOf<Out>();
    function.impl = CoreLeaf([run = std::move(run)](CoreCall& c) -> Result<v1::Value> {
      Result<Out> out = run(c);
      if (!out.ok()) return out.status();
      return decl::ToValue(*out);
    });
  }
  catalog_->Add(index_, std::move(function));
  return *this;
}

// The declarations, one function per core type, each in the file of its type.
void DeclareQuery(CoreCatalog& catalog);
void DeclareHost(CoreCatalog& catalog);
void DeclareDirectory(CoreCatalog& catalog);
void DeclareFile(CoreCatalog& catalog);
void DeclareContainer(CoreCatalog& catalog);
void DeclareCacheVolume(CoreCatalog& catalog);
void DeclareSecret(CoreCatalog& catalog);

}  // namespace host

#endif  // HOST_TYPES_CORE_FUNCTION_H_
