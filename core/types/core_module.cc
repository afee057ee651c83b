#include "core/types/core_module.h"

#include "core/base/scratch_arena.h"
#include "core/loader/call_context.h"
#include "core/types/core_function.h"
#include "core/types/state_dir.h"
#include "registry/call_digest.h"

namespace host {
namespace {

host_status Describe(host_buffer* def, host_buffer*) {
  return FillApiBuffer(CoreCatalog::Get().schema(), def) ? HOST_STATUS_OK : HOST_STATUS_ERROR;
}

// Runs one call of a core function: a lazy one records a node (nothing runs until a leaf needs
// it), any other runs now.
Result<v1::Value> Run(CoreServices& services, const v1::Call& call) {
  if (call.object() == "Query" && call.function().empty()) {
    return decl::ObjectValue("Query", "");  // the root object
  }
  const CoreFunction* function = CoreCatalog::Get().Find(call.object(), call.function());
  if (function == nullptr) {
    return Status::Failed("the core module has no function " + call.object() + "." +
                          call.function());
  }
  if (const auto* leaf = std::get_if<CoreLeaf>(&function->impl)) {
    CoreCall core_call(services, call, *function);
    return (*leaf)(core_call);
  }
  const std::string& type = function->def.return_type().name();
  std::string id = CallDigest(services.module_digest(), call);
  services.nodes().Put(id, Node{type, call});
  return decl::ObjectValue(type.c_str(), id);
}

host_status Invoke(host_context* ctx, host_bytes bytes, host_buffer* result, host_buffer* error) {
  ScratchArena arena;
  v1::Call& call = *arena.Make<v1::Call>();
  if (ctx == nullptr || ctx->core == nullptr ||
      !call.ParseFromArray(bytes.data, static_cast<int>(bytes.size))) {
    FillApiError("the core module received a malformed call", error);
    return HOST_STATUS_INVALID_ARGUMENT;
  }
  Result<v1::Value> value = Run(*ctx->core, call);
  if (!value.ok()) {
    FillApiError(value.status().message(), error);
    return value.status().kind() == ErrorKind::kUsage ? HOST_STATUS_INVALID_ARGUMENT
                                                      : HOST_STATUS_ERROR;
  }
  return FillApiBuffer(*value, result) ? HOST_STATUS_OK : HOST_STATUS_ERROR;
}

const host_module kTable = {sizeof(host_module), &Describe, &Invoke};

}  // namespace

CoreServices::CoreServices(std::filesystem::path state_dir, std::ostream* progress,
                           int terminal_columns)
    : state_dir_(std::move(state_dir)),
      secrets_(state_dir_ / "secret-key"),
      progress_(progress, terminal_columns > 0, terminal_columns,
                [this](std::string_view text) { return secrets_.Redact(text); }),
      leases_(state_dir_),
      steps_(state_dir_ / "steps"),
      snapshots_(state_dir_ / "snapshots", &leases_),
      evaluator_(this),
      started_(std::filesystem::file_time_type::clock::now()) {}

CoreServices::~CoreServices() = default;

Result<ContainerBackend*> CoreServices::Backend() {
  std::lock_guard lock(lazy_mutex_);
  if (!backend_) {
    if (Status s = EnsureStateDir(state_dir_); !s.ok()) return s;
    RemoveLeftovers(state_dir_);  // what killed processes left (the runner cleans its own)
    Result<std::unique_ptr<ContainerBackend>> backend = LoadContainerBackend(state_dir_);
    if (!backend.ok()) return backend.status();
    backend_ = std::move(*backend);
    cache_size_ = backend_->cache_size();
  }
  return backend_.get();
}

host_status CoreModuleInit(host_negotiate* io) {
  io->module_abi = HOST_ABI_VERSION;
  io->module = &kTable;
  io->module_name = "core";
  io->build_info = "built into host";
  return HOST_STATUS_OK;
}

}  // namespace host
