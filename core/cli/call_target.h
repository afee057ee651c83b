// Where the CLI runs its calls: the engine in this process, or a remote one behind `host serve`
// (--engine or HOST_ENGINE), with the same schemas, results and errors.
#ifndef HOST_CLI_CALL_TARGET_H_
#define HOST_CLI_CALL_TARGET_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/engine/engine.h"

namespace host::cli {

// An engine the CLI loads modules on and runs calls on.
class CallTarget {
 public:
  virtual ~CallTarget() = default;
  // Loads a module (see Runtime::Load); an empty ref gives the core types.
  virtual Result<const ModuleInfo*> Load(const std::string& ref) = 0;
  // The schemas of the loaded modules.
  virtual const TypeRegistry& registry() const = 0;
  // Runs one call.
  virtual Result<v1::Value> Call(v1::Call call) const = 0;
  // Runs calls in order, each after the first on the previous result, in one round trip.
  virtual Result<v1::Value> CallChain(std::vector<v1::Call> calls) const = 0;
  // How each loaded remote module runs, by module name (empty for a remote engine, which
  // decides for itself).
  virtual std::map<std::string, std::string, std::less<>> RunModes() const { return {}; }
};

// The engine in this process.
std::unique_ptr<CallTarget> LocalTarget(RuntimeOptions options);

// A remote engine at address (unix:///PATH or tcp://HOST:PORT) with a bearer token (may be
// empty); loads libhost-grpc.so.
Result<std::unique_ptr<CallTarget>> RemoteTarget(const std::string& address,
                                                 const std::string& token);

}  // namespace host::cli

#endif  // HOST_CLI_CALL_TARGET_H_
