// The engine of `host serve` as the gRPC plugin sees it: wire bytes in, wire bytes out.
#ifndef HOST_REMOTE_ENGINE_BACKEND_H_
#define HOST_REMOTE_ENGINE_BACKEND_H_

#include <shared_mutex>

#include "core/engine/engine.h"
#include "core/remote/grpc_plugin.h"

namespace host::remote {

// Serves one Engine to many clients: loads are exclusive, calls run concurrently.
class LocalEngineBackend : public EngineBackend {
 public:
  explicit LocalEngineBackend(Engine* engine) : engine_(engine) {}

  Result<std::string> Load(const std::string& ref) override;
  Result<std::vector<std::string>> Describe(const std::vector<std::string>& names) override;
  ChainOutcome Call(const std::vector<WireStep>& steps) override;

 private:
  Engine* engine_;
  std::shared_mutex mutex_;  // exclusive: loading modules; shared: calls and descriptions
};

}  // namespace host::remote

#endif  // HOST_REMOTE_ENGINE_BACKEND_H_
