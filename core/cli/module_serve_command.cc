#include "core/cli/module_serve_command.h"

#include <cstdlib>
#include <iostream>
#include <memory>

#include "core/cli/cli.h"
#include "core/engine/engine.h"
#include "core/loader/call_context.h"
#include "core/loader/module_loader.h"
#include "core/remote/grpc_plugin.h"

namespace host::cli {
namespace {

// The runtime's engine, which the module's calls and logs go to.
remote::EngineClient* runtime_engine = nullptr;

// host_api.call in a module process: the call goes to the runtime with the invoke's context.
host_status ChildCall(host_context* ctx, host_bytes call, host_buffer* result, host_buffer* error) {
  *result = {nullptr, 0};
  *error = {nullptr, 0};
  if (ctx == nullptr || ctx->invoke == nullptr) {
    FillApiError("a module may only call through the graph while one of its functions runs", error);
    return HOST_STATUS_INVALID_ARGUMENT;
  }
  std::vector<remote::WireStep> steps = {
      {std::string(reinterpret_cast<const char*>(call.data), call.size), false}};
  Result<std::string> value = runtime_engine->Call(steps, *ctx->invoke);
  if (!value.ok()) {
    FillApiError(value.status().message(), error);
    return value.status().kind() == ErrorKind::kUsage ? HOST_STATUS_INVALID_ARGUMENT
                                                      : HOST_STATUS_ERROR;
  }
  const auto* data = reinterpret_cast<const uint8_t*>(value->data());
  return FillApiBuffer(data, value->size(), result) ? HOST_STATUS_OK : HOST_STATUS_ERROR;
}

// host_api.log in a module process: the line goes to the runtime, which scrubs secrets.
void ChildLog(host_context* ctx, host_log_level level, host_bytes message) {
  std::string text(reinterpret_cast<const char*>(message.data), message.size);
  if (ctx == nullptr || ctx->invoke == nullptr ||
      !runtime_engine->Log(level, text, *ctx->invoke).ok()) {
    Runtime::Api()->log(nullptr, level, message);
  }
}

const host_api kChildApi = {sizeof(host_api), Runtime::Api()->alloc, Runtime::Api()->free,
                            &ChildCall, &ChildLog};

// The Module service over a loaded shared object.
class SharedObjectBackend final : public remote::ModuleBackend {
 public:
  explicit SharedObjectBackend(const LoadedModule& module) : module_(module) {}

  Result<remote::DescribedModule> Describe() override {
    return remote::DescribedModule{module_.def().SerializeAsString(), module_.build_info()};
  }

  remote::InvokeOutcome Invoke(std::string_view call, const std::string& context) override {
    host_context ctx{nullptr, 0, &context};
    host_buffer result{nullptr, 0};
    host_buffer error{nullptr, 0};
    const host_status status =
        module_.Invoke(&ctx, host_bytes{reinterpret_cast<const uint8_t*>(call.data()), call.size()},
                       &result, &error);
    remote::InvokeOutcome outcome;
    outcome.failed = status != HOST_STATUS_OK;
    outcome.invalid_argument = status == HOST_STATUS_INVALID_ARGUMENT;
    const host_buffer& kept = outcome.failed ? error : result;
    if (kept.data != nullptr) outcome.bytes.assign(reinterpret_cast<char*>(kept.data), kept.size);
    Runtime::Api()->free(result.data);
    Runtime::Api()->free(error.data);
    return outcome;
  }

 private:
  const LoadedModule& module_;
};

constexpr char kHelp[] =
    R"(Serve one shared-object module in a process of its own (started by 'host --isolate').

Usage:
  host module-serve OBJECT

The runtime that starts it sets HOST_MODULE_SOCKET (where to serve the Module service) and
HOST_ENGINE_SOCKET (its Engine service, for the module's calls and logs).
)";

}  // namespace

int RunModuleServe(const std::vector<std::string>& args) {
  if (args.size() == 1 && (args[0] == "-h" || args[0] == "--help")) {
    std::cout << kHelp;
    return 0;
  }
  if (args.size() != 1)
    return Report(Status::Usage("module-serve takes one shared object\n" + std::string(kHelp)));
  const char* module_socket = std::getenv("HOST_MODULE_SOCKET");
  const char* engine_socket = std::getenv("HOST_ENGINE_SOCKET");
  if (module_socket == nullptr || engine_socket == nullptr) {
    return Report(
        Status::Usage("module-serve is started by the runtime ('host --isolate'), which sets "
                      "HOST_MODULE_SOCKET and HOST_ENGINE_SOCKET"));
  }
  Result<remote::ConnectFn> connect = remote::LoadConnect();
  if (!connect.ok()) return Report(connect.status());
  Result<remote::ServeModuleFn> serve = remote::LoadServeModule();
  if (!serve.ok()) return Report(serve.status());
  std::string error;
  std::unique_ptr<remote::EngineClient> engine((*connect)(engine_socket, "", &error));
  if (!engine) return Report(Status::Usage(error));
  runtime_engine = engine.get();
  Result<std::unique_ptr<LoadedModule>> module = LoadSharedModule(args[0], &kChildApi);
  if (!module.ok()) return Report(module.status());
  SharedObjectBackend backend(**module);
  return Report((*serve)(&backend, module_socket));
}

}  // namespace host::cli
