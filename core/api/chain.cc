#include "core/api/chain.h"

#include <algorithm>
#include <string>
#include <vector>

#include "core/api/arg_value.h"
#include "core/api/handles.h"
#include "core/base/names.h"

namespace host::api {
namespace {

// How errors name a member: "function 'bump'", "field 'major'", "the constructor of Semver".
std::string Subject(const MemberInfo& member) {
  switch (member.kind) {
    case MemberInfo::Kind::kConstructor:
      return "the constructor of " + member.object->def->name();
    case MemberInfo::Kind::kField:
      return "field '" + member.cli_name + "'";
    case MemberInfo::Kind::kFunction:
      break;
  }
  return "function '" + member.cli_name + "'";
}

// The member of object a step names.
Result<const MemberInfo*> FindMember(const ObjectInfo& object, const char* function) {
  const std::string key = KebabCase(function);
  if (auto it = object.members.find(key); it != object.members.end()) return &it->second;
  std::vector<std::string> names;
  for (const auto& [name, member] : object.members) names.push_back(name);
  return Status::Usage(object.def->name() + " has no function '" + function + "'" +
                       DidYouMean(key, names));
}

// The call of member on receiver (null for a constructor) with the step's arguments.
Result<v1::Call> MakeCall(const Runtime& engine, const MemberInfo& member,
                          const v1::ObjectValue* receiver, const ChainStep& step) {
  v1::Call call;
  call.set_module(member.object->module->def.name());
  call.set_object(member.object->def->name());
  if (receiver != nullptr) *call.mutable_receiver() = *receiver;
  if (member.kind == MemberInfo::Kind::kField) call.set_function(member.field->name());
  if (member.kind == MemberInfo::Kind::kFunction) call.set_function(member.function->name());
  if (step.arg_count > 0 && step.args == nullptr) {
    return Status::Usage(Subject(member) + ": arg_count is " + std::to_string(step.arg_count) +
                         " but args is NULL");
  }
  for (size_t i = 0; i < step.arg_count; ++i) {
    const ChainArg& arg = step.args[i];
    if (arg.name == nullptr || *arg.name == '\0') {
      return Status::Usage(Subject(member) + ": argument " + std::to_string(i + 1) +
                           " has no name");
    }
    const std::string key = KebabCase(arg.name);
    const auto& keys = member.arg_keys;
    auto found = std::find(keys.begin(), keys.end(), key);
    if (found == keys.end()) {
      return Status::Usage(Subject(member) + " has no argument '" + arg.name + "'" +
                           DidYouMean(key, keys));
    }
    const v1::ArgDef& def = member.args().Get(static_cast<int>(found - keys.begin()));
    Result<v1::Value> value = ArgValue(engine, def, arg, "'" + key + "'");
    if (!value.ok()) return value.status().Prefixed(Subject(member) + ": ");
    auto* named = call.add_args();
    named->set_name(def.name());
    *named->mutable_value() = std::move(*value);
  }
  return call;
}

}  // namespace

Result<v1::Value> RunChain(const Runtime& engine, std::string_view module, const v1::Value* start,
                           const ChainStep* steps, size_t step_count) {
  const TypeRegistry& registry = engine.registry();
  if (step_count > 0 && steps == nullptr) {
    return Status::Usage("step_count is " + std::to_string(step_count) + " but steps is NULL");
  }
  v1::Value current;
  const ObjectInfo* object = nullptr;
  size_t next = 0;
  if (start != nullptr) {
    if (start->kind_case() != v1::Value::kObjectValue) {
      return Status::Usage("a chain starts on an object, but the result given is not one");
    }
    object = registry.FindObject(start->object_value().type_name());
    if (object == nullptr) {
      return Status::Usage("no loaded module defines an object '" +
                           start->object_value().type_name() + "'");
    }
    if (step_count == 0) return Status::Usage("no function given to call");
    current = *start;
  } else {
    const ModuleInfo* info = registry.FindModule(module);
    if (info == nullptr) {
      return Status::Usage("module '" + std::string(module) +
                           "' is not loaded; load it first (host_engine_load)");
    }
    object = info->main;
    ChainStep constructor;
    if (step_count > 0 && (steps[0].function == nullptr || *steps[0].function == '\0')) {
      constructor = steps[0];
      next = 1;
    }
    Result<v1::Call> call = MakeCall(engine, object->constructor, nullptr, constructor);
    if (!call.ok()) return call.status();
    Result<v1::Value> made = engine.Call(std::move(*call));
    if (!made.ok()) return made.status();
    current = std::move(*made);
  }
  const MemberInfo* previous = nullptr;
  for (size_t i = next; i < step_count; ++i) {
    const ChainStep& step = steps[i];
    if (step.function == nullptr || *step.function == '\0') {
      return Status::Usage("step " + std::to_string(i + 1) +
                           " names no function; only the first step may be the constructor");
    }
    if (previous != nullptr) {
      object = current.kind_case() == v1::Value::kObjectValue
                   ? registry.FindObject(current.object_value().type_name())
                   : nullptr;
      if (object == nullptr) {
        return Status::Usage(Subject(*previous) + " returns " +
                             TypeRegistry::TypeName(previous->return_type()) +
                             ", so nothing can be chained after it (got '" + step.function + "')");
      }
    }
    Result<const MemberInfo*> member = FindMember(*object, step.function);
    if (!member.ok()) return member.status();
    Result<v1::Call> call = MakeCall(engine, **member, &current.object_value(), step);
    if (!call.ok()) return call.status();
    Result<v1::Value> result = engine.Call(std::move(*call));
    if (!result.ok()) return result.status();
    current = std::move(*result);
    previous = *member;
  }
  return current;
}

Result<v1::Value> RunChain(const Runtime& engine, std::string_view module, const v1::Value* start,
                           const host_step* steps, size_t step_count) {
  if (step_count > 0 && steps == nullptr) {
    return Status::Usage("step_count is " + std::to_string(step_count) + " but steps is NULL");
  }
  std::vector<std::vector<ChainArg>> args(step_count);
  std::vector<ChainStep> chain(step_count);
  for (size_t i = 0; i < step_count; ++i) {
    const host_step& step = steps[i];
    chain[i].function = step.function;
    chain[i].arg_count = step.arg_count;
    if (step.args == nullptr) continue;  // MakeCall reports it when arg_count is not 0
    for (size_t j = 0; j < step.arg_count; ++j) {
      const host_arg& arg = step.args[j];
      args[i].push_back(ChainArg{arg.name, arg.text, arg.json,
                                 arg.object != nullptr ? &arg.object->value : nullptr, true});
    }
    chain[i].args = args[i].data();
  }
  return RunChain(engine, module, start, chain.data(), chain.size());
}

}  // namespace host::api
