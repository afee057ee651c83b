// The interface between host and libhost-grpc.so, the plugin holding the gRPC servers and clients
// of the Engine service (sdk/proto/host/v1/engine.proto) and the Module service (module.proto).
// gRPC pulls in some 60 shared libraries and ~20 ms of start-up, so only `host serve`,
// `host --engine` and out-of-process modules load it, on demand. The interface is plain C++ with
// no wire types in it, so both sides must come from one build: the loader refuses a plugin of
// another build (its build ID, core/base/plugin_library.h) before using it.
#ifndef HOST_REMOTE_GRPC_PLUGIN_H_
#define HOST_REMOTE_GRPC_PLUGIN_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace host::remote {

// One call of a chain as bytes: a serialized host.v1.Call, and whether its receiver is the
// previous step's result.
struct WireStep {
  std::string call;
  bool on_previous = false;
};

// What a chain came to: a serialized host.v1.Value, or a failure.
struct ChainOutcome {
  bool malformed = false;  // the request itself was not valid (garbage bytes): INVALID_ARGUMENT
  Status status;           // ok: value holds the result
  std::string value;
};

// A line of the engine's output, for the Watch RPC.
struct EngineEvent {
  enum class Kind { kProgress = 1, kLog = 2 };
  Kind kind = Kind::kProgress;
  std::string text;      // without its newline
  uint64_t dropped = 0;  // events left out just before this one (the reader was too slow)
};

// The engine's output from the moment of subscribing, for one reader.
class EventSubscription {
 public:
  virtual ~EventSubscription() = default;
  // The next event, waiting up to wait; false when none came.
  virtual bool Next(EngineEvent* event, std::chrono::milliseconds wait) = 0;
};

// The engine a server serves, implemented by host (core/remote/engine_backend.cc). Thread-safe.
class EngineBackend {
 public:
  virtual ~EngineBackend() = default;
  // Loads a module; the result is its serialized host.v1.ModuleDef.
  virtual Result<std::string> Load(const std::string& ref) = 0;
  // Serialized host.v1.ModuleDef of the named modules (empty: all), in no particular order.
  virtual Result<std::vector<std::string>> Describe(const std::vector<std::string>& names) = 0;
  // Runs a chain of calls; context is the CallRequest's (set by module processes only).
  virtual ChainOutcome Call(const std::vector<WireStep>& steps, const std::string& context) = 0;
  // Writes a module process's log line for the call in progress context; false when no such
  // call runs.
  virtual bool Log(int level, const std::string& message, const std::string& context) = 0;
  // Subscribes to the engine's output; null when this server does not offer it.
  virtual std::unique_ptr<EventSubscription> Watch() { return nullptr; }
};

// Where and how a server listens.
struct ServeOptions {
  std::string listen;  // unix:///PATH or tcp://HOST:PORT
  std::string token;   // required bearer token; empty: none (unix sockets only)
  // Called once the server listens, with the address it really listens on (a tcp port 0
  // becomes the one picked).
  void (*on_listening)(const std::string& address) = nullptr;
};

// A connection to a remote engine, implemented by the plugin. Thread-safe.
class EngineClient {
 public:
  virtual ~EngineClient() = default;
  // Loads a module on the server; the result is its serialized host.v1.ModuleDef.
  virtual Result<std::string> Load(const std::string& ref) = 0;
  // Serialized host.v1.ModuleDef of the named modules (empty: all), in no particular order.
  virtual Result<std::vector<std::string>> Describe(const std::vector<std::string>& names) = 0;
  // Runs a chain of calls on the server; the result is a serialized host.v1.Value. context is
  // set by module processes only: the invoke making the calls.
  virtual Result<std::string> Call(const std::vector<WireStep>& steps,
                                   const std::string& context = "") = 0;
  // Writes a log line for the invoke in progress context (module processes only).
  virtual Status Log(int level, const std::string& message, const std::string& context) = 0;
};

// A module's schema as its process describes it.
struct DescribedModule {
  std::string module;  // serialized host.v1.ModuleDef
  std::string build_info;
};

// How an invoke of a module process ended.
struct InvokeOutcome {
  enum class Transport {
    kAnswered,     // the process answered: value or error below
    kTimedOut,     // no answer before the deadline
    kUnreachable,  // the connection failed or broke (the process may be gone)
  };
  Transport transport = Transport::kAnswered;
  std::string detail;   // what the transport said, when it did not answer
  bool failed = false;  // bytes is a serialized host.v1.Error, not a host.v1.Value
  bool invalid_argument = false;
  std::string bytes;
};

// The Module service of one module process, implemented by the plugin. Thread-safe.
class ModuleClient {
 public:
  virtual ~ModuleClient() = default;
  // Asks for the schema, waiting for the process to serve until deadline. A usage error is the
  // process's own answer (it could not describe itself); a failure is about the connection.
  virtual Result<DescribedModule> Describe(std::chrono::steady_clock::time_point deadline) = 0;
  // Runs one call (serialized host.v1.Call) as invoke context; timeout zero: none.
  virtual InvokeOutcome Invoke(std::string_view call, const std::string& context,
                               std::chrono::milliseconds timeout) = 0;
};

// What a module process serves, implemented by `host module-serve` over a shared object.
class ModuleBackend {
 public:
  virtual ~ModuleBackend() = default;
  // The schema.
  virtual Result<DescribedModule> Describe() = 0;
  // Runs one call as invoke context; transport is always kAnswered.
  virtual InvokeOutcome Invoke(std::string_view call, const std::string& context) = 0;
};

// A server running on the plugin's threads; destroying it stops it.
class RunningServer {
 public:
  virtual ~RunningServer() = default;
};

// The gRPC target of an engine address: unix:///PATH as it is, tcp://HOST:PORT as HOST:PORT; empty
// when the address is neither.
inline std::string GrpcTarget(const std::string& address) {
  if (address.rfind("unix://", 0) == 0) return address;
  if (address.rfind("tcp://", 0) == 0) return address.substr(6);
  return {};
}

// The plugin's entry points (extern "C", looked up with dlsym).
// Serves backend until the process is interrupted (SIGINT, SIGTERM); returns why it stopped.
using ServeFn = Status (*)(EngineBackend* backend, const ServeOptions& options);
inline constexpr char kServeSymbol[] = "host_grpc_serve";
// Connects to address (unix:///PATH or tcp://HOST:PORT) with a bearer token (may be empty).
using ConnectFn = EngineClient* (*)(const std::string& address, const std::string& token,
                                    std::string* error);
inline constexpr char kConnectSymbol[] = "host_grpc_connect";

// Starts serving backend without blocking; on failure returns null and says why in *error.
using StartFn = RunningServer* (*)(EngineBackend* backend, const ServeOptions& options,
                                   std::string* error);
inline constexpr char kStartSymbol[] = "host_grpc_start";
// Connects to the Module service of a module process at address (unix:///PATH).
using ConnectModuleFn = ModuleClient* (*)(const std::string& address);
inline constexpr char kConnectModuleSymbol[] = "host_grpc_connect_module";
// Serves backend's Module service on listen (unix:///PATH) until SIGINT or SIGTERM.
using ServeModuleFn = Status (*)(ModuleBackend* backend, const std::string& listen);
inline constexpr char kServeModuleSymbol[] = "host_grpc_serve_module";

// Loads libhost-grpc.so ($HOST_GRPC_LIB, else <prefix>/lib/host/) once and finds its entry
// points.
Result<ServeFn> LoadServe();
// The same for the client's entry point.
Result<ConnectFn> LoadConnect();
// The same for starting a server in the background.
Result<StartFn> LoadStart();
// The same for connecting to a module process.
Result<ConnectModuleFn> LoadConnectModule();
// The same for serving a module.
Result<ServeModuleFn> LoadServeModule();

}  // namespace host::remote

#endif  // HOST_REMOTE_GRPC_PLUGIN_H_
