#include "core/engine/engine_backend.h"

#include <mutex>

#include "core/remote/sandbox.h"

namespace host::remote {

Result<std::string> LocalEngineBackend::Load(const std::string& ref) {
  std::unique_lock lock(mutex_);
  Result<const ModuleInfo*> module = engine_->Load(ref);
  if (!module.ok()) return module.status();
  return (*module)->def.SerializeAsString();
}

Result<std::vector<std::string>> LocalEngineBackend::Describe(
    const std::vector<std::string>& names) {
  std::shared_lock lock(mutex_);
  return DescribeModules(engine_->registry(), names);
}

Result<std::vector<std::string>> DescribeModules(const TypeRegistry& registry,
                                                 const std::vector<std::string>& names) {
  std::vector<std::string> defs;
  for (const std::string& name : names.empty() ? registry.ModuleNames() : names) {
    const ModuleInfo* module = registry.FindModule(name);
    if (module == nullptr) return Status::Usage("no module '" + name + "' is loaded");
    defs.push_back(module->def.SerializeAsString());
  }
  return defs;
}

ChainOutcome LocalEngineBackend::Call(const std::vector<WireStep>& steps,
                                      const std::string& context) {
  if (!context.empty()) {
    ChainOutcome outcome;
    outcome.malformed = true;
    outcome.status = Status::Usage(
        "this server runs no module processes: a call context belongs on a module's engine "
        "socket");
    return outcome;
  }
  std::shared_lock lock(mutex_);
  return RunChain(*engine_, steps, -1);
}

bool LocalEngineBackend::Log(int, const std::string&, const std::string&) { return false; }

ChainOutcome RunChain(const Runtime& engine, const std::vector<WireStep>& steps, int depth,
                      bool sandboxed) {
  ChainOutcome outcome;
  std::vector<v1::Call> calls(steps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    if (!calls[i].ParseFromString(steps[i].call)) {
      outcome.malformed = true;
      outcome.status = Status::Usage("step " + std::to_string(i + 1) + " is not a host.v1.Call");
      return outcome;
    }
  }
  if (calls.empty()) {
    outcome.malformed = true;
    outcome.status = Status::Usage("the chain has no steps");
    return outcome;
  }
  v1::Value value;
  for (size_t i = 0; i < calls.size(); ++i) {
    if (steps[i].on_previous) {
      if (value.kind_case() != v1::Value::kObjectValue) {
        outcome.status = Status::Usage("step " + std::to_string(i + 1) +
                                       " calls on the previous result, which is not an object");
        return outcome;
      }
      *calls[i].mutable_receiver() = std::move(*value.mutable_object_value());
    }
    if (sandboxed) {
      const v1::Call& call = calls[i];
      if (Status s = CheckSandboxedCall(call.module(), call.object(), call.receiver().type_name(),
                                        call.function());
          !s.ok()) {
        outcome.status = s;
        return outcome;
      }
    }
    Result<v1::Value> result = depth < 0 ? engine.Call(std::move(calls[i]))
                                         : engine.CallAt(std::move(calls[i]), depth + 1);
    if (!result.ok()) {
      outcome.status = result.status();
      return outcome;
    }
    value = std::move(*result);
  }
  outcome.value = value.SerializeAsString();
  return outcome;
}

}  // namespace host::remote
