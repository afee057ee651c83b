// The public C++ API (host/engine.h) over the runtime. Every entry point catches every exception:
// out of memory and the like become a failed Status, as in the C API.
#include "host/engine.h"

#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "core/api/chain.h"
#include "core/base/install_prefix.h"
#include "core/engine/engine.h"

namespace host {
namespace {

// Runs body, turning a thrown exception into a failed Status; body returns a Result or Status.
template <class R, class Body>
R Guarded(Body body) {
  try {
    return body();
  } catch (const std::exception& e) {
    return Status::Failed(std::string("internal error: ") + e.what());
  } catch (...) {
    return Status::Failed("internal error: unknown exception");
  }
}

// The error of a call on an Engine that was moved from.
Status MovedFrom() {
  return Status::Usage("this host::Engine was moved from; use the engine it was moved to");
}

// A type as users read it, with '?' when the value may be absent: "[String]", "Secret?".
std::string TypeText(const v1::TypeRef& type) {
  return TypeRegistry::TypeName(type) + (type.optional() ? "?" : "");
}

// What a member declares, as FunctionInfo says it.
FunctionInfo Describe(const MemberInfo& member) {
  FunctionInfo info;
  info.object = member.object->def->name();
  info.name = member.cli_name;
  info.description = member.description();
  info.returns = TypeText(member.return_type());
  info.is_field = member.kind == MemberInfo::Kind::kField;
  for (int i = 0; i < member.args().size(); ++i) {
    const v1::ArgDef& def = member.args().Get(i);
    info.args.push_back(ArgInfo{member.arg_keys[static_cast<size_t>(i)], TypeText(def.type()),
                                def.description(), def.has_default_value()});
  }
  return info;
}

// Runtime options from the public ones: the defaults, with what options set.
RuntimeOptions ToRuntimeOptions(EngineOptions options) {
  RuntimeOptions runtime;
  if (!options.state_dir.empty()) runtime.state_dir = std::move(options.state_dir);
  runtime.module_path.insert(runtime.module_path.begin(), options.module_dirs.begin(),
                             options.module_dirs.end());
  runtime.progress = options.progress;
  runtime.log = options.log;
  runtime.isolate = options.isolate;
  runtime.max_result_size = options.max_result_size;
  return runtime;
}

}  // namespace

struct Engine::Impl {
  explicit Impl(RuntimeOptions options) : runtime(std::move(options)) {}

  Runtime runtime;  // the engine itself

  // Runs steps from module's main object, or from start when it is not null.
  Result<v1::Value> RunChain(std::string_view module, const v1::Value* start,
                             const std::vector<CallStep>& steps) const {
    std::vector<std::vector<api::ChainArg>> args(steps.size());
    std::vector<api::ChainStep> chain(steps.size());
    for (size_t i = 0; i < steps.size(); ++i) {
      for (const CallArg& arg : steps[i].args) {
        api::ChainArg given;
        given.name = arg.name.c_str();
        if (arg.text) {
          given.text = arg.text->c_str();
        } else {
          given.value = &arg.value;
        }
        args[i].push_back(given);
      }
      chain[i] = api::ChainStep{steps[i].function.c_str(), args[i].data(), args[i].size()};
    }
    return api::RunChain(runtime, module, start, chain.data(), chain.size());
  }
};

Engine::Engine(EngineOptions options)
    : impl_(std::make_unique<Impl>(ToRuntimeOptions(std::move(options)))) {}

Engine::~Engine() = default;
Engine::Engine(Engine&& other) noexcept = default;
Engine& Engine::operator=(Engine&& other) noexcept = default;

Result<ModuleSummary> Engine::Load(std::string_view module) {
  return Guarded<Result<ModuleSummary>>([&]() -> Result<ModuleSummary> {
    if (!impl_) return MovedFrom();
    Result<const ModuleInfo*> loaded = impl_->runtime.Load(module);
    if (!loaded.ok()) return loaded.status();
    const v1::ModuleDef& def = (*loaded)->def;
    ModuleSummary summary{def.name(), def.version(), def.description(), def.main_object(), {}};
    if (const LoadedModule* found = impl_->runtime.FindLoaded(def.name())) {
      summary.location = found->path();
    }
    return summary;
  });
}

Result<std::vector<FunctionInfo>> Engine::Functions(std::string_view module) const {
  return Guarded<Result<std::vector<FunctionInfo>>>([&]() -> Result<std::vector<FunctionInfo>> {
    if (!impl_) return MovedFrom();
    const TypeRegistry& registry = impl_->runtime.registry();
    const ModuleInfo* info = registry.FindModule(module);
    if (info == nullptr) {
      return Status::Usage("module '" + std::string(module) +
                           "' is not loaded; load it first (Engine::Load)");
    }
    std::vector<FunctionInfo> functions;
    for (const v1::ObjectDef& def : info->def.objects()) {
      const ObjectInfo* object = registry.FindObject(def.name());
      if (object == nullptr) continue;
      for (const auto& [name, member] : object->members) functions.push_back(Describe(member));
    }
    return functions;
  });
}

Result<v1::Value> Engine::Run(std::string_view module, const std::vector<CallStep>& steps) const {
  return Guarded<Result<v1::Value>>([&]() -> Result<v1::Value> {
    if (!impl_) return MovedFrom();
    return impl_->RunChain(module, nullptr, steps);
  });
}

Result<v1::Value> Engine::RunOn(const v1::Value& object, const std::vector<CallStep>& steps) const {
  return Guarded<Result<v1::Value>>([&]() -> Result<v1::Value> {
    if (!impl_) return MovedFrom();
    return impl_->RunChain("", &object, steps);
  });
}

Result<v1::Value> Engine::Call(const v1::Call& call) const {
  return Guarded<Result<v1::Value>>([&]() -> Result<v1::Value> {
    if (!impl_) return MovedFrom();
    return impl_->runtime.Call(call);
  });
}

std::filesystem::path Engine::InstallPrefix() { return host::InstallPrefix(); }

}  // namespace host
