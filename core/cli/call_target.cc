#include "core/cli/call_target.h"

#include <filesystem>

#include "core/remote/grpc_plugin.h"

namespace host::cli {
namespace {

// The engine in this process.
class Local final : public CallTarget {
 public:
  explicit Local(RuntimeOptions options) : engine_(std::move(options)) {}

  Result<const ModuleInfo*> Load(const std::string& ref) override {
    if (ref.empty()) return engine_.registry().FindModule("core");
    return engine_.Load(ref);
  }
  const TypeRegistry& registry() const override { return engine_.registry(); }
  Result<v1::Value> Call(v1::Call call) const override { return engine_.Call(std::move(call)); }
  std::map<std::string, std::string, std::less<>> RunModes() const override {
    return engine_.run_modes();
  }
  Result<v1::Value> CallChain(std::vector<v1::Call> calls) const override {
    v1::Value value;
    for (size_t i = 0; i < calls.size(); ++i) {
      if (i > 0) *calls[i].mutable_receiver() = std::move(*value.mutable_object_value());
      Result<v1::Value> result = engine_.Call(std::move(calls[i]));
      if (!result.ok()) return result;
      value = std::move(*result);
    }
    return value;
  }

 private:
  Runtime engine_;
};

// An engine behind `host serve`; schemas are fetched from it into a registry of our own.
class Remote final : public CallTarget {
 public:
  explicit Remote(std::unique_ptr<remote::EngineClient> client) : client_(std::move(client)) {}

  Result<const ModuleInfo*> Load(const std::string& ref) override {
    std::string name = "core";
    if (!ref.empty()) {
      // A path that exists here is given to the server whole (it resolves relative ones from
      // its own folder).
      std::error_code error;
      std::string sent = std::filesystem::exists(ref, error)
                             ? std::filesystem::absolute(ref, error).string()
                             : ref;
      Result<std::string> bytes = client_->Load(sent);
      if (!bytes.ok()) return bytes.status();
      v1::ModuleDef def;
      if (!def.ParseFromString(*bytes)) return Status::Failed("the engine sent a broken schema");
      name = def.name();
    }
    if (Status synced = Sync(); !synced.ok()) return synced;
    const ModuleInfo* module = registry_.FindModule(name);
    if (module == nullptr) return Status::Failed("the engine did not describe module " + name);
    return module;
  }
  const TypeRegistry& registry() const override { return registry_; }
  Result<v1::Value> Call(v1::Call call) const override {
    std::vector<v1::Call> calls;
    calls.push_back(std::move(call));
    return CallChain(std::move(calls));
  }
  Result<v1::Value> CallChain(std::vector<v1::Call> calls) const override {
    std::vector<remote::WireStep> steps;
    for (size_t i = 0; i < calls.size(); ++i) {
      steps.push_back({calls[i].SerializeAsString(), i > 0});
    }
    Result<std::string> bytes = client_->Call(steps);
    if (!bytes.ok()) return bytes.status();
    v1::Value value;
    if (!value.ParseFromString(*bytes)) return Status::Failed("the engine sent a broken value");
    return value;
  }

 private:
  // Adds the schemas of every module the server has loaded that we lack; a schema using types of
  // another is added after it.
  Status Sync() {
    Result<std::vector<std::string>> defs = client_->Describe({});
    if (!defs.ok()) return defs.status();
    std::vector<v1::ModuleDef> pending;
    for (const std::string& bytes : *defs) {
      v1::ModuleDef def;
      if (!def.ParseFromString(bytes)) return Status::Failed("the engine sent a broken schema");
      if (registry_.FindModule(def.name()) == nullptr) pending.push_back(std::move(def));
    }
    while (!pending.empty()) {
      std::vector<v1::ModuleDef> later;
      Status last;
      for (v1::ModuleDef& def : pending) {
        Result<const ModuleInfo*> added = registry_.AddModule(def);
        if (!added.ok()) {
          last = added.status();
          later.push_back(std::move(def));
        }
      }
      if (later.size() == pending.size()) return last.Prefixed("schema from the engine: ");
      pending = std::move(later);
    }
    return {};
  }

  std::unique_ptr<remote::EngineClient> client_;
  TypeRegistry registry_;
};

}  // namespace

std::unique_ptr<CallTarget> LocalTarget(RuntimeOptions options) {
  return std::make_unique<Local>(std::move(options));
}

Result<std::unique_ptr<CallTarget>> RemoteTarget(const std::string& address,
                                                 const std::string& token) {
  Result<remote::ConnectFn> connect = remote::LoadConnect();
  if (!connect.ok()) return connect.status();
  std::string error;
  std::unique_ptr<remote::EngineClient> client((*connect)(address, token, &error));
  if (!client) return Status::Usage(error);
  return std::unique_ptr<CallTarget>(std::make_unique<Remote>(std::move(client)));
}

}  // namespace host::cli
