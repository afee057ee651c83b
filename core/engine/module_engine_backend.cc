// The Engine service as module processes see it: calls and logs carry the context of an invoke in
// progress, and modules cannot load other modules.
#include "core/engine/module_engine_backend.h"

#include "core/engine/engine_backend.h"

namespace host::remote {
namespace {

class ModuleEngineBackend final : public EngineBackend {
 public:
  ModuleEngineBackend(const Runtime& engine, const ModuleHost& host)
      : engine_(engine), host_(host) {}

  Result<std::string> Load(const std::string& ref) override {
    return Status::Usage("a module process cannot load '" + ref +
                         "': list the modules it calls as dependencies in its module.json");
  }

  Result<std::vector<std::string>> Describe(const std::vector<std::string>& names) override {
    return DescribeModules(engine_.registry(), names);
  }

  ChainOutcome Call(const std::vector<WireStep>& steps, const std::string& context) override {
    host_context ctx{};
    bool sandboxed = false;
    if (!host_.Find(context, &ctx, &sandboxed)) {
      ChainOutcome outcome;
      outcome.malformed = true;
      outcome.status = Status::Usage(
          context.empty() ? "a module process calls with the context of the invoke in progress "
                            "(InvokeRequest.context as CallRequest.context)"
                          : "the call context is unknown or its invoke has returned");
      return outcome;
    }
    return RunChain(engine_, steps, ctx.depth, sandboxed);
  }

  bool Log(int level, const std::string& message, const std::string& context) override {
    host_context ctx{};
    if (!host_.Find(context, &ctx)) return false;
    const auto* data = reinterpret_cast<const uint8_t*>(message.data());
    Runtime::Api()->log(&ctx, static_cast<host_log_level>(level), host_bytes{data, message.size()});
    return true;
  }

 private:
  const Runtime& engine_;
  const ModuleHost& host_;
};

}  // namespace

std::unique_ptr<EngineBackend> MakeModuleEngineBackend(const Runtime& engine,
                                                       const ModuleHost& host) {
  return std::make_unique<ModuleEngineBackend>(engine, host);
}

}  // namespace host::remote
