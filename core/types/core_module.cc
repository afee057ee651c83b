#include "core/types/core_module.h"

#include <cstring>
#include <functional>
#include <map>

#include "core/engine/call_context.h"
#include "core/engine/engine.h"
#include "core/types/core_schema.h"
#include "host/scratch_arena.h"

namespace host {
namespace {

const host_api* g_api = nullptr;

bool Fill(const google::protobuf::MessageLite& message, host_buffer* out) {
  size_t size = message.ByteSizeLong();
  out->data = static_cast<uint8_t*>(g_api->alloc(size == 0 ? 1 : size));
  if (out->data == nullptr) return false;
  out->size = size;
  message.SerializeWithCachedSizesToArray(out->data);
  return true;
}

// One call of a core function, with what handlers need.
struct CoreCall {
  CoreServices& services;
  const v1::Call& call;

  // The string argument called name ("" when absent).
  const std::string& String(const char* name) const {
    static const std::string kEmpty;
    for (const auto& a : call.args()) {
      if (a.name() == name) return a.value().string_value();
    }
    return kEmpty;
  }
};

using Handler = std::function<Result<v1::Value>(CoreCall&)>;

v1::Value StringValue(std::string text) {
  v1::Value v;
  v.set_string_value(std::move(text));
  return v;
}

v1::Value ObjectRef(const char* type, std::string id) {
  v1::Value v;
  v.mutable_object_value()->set_type_name(type);
  v.mutable_object_value()->set_id(std::move(id));
  return v;
}

Result<v1::Value> SecretObject(CoreCall& c, std::string_view name, std::string plaintext) {
  Result<std::string> id = c.services.secrets().Add(name, std::move(plaintext));
  if (!id.ok()) return id.status();
  return ObjectRef("Secret", *id);
}

// The secret a call's receiver names, or an error for an unknown one.
Result<std::pair<std::string, std::string>> ReceiverSecret(CoreCall& c) {
  auto secret = c.services.secrets().Get(c.call.receiver().id());
  if (!secret) {
    return Status::Failed("unknown secret " + c.call.receiver().id() +
                          ": secrets live only in the engine session that made them");
  }
  return *secret;
}

const std::map<std::string, Handler, std::less<>>& Handlers() {
  static const std::map<std::string, Handler, std::less<>> kHandlers = {
      {"Query.", [](CoreCall&) -> Result<v1::Value> { return ObjectRef("Query", ""); }},
      {"Query.set-secret",
       [](CoreCall& c) { return SecretObject(c, c.String("name"), c.String("plaintext")); }},
      {"Query.secret",
       [](CoreCall& c) -> Result<v1::Value> {
         Result<std::string> value = ReadSecretUri(c.String("uri"));
         if (!value.ok()) return value.status();
         return SecretObject(c, c.String("uri"), std::move(*value));
       }},
      {"Secret.name",
       [](CoreCall& c) -> Result<v1::Value> {
         auto secret = ReceiverSecret(c);
         if (!secret.ok()) return secret.status();
         return StringValue(secret->first);
       }},
      {"Secret.plaintext",
       [](CoreCall& c) -> Result<v1::Value> {
         auto secret = ReceiverSecret(c);
         if (!secret.ok()) return secret.status();
         return StringValue(secret->second);
       }},
  };
  return kHandlers;
}

host_status Describe(host_buffer* def, host_buffer*) {
  return Fill(CoreSchema(), def) ? HOST_STATUS_OK : HOST_STATUS_ERROR;
}

host_status Invoke(host_context* ctx, host_bytes bytes, host_buffer* result, host_buffer* error) {
  ScratchArena arena;
  v1::Call& call = *arena.Make<v1::Call>();
  v1::Error err;
  if (ctx == nullptr || !call.ParseFromArray(bytes.data, static_cast<int>(bytes.size))) {
    err.set_message("the core module received a malformed call");
    Fill(err, error);
    return HOST_STATUS_INVALID_ARGUMENT;
  }
  std::string key = call.object() + "." + call.function();
  auto handler = Handlers().find(key);
  if (handler == Handlers().end()) {
    err.set_message("the core module has no implementation of " + key);
    Fill(err, error);
    return HOST_STATUS_UNSUPPORTED;
  }
  CoreCall core_call{ctx->engine->core(), call};
  Result<v1::Value> value = handler->second(core_call);
  if (!value.ok()) {
    err.set_message(value.status().message());
    Fill(err, error);
    return value.status().kind() == ErrorKind::kUsage ? HOST_STATUS_INVALID_ARGUMENT
                                                      : HOST_STATUS_ERROR;
  }
  return Fill(*value, result) ? HOST_STATUS_OK : HOST_STATUS_ERROR;
}

const host_module kTable = {sizeof(host_module), &Describe, &Invoke};

}  // namespace

CoreServices::CoreServices(std::filesystem::path state_dir)
    : state_dir_(std::move(state_dir)), secrets_(state_dir_ / "secret-key") {}

host_status CoreModuleInit(host_negotiate* io) {
  g_api = io->api;
  io->module_abi = HOST_ABI_VERSION;
  io->module = &kTable;
  io->module_name = "core";
  io->build_info = "built into host";
  return HOST_STATUS_OK;
}

}  // namespace host
