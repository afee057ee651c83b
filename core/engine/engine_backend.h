// The engine of `host serve` as the gRPC plugin sees it: wire bytes in, wire bytes out.
#ifndef HOST_ENGINE_ENGINE_BACKEND_H_
#define HOST_ENGINE_ENGINE_BACKEND_H_

#include <shared_mutex>

#include "core/engine/engine.h"
#include "core/engine/event_hub.h"
#include "core/remote/grpc_plugin.h"

namespace host::remote {

// Serves one Engine to many clients: loads are exclusive, calls run concurrently.
class LocalEngineBackend : public EngineBackend {
 public:
  // events (may be null) is where the engine's progress and logs are published, for Watch.
  explicit LocalEngineBackend(Runtime* engine, EventHub* events = nullptr)
      : engine_(engine), events_(events) {}

  Result<std::string> Load(const std::string& ref) override;
  Result<std::vector<std::string>> Describe(const std::vector<std::string>& names) override;
  ChainOutcome Call(const std::vector<WireStep>& steps, const std::string& context) override;
  bool Log(int level, const std::string& message, const std::string& context) override;
  std::unique_ptr<EventSubscription> Watch() override {
    return events_ ? events_->Subscribe() : nullptr;
  }

 private:
  Runtime* engine_;
  EventHub* events_;
  std::shared_mutex mutex_;  // exclusive: loading modules; shared: calls and descriptions
};

// The serialized schemas of the named loaded modules (empty: every one), for Describe.
Result<std::vector<std::string>> DescribeModules(const TypeRegistry& registry,
                                                 const std::vector<std::string>& names);

// Runs a chain of calls on engine: at the top (depth < 0: secrets scrubbed from the result, as
// Runtime::Call does) or nested in a call of that depth, for a module process. sandboxed: for a
// sandboxed module process, whose calls that reach the host are refused (CheckSandboxedCall).
ChainOutcome RunChain(const Runtime& engine, const std::vector<WireStep>& steps, int depth,
                      bool sandboxed = false);

}  // namespace host::remote

#endif  // HOST_ENGINE_ENGINE_BACKEND_H_
