// The interface between host and libhost-grpc.so, the plugin holding the gRPC server and client
// of the Engine service (sdk/proto/host/v1/engine.proto). gRPC pulls in some 60 shared libraries
// and ~20 ms of start-up, so only `host serve` and `host --engine` load it, on demand. Both sides
// are built together from this tree: the interface is plain C++ with no wire types in it.
#ifndef HOST_REMOTE_GRPC_PLUGIN_H_
#define HOST_REMOTE_GRPC_PLUGIN_H_

#include <memory>
#include <string>
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

// The engine a server serves, implemented by host (core/remote/engine_backend.cc). Thread-safe.
class EngineBackend {
 public:
  virtual ~EngineBackend() = default;
  // Loads a module; the result is its serialized host.v1.ModuleDef.
  virtual Result<std::string> Load(const std::string& ref) = 0;
  // Serialized host.v1.ModuleDef of the named modules (empty: all), in no particular order.
  virtual Result<std::vector<std::string>> Describe(const std::vector<std::string>& names) = 0;
  // Runs a chain of calls.
  virtual ChainOutcome Call(const std::vector<WireStep>& steps) = 0;
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
  // Runs a chain of calls on the server; the result is a serialized host.v1.Value.
  virtual Result<std::string> Call(const std::vector<WireStep>& steps) = 0;
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

// Loads libhost-grpc.so ($HOST_GRPC_LIB, else <prefix>/lib/host/) once and finds its entry
// points.
Result<ServeFn> LoadServe();
// The same for the client's entry point.
Result<ConnectFn> LoadConnect();

}  // namespace host::remote

#endif  // HOST_REMOTE_GRPC_PLUGIN_H_
