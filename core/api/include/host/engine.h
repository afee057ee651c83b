// The C++ API for embedding host: an Engine loads modules, lists their functions and runs chains
// of calls on them. Values are the wire type host::v1::Value (<host/v1/wire.pb.h>), errors are
// values (host::Status, host::Result<T> of <host/status.h>), never exceptions.
//
// Ownership: everything passed in is copied or only read during the call; everything returned
// belongs to the caller and stays valid after the Engine is destroyed.
// Threads: construct, Load into and destroy an Engine from one thread at a time; Functions, Run,
// RunOn and Call may run from several threads at once on one Engine.
// Compatibility: this header, <host/status.h> and the wire types are the whole C++ surface of
// libhost.so; Engine holds only a pointer, so its layout does not change between releases.
#ifndef HOST_ENGINE_PUBLIC_H_
#define HOST_ENGINE_PUBLIC_H_

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host/status.h"
#include "host/v1/wire.pb.h"

namespace host {

// Settings for a new Engine; every member has a default.
struct EngineOptions {
  // The state folder (keys, images, caches); empty: $HOST_STATE_DIR, else the default folder.
  std::filesystem::path state_dir;
  // Folders searched for modules by name, in order, before the default module path.
  std::vector<std::filesystem::path> module_dirs;
  // Where module builds, pulls and steps are reported (borrowed; must outlive the Engine); null:
  // nowhere.
  std::ostream* progress = nullptr;
  // Where module log lines go (borrowed; must outlive the Engine); null: standard error.
  std::ostream* log = nullptr;
  // Run every shared-object module in a process of its own, so a crash fails only its calls.
  bool isolate = false;
  // The largest result, in bytes, a module function may return; unset: the config file's.
  std::optional<uint64_t> max_result_size;
};

// One named argument of a call: a typed value, or text read as the command line reads it.
struct CallArg {
  // An argument given as a value, checked against the argument's declared type.
  CallArg(std::string name, v1::Value value) : name(std::move(name)), value(std::move(value)) {}
  // An argument given as command-line text.
  static CallArg Text(std::string name, std::string text) {
    CallArg arg(std::move(name), v1::Value());
    arg.text = std::move(text);
    return arg;
  }

  // The argument's name, declared (snake_case) or as the CLI shows it (kebab-case).
  std::string name;
  // The value; ignored when text is set.
  v1::Value value;
  // The value as on the command line ("1.4.2", "MINOR", "a,b", a host path for a Directory, an
  // image address for a Container), read by the argument's declared type.
  std::optional<std::string> text;
};

// One call of a chain: a function (or field) of the object the step before returned.
struct CallStep {
  // The function's name, declared or kebab-case; empty in the first step: the constructor.
  std::string function;
  // The call's arguments, in any order.
  std::vector<CallArg> args;
};

// One argument a function declares.
struct ArgInfo {
  std::string name;  // as the CLI shows it (kebab-case)
  std::string type;  // as users read it: String, [String], Part, Container, with ? if optional
  std::string description;   // the declared description
  bool has_default = false;  // whether callers may leave it out
};

// One function (or field) an object offers.
struct FunctionInfo {
  std::string object;         // the object type it belongs to
  std::string name;           // as the CLI shows it (kebab-case)
  std::string description;    // the declared description
  std::vector<ArgInfo> args;  // in declared order
  std::string returns;        // the result type, as users read it
  bool is_field = false;      // a field, read like a function without arguments
};

// A loaded module.
struct ModuleSummary {
  std::string name;         // the name calls use
  std::string version;      // the declared version
  std::string description;  // the declared description
  std::string main_object;  // the object chains start from
  std::filesystem::path
      location;  // the folder or shared object it was loaded from; empty: built in
};

// Value makers for CallArg::value.
namespace values {
// A String value.
inline v1::Value String(std::string_view text) {
  v1::Value value;
  value.set_string_value(std::string(text));
  return value;
}
// A [String] value.
inline v1::Value Strings(const std::vector<std::string>& texts) {
  v1::Value value;
  auto* list = value.mutable_list_value();
  for (const std::string& text : texts) list->add_items()->set_string_value(text);
  return value;
}
// An Int value.
inline v1::Value Int(int64_t number) {
  v1::Value value;
  value.set_int_value(number);
  return value;
}
// A Float value.
inline v1::Value Float(double number) {
  v1::Value value;
  value.set_float_value(number);
  return value;
}
// A Boolean value.
inline v1::Value Boolean(bool on) {
  v1::Value value;
  value.set_bool_value(on);
  return value;
}
// An enum value, by its name.
inline v1::Value Enum(std::string_view name) {
  v1::Value value;
  value.set_enum_value(std::string(name));
  return value;
}
}  // namespace values

// Loads modules and runs chains of calls on them, in this process.
class Engine {
 public:
  // A new engine with the core types loaded; no module is loaded until Load.
  explicit Engine(EngineOptions options = {});
  // Stops the engine's module processes and frees it; values it returned stay valid.
  ~Engine();
  // Takes other's engine; other may then only be destroyed or assigned to.
  Engine(Engine&& other) noexcept;
  // Takes other's engine, freeing this one's; other may then only be destroyed or assigned to.
  Engine& operator=(Engine&& other) noexcept;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Loads a module and its dependencies: a name on the module path, a folder holding module.json
  // (built first when it has sources) or a shared object. Loading twice is a no-op.
  Result<ModuleSummary> Load(std::string_view module);

  // The functions and fields of every object of a loaded module ("core": the core types),
  // sorted by object and name.
  Result<std::vector<FunctionInfo>> Functions(std::string_view module) const;

  // Runs a chain from the main object of a loaded module ("core": the core types' Query) and
  // returns the last step's value. A first step with an empty function calls the constructor.
  Result<v1::Value> Run(std::string_view module, const std::vector<CallStep>& steps) const;

  // Runs a chain on an object an earlier Run returned (an object value), and returns the last
  // step's value.
  Result<v1::Value> RunOn(const v1::Value& object, const std::vector<CallStep>& steps) const;

  // Runs one call given in full as a wire message (module, object, function, receiver, args).
  Result<v1::Value> Call(const v1::Call& call) const;

  // Where host is installed: $HOST_PREFIX, else the folder above the one holding libhost.so.
  static std::filesystem::path InstallPrefix();

 private:
  struct Impl;                  // the runtime behind the engine
  std::unique_ptr<Impl> impl_;  // null once moved from
};

}  // namespace host

#endif  // HOST_ENGINE_PUBLIC_H_
