// The client half of libhost-grpc.so: an EngineClient over a gRPC channel.
#include <grpcpp/grpcpp.h>

#include "core/remote/grpc_plugin.h"
#include "host/v1/engine.grpc.pb.h"

namespace host::remote {
namespace {

// A Status from a Failure message.
Status FromFailure(const v1::Failure& failure) {
  return failure.kind() == v1::Failure::KIND_USAGE ? Status::Usage(failure.message())
                                                   : Status::Failed(failure.message());
}

// A Status from a transport-level error.
Status FromGrpc(const grpc::Status& status, const std::string& address) {
  const bool usage = status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
                     status.error_code() == grpc::StatusCode::NOT_FOUND;
  std::string message = "engine " + address + ": " + status.error_message();
  return usage ? Status::Usage(message) : Status::Failed(message);
}

// The Engine service's client on one channel; each method is one RPC.
class GrpcEngineClient final : public EngineClient {
 public:
  GrpcEngineClient(std::string address, std::shared_ptr<grpc::Channel> channel, std::string token)
      : address_(std::move(address)),
        stub_(v1::Engine::NewStub(std::move(channel))),
        authorization_(token.empty() ? "" : "Bearer " + token) {}

  Result<std::string> Load(const std::string& ref) override {
    grpc::ClientContext context;
    Prepare(&context);
    v1::LoadRequest request;
    request.set_ref(ref);
    v1::LoadResponse response;
    grpc::Status status = stub_->Load(&context, request, &response);
    if (!status.ok()) return FromGrpc(status, address_);
    if (response.has_failure()) return FromFailure(response.failure());
    return std::move(*response.mutable_module());
  }

  Result<std::vector<std::string>> Describe(const std::vector<std::string>& names) override {
    grpc::ClientContext context;
    Prepare(&context);
    v1::DescribeRequest request;
    for (const std::string& name : names) request.add_modules(name);
    v1::DescribeResponse response;
    grpc::Status status = stub_->Describe(&context, request, &response);
    if (!status.ok()) return FromGrpc(status, address_);
    return std::vector<std::string>(response.modules().begin(), response.modules().end());
  }

  Result<std::string> Call(const std::vector<WireStep>& steps,
                           const std::string& call_context) override {
    grpc::ClientContext context;
    Prepare(&context);
    v1::CallRequest request;
    request.set_context(call_context);
    for (const WireStep& step : steps) {
      v1::Step* added = request.add_steps();
      added->set_call(step.call);
      added->set_on_previous(step.on_previous);
    }
    v1::CallResponse response;
    grpc::Status status = stub_->Call(&context, request, &response);
    if (!status.ok()) return FromGrpc(status, address_);
    if (response.has_failure()) return FromFailure(response.failure());
    return std::move(*response.mutable_value());
  }

  Status Log(int level, const std::string& message, const std::string& call_context) override {
    grpc::ClientContext context;
    Prepare(&context);
    v1::LogRequest request;
    request.set_level(level);
    request.set_message(message);
    request.set_context(call_context);
    v1::LogResponse response;
    grpc::Status status = stub_->Log(&context, request, &response);
    return status.ok() ? Status() : FromGrpc(status, address_);
  }

 private:
  // Adds the bearer token to a call's metadata.
  void Prepare(grpc::ClientContext* context) const {
    if (!authorization_.empty()) context->AddMetadata("authorization", authorization_);
  }

  std::string address_;
  std::unique_ptr<v1::Engine::Stub> stub_;
  std::string authorization_;
};

}  // namespace
}  // namespace host::remote

// Connects to a remote engine; see ConnectFn.
extern "C" __attribute__((visibility("default"))) host::remote::EngineClient* host_grpc_connect(
    const std::string& address, const std::string& token, std::string* error) {
  const std::string target = host::remote::GrpcTarget(address);
  if (target.empty()) {
    *error = "--engine takes unix:///PATH or tcp://HOST:PORT, not '" + address + "'";
    return nullptr;
  }
  auto channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  return new host::remote::GrpcEngineClient(address, std::move(channel), token);
}
