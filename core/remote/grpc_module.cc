// The Module service half of libhost-grpc.so: the runtime's client of a module process, and the
// server `host module-serve` runs for a shared object in a process of its own.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <chrono>

#include "core/remote/grpc_plugin.h"
#include "host/v1/module.grpc.pb.h"

namespace host::remote {
namespace {

// The Module service of one module process, on one channel.
class GrpcModuleClient final : public ModuleClient {
 public:
  explicit GrpcModuleClient(std::shared_ptr<grpc::Channel> channel)
      : stub_(v1::Module::NewStub(std::move(channel))) {}

  Result<DescribedModule> Describe(std::chrono::steady_clock::time_point deadline) override {
    grpc::ClientContext context;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    context.set_deadline(std::chrono::system_clock::now() + left);
    context.set_wait_for_ready(true);  // the process may have bound its socket but not listen yet
    v1::DescribeModuleRequest request;
    v1::DescribeModuleResponse response;
    grpc::Status status = stub_->Describe(&context, request, &response);
    if (!status.ok()) {
      switch (status.error_code()) {
        case grpc::StatusCode::DEADLINE_EXCEEDED:
          return Status::Failed("no answer to Describe");
        case grpc::StatusCode::UNAVAILABLE:
        case grpc::StatusCode::INTERNAL:
        case grpc::StatusCode::UNKNOWN:
          return Status::Failed("Describe failed: " + status.error_message());
        default:  // the process answered, with an error of its own
          return Status::Usage(status.error_message());
      }
    }
    return DescribedModule{std::move(*response.mutable_module()),
                           std::move(*response.mutable_build_info())};
  }

  InvokeOutcome Invoke(std::string_view call, const std::string& call_context,
                       std::chrono::milliseconds timeout) override {
    grpc::ClientContext context;
    if (timeout.count() > 0) context.set_deadline(std::chrono::system_clock::now() + timeout);
    v1::InvokeRequest request;
    request.set_call(call.data(), call.size());
    request.set_context(call_context);
    v1::InvokeResponse response;
    grpc::Status status = stub_->Invoke(&context, request, &response);
    InvokeOutcome outcome;
    if (!status.ok()) {
      outcome.transport = status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED
                              ? InvokeOutcome::Transport::kTimedOut
                              : InvokeOutcome::Transport::kUnreachable;
      outcome.detail = status.error_message();
      return outcome;
    }
    outcome.failed = response.outcome_case() == v1::InvokeResponse::kError;
    outcome.invalid_argument = response.invalid_argument();
    outcome.bytes = outcome.failed ? std::move(*response.mutable_error())
                                   : std::move(*response.mutable_value());
    return outcome;
  }

 private:
  std::unique_ptr<v1::Module::Stub> stub_;
};

// The Module service over a backend; gRPC runs its methods on its thread pool.
class ModuleService final : public v1::Module::Service {
 public:
  explicit ModuleService(ModuleBackend* backend) : backend_(backend) {}

  grpc::Status Describe(grpc::ServerContext*, const v1::DescribeModuleRequest*,
                        v1::DescribeModuleResponse* response) override {
    Result<DescribedModule> described = backend_->Describe();
    if (!described.ok()) {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, described.status().message());
    }
    response->set_module(std::move(described->module));
    response->set_build_info(std::move(described->build_info));
    return grpc::Status::OK;
  }

  grpc::Status Invoke(grpc::ServerContext*, const v1::InvokeRequest* request,
                      v1::InvokeResponse* response) override {
    InvokeOutcome outcome = backend_->Invoke(request->call(), request->context());
    if (outcome.failed) {
      response->set_error(std::move(outcome.bytes));
      response->set_invalid_argument(outcome.invalid_argument);
    } else {
      response->set_value(std::move(outcome.bytes));
    }
    return grpc::Status::OK;
  }

 private:
  ModuleBackend* backend_;
};

}  // namespace
}  // namespace host::remote

// Connects to a module process; see ConnectModuleFn.
extern "C" __attribute__((visibility("default"))) host::remote::ModuleClient*
host_grpc_connect_module(const std::string& address) {
  grpc::ChannelArguments arguments;
  // A module's socket is local: reconnect at once rather than after gRPC's default second.
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 10);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 10);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 100);
  auto channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), arguments);
  return new host::remote::GrpcModuleClient(std::move(channel));
}

// Serves a module until SIGINT or SIGTERM; see ServeModuleFn.
extern "C" __attribute__((visibility("default"))) host::Status host_grpc_serve_module(
    host::remote::ModuleBackend* backend, const std::string& listen) {
  using host::Status;
  if (listen.rfind("unix://", 0) != 0) {
    return Status::Usage("HOST_MODULE_SOCKET must be unix:///PATH, not '" + listen + "'");
  }
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  host::remote::ModuleService service(backend);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) return Status::Failed("cannot listen on " + listen);
  int signal = 0;
  sigwait(&stop, &signal);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
  return {};
}
