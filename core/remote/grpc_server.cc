// The server half of libhost-grpc.so: the Engine service over a backend, with bearer-token checks.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <chrono>

#include "core/remote/grpc_plugin.h"
#include "host/v1/engine.grpc.pb.h"

namespace host::remote {
namespace {

// Compares without stopping at the first difference, so timing tells nothing about the token.
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

// A Failure message from a Status.
void SetFailure(const Status& status, v1::Failure* failure) {
  failure->set_kind(status.kind() == ErrorKind::kUsage ? v1::Failure::KIND_USAGE
                                                       : v1::Failure::KIND_FAILED);
  failure->set_message(status.message());
}

// The Engine service over one backend; gRPC runs its methods on its thread pool.
class EngineService final : public v1::Engine::Service {
 public:
  EngineService(EngineBackend* backend, std::string token)
      : backend_(backend), expected_(token.empty() ? "" : "Bearer " + token) {}

  grpc::Status Load(grpc::ServerContext* context, const v1::LoadRequest* request,
                    v1::LoadResponse* response) override {
    if (!Authorized(*context)) return Unauthenticated();
    Result<std::string> def = backend_->Load(request->ref());
    if (def.ok()) {
      response->set_module(std::move(*def));
    } else {
      SetFailure(def.status(), response->mutable_failure());
    }
    return grpc::Status::OK;
  }

  grpc::Status Describe(grpc::ServerContext* context, const v1::DescribeRequest* request,
                        v1::DescribeResponse* response) override {
    if (!Authorized(*context)) return Unauthenticated();
    std::vector<std::string> names(request->modules().begin(), request->modules().end());
    Result<std::vector<std::string>> defs = backend_->Describe(names);
    if (!defs.ok()) return grpc::Status(grpc::StatusCode::NOT_FOUND, defs.status().message());
    for (std::string& def : *defs) response->add_modules(std::move(def));
    return grpc::Status::OK;
  }

  grpc::Status Call(grpc::ServerContext* context, const v1::CallRequest* request,
                    v1::CallResponse* response) override {
    if (!Authorized(*context)) return Unauthenticated();
    std::vector<WireStep> steps;
    steps.reserve(static_cast<size_t>(request->steps_size()));
    for (const v1::Step& step : request->steps())
      steps.push_back({step.call(), step.on_previous()});
    ChainOutcome outcome = backend_->Call(steps, request->context());
    if (outcome.malformed) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, outcome.status.message());
    }
    if (outcome.status.ok()) {
      response->set_value(std::move(outcome.value));
    } else {
      SetFailure(outcome.status, response->mutable_failure());
    }
    return grpc::Status::OK;
  }

  grpc::Status Watch(grpc::ServerContext* context, const v1::WatchRequest*,
                     grpc::ServerWriter<v1::Event>* writer) override {
    if (!Authorized(*context)) return Unauthenticated();
    std::unique_ptr<EventSubscription> events = backend_->Watch();
    if (!events) return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "this server has no output");
    // The server's shutdown cancels the stream, so a waiting reader ends with it.
    while (!context->IsCancelled()) {
      EngineEvent event;
      if (!events->Next(&event, std::chrono::milliseconds(100))) continue;
      v1::Event message;
      message.set_kind(event.kind == EngineEvent::Kind::kLog ? v1::Event::KIND_LOG
                                                             : v1::Event::KIND_PROGRESS);
      message.set_text(std::move(event.text));
      message.set_dropped(event.dropped);
      if (!writer->Write(message)) break;
    }
    return grpc::Status::OK;
  }

  grpc::Status Log(grpc::ServerContext* context, const v1::LogRequest* request,
                   v1::LogResponse*) override {
    if (!Authorized(*context)) return Unauthenticated();
    if (!backend_->Log(request->level(), request->message(), request->context())) {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          "no call of a module process runs with this context");
    }
    return grpc::Status::OK;
  }

 private:
  // Whether the request carries the expected bearer token (always, when none is required).
  bool Authorized(const grpc::ServerContext& context) const {
    if (expected_.empty()) return true;
    auto found = context.client_metadata().find("authorization");
    if (found == context.client_metadata().end()) return false;
    return ConstantTimeEquals(std::string_view(found->second.data(), found->second.size()),
                              expected_);
  }

  static grpc::Status Unauthenticated() {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "a valid bearer token is required");
  }

  EngineBackend* backend_;
  std::string expected_;  // "Bearer TOKEN", or empty
};

// A server started in the background, stopped when destroyed.
class BackgroundServer final : public RunningServer {
 public:
  BackgroundServer(EngineBackend* backend, const std::string& token) : service_(backend, token) {}
  ~BackgroundServer() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }
  EngineService service_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace
}  // namespace host::remote

// Starts serving in the background; see StartFn.
extern "C" __attribute__((visibility("default"))) host::remote::RunningServer* host_grpc_start(
    host::remote::EngineBackend* backend, const host::remote::ServeOptions& options,
    std::string* error) {
  const std::string address = host::remote::GrpcTarget(options.listen);
  if (address.empty() || options.listen.rfind("unix://", 0) != 0) {
    *error =
        "a background engine server listens on unix:///PATH only, not '" + options.listen + "'";
    return nullptr;
  }
  auto running = std::make_unique<host::remote::BackgroundServer>(backend, options.token);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials());
  builder.RegisterService(&running->service_);
  running->server_ = builder.BuildAndStart();
  if (!running->server_) {
    *error = "cannot listen on " + options.listen;
    return nullptr;
  }
  if (options.on_listening) options.on_listening(options.listen);
  return running.release();
}

// Serves until SIGINT or SIGTERM; see ServeFn.
extern "C" __attribute__((visibility("default"))) host::Status host_grpc_serve(
    host::remote::EngineBackend* backend, const host::remote::ServeOptions& options) {
  using host::Status;
  const std::string address = host::remote::GrpcTarget(options.listen);
  if (address.empty()) {
    return Status::Usage("--listen takes unix:///PATH or tcp://HOST:PORT, not '" + options.listen +
                         "'");
  }
  const bool tcp = options.listen.rfind("tcp://", 0) == 0;
  if (tcp && options.token.empty()) {
    return Status::Usage("serving on tcp needs a token: --token-file FILE or HOST_SERVE_TOKEN");
  }
  // The signals are taken by sigwait below; every gRPC thread inherits the blocked mask.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  host::remote::EngineService service(backend, options.token);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), tcp ? &port : nullptr);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || (tcp && port == 0)) {
    return Status::Failed("cannot listen on " + options.listen);
  }
  std::string actual = options.listen;
  if (tcp) actual = "tcp://" + address.substr(0, address.rfind(':')) + ":" + std::to_string(port);
  if (options.on_listening) options.on_listening(actual);
  int signal = 0;
  sigwait(&stop, &signal);
  // Calls still running get a moment to finish, then are cancelled.
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  return {};
}
