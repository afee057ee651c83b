// The type registry: every loaded module's objects, functions, fields and enums. It validates a
// module's schema when it is added and checks every call against it before the module sees it.
#ifndef HOST_REGISTRY_TYPE_REGISTRY_H_
#define HOST_REGISTRY_TYPE_REGISTRY_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/base/status.h"
#include "host/v1/wire.pb.h"

namespace host {

struct ObjectInfo;
struct ModuleInfo;

// Something callable on an object: a function, a field (read like a function) or the constructor.
struct MemberInfo {
  enum class Kind { kFunction, kField, kConstructor };
  Kind kind = Kind::kFunction;
  std::string cli_name;                       // kebab-case, as the CLI shows it
  const v1::FunctionDef* function = nullptr;  // kFunction, kConstructor (null: no arguments)
  const v1::FieldDef* field = nullptr;        // kField
  const ObjectInfo* object = nullptr;         // the object it belongs to
  std::vector<std::string> arg_keys;          // kebab-case argument names, in declared order
  // Set by the engine's function cache (FunctionCache::SetCheap) through std::atomic_ref: whether
  // the function's last run was too quick for its result to be worth keeping.
  alignas(std::atomic_ref<bool>::required_alignment) mutable bool ran_cheaply = false;

  // The declared description, for help and listings.
  const std::string& description() const;
  // The declared result type.
  const v1::TypeRef& return_type() const;
  // The declared arguments (empty for fields and argument-less constructors).
  const google::protobuf::RepeatedPtrField<v1::ArgDef>& args() const;
  // The cache policy (fields and constructors are persistent).
  v1::CachePolicy cache() const;
};

// An object type and its members, indexed by kebab-case name.
struct ObjectInfo {
  const v1::ObjectDef* def = nullptr;
  const ModuleInfo* module = nullptr;
  std::map<std::string, MemberInfo, std::less<>> members;  // sorted: listings come out in order
  std::map<std::string, const MemberInfo*, std::less<>> by_declared_name;
  MemberInfo constructor;
  v1::FunctionDef implicit_constructor;  // used when the module declares none: no arguments
};

// A module's schema as registered.
struct ModuleInfo {
  v1::ModuleDef def;
  const ObjectInfo* main = nullptr;
};

// Holds the schemas of all loaded modules. Not thread-safe for AddModule; lookups and call checks
// are safe to run concurrently once modules are added.
class TypeRegistry {
 public:
  TypeRegistry();
  TypeRegistry(const TypeRegistry&) = delete;
  TypeRegistry& operator=(const TypeRegistry&) = delete;

  // Validates a module's schema and adds it; the error names the object, function or argument.
  Result<const ModuleInfo*> AddModule(v1::ModuleDef def);

  // The module called name, or nullptr.
  const ModuleInfo* FindModule(std::string_view name) const;
  // The object type called name (any loaded module), or nullptr.
  const ObjectInfo* FindObject(std::string_view name) const;
  // The enum called name (any loaded module), or nullptr.
  const v1::EnumDef* FindEnum(std::string_view name) const;
  // The names of all loaded modules.
  std::vector<std::string> ModuleNames() const;

  // Finds the member a call targets, checks every argument, renames arguments to their declared
  // names and fills in defaults. Unknown names and wrong types are usage errors.
  // *changed (when given) says whether the call was modified, so callers holding its serialized
  // form can pass that on unchanged.
  Result<const MemberInfo*> PrepareCall(v1::Call* call, bool* changed = nullptr) const;

  // Checks that value has type; `what` names the value in the error ("argument --name").
  Status CheckValue(const v1::Value& value, const v1::TypeRef& type, std::string_view what) const;

  // Whether value has type: CheckValue's fast path, which builds no message.
  bool Conforms(const v1::Value& value, const v1::TypeRef& type) const;

  // A type as users read it: String, Int, [String], Part, Greeter.
  static std::string TypeName(const v1::TypeRef& type);

 private:
  Status ValidateType(const v1::TypeRef& type, const v1::ModuleDef& def, bool allow_void,
                      const std::string& where) const;
  Status Validate(const v1::ModuleDef& def) const;

  std::vector<std::unique_ptr<ModuleInfo>> modules_;
  std::map<std::string, std::unique_ptr<ObjectInfo>, std::less<>> objects_;
  std::map<std::string, const v1::EnumDef*, std::less<>> enums_;
};

// The closest name to `wanted` among candidates, as " (did you mean 'x'?)", or "".
std::string DidYouMean(std::string_view wanted, const std::vector<std::string>& candidates);

}  // namespace host

#endif  // HOST_REGISTRY_TYPE_REGISTRY_H_
