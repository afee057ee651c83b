#include "host/module.h"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <exception>

#include "host/scratch_arena.h"
#include "runtime.h"

namespace host {

namespace detail {

const host_api* g_api = nullptr;
thread_local host_context* t_context = nullptr;

bool FillBuffer(const std::string& bytes, host_buffer* out) {
  out->size = bytes.size();
  out->data = static_cast<uint8_t*>(g_api->alloc(bytes.empty() ? 1 : bytes.size()));
  if (out->data == nullptr) {
    out->size = 0;
    return false;
  }
  if (!bytes.empty()) std::memcpy(out->data, bytes.data(), bytes.size());
  return true;
}

bool FillMessage(const google::protobuf::MessageLite& message, host_buffer* out) {
  size_t size = message.ByteSizeLong();
  out->data = static_cast<uint8_t*>(g_api->alloc(size == 0 ? 1 : size));
  if (out->data == nullptr) {
    out->size = 0;
    return false;
  }
  out->size = size;
  message.SerializeWithCachedSizesToArray(out->data);
  return true;
}

}  // namespace detail

void log(std::string_view message, LogLevel level) {
  const auto* data = reinterpret_cast<const uint8_t*>(message.data());
  if (detail::g_api != nullptr && detail::t_context != nullptr) {
    detail::g_api->log(detail::t_context, static_cast<host_log_level>(level),
                       host_bytes{data, message.size()});
  } else {
    std::fprintf(stderr, "%.*s\n", static_cast<int>(message.size()), message.data());
  }
}

namespace detail {

const v1::Value* FindArg(const v1::Call& call, const std::string& name) {
  for (const auto& named : call.args()) {
    if (named.name() == name) return &named.value();
  }
  return nullptr;
}

namespace {

// "my-module" -> "MyModule": the name of a module's main object.
std::string PascalCase(std::string_view name) {
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

// Reports object types that a schema references but that were never registered.
}  // namespace

void CheckTypeRegistered(const v1::TypeRef& type, const std::string& where,
                         std::vector<std::string>* problems) {
  if (type.kind() == v1::TYPE_KIND_LIST) {
    CheckTypeRegistered(type.element(), where, problems);
  } else if (type.kind() == v1::TYPE_KIND_OBJECT && type.name().empty()) {
    problems->push_back(where + " uses a C++ class that is not registered: call m.object<T>(...)");
  }
}

namespace {

#if defined(_LIBCPP_VERSION)
#define HOST_SDK_STDLIB "libc++"
#else
#define HOST_SDK_STDLIB "libstdc++"
#endif
#if defined(__clang__)
constexpr const char* kBuildInfo = "C++ SDK, clang " __clang_version__ ", " HOST_SDK_STDLIB;
#else
constexpr const char* kBuildInfo = "C++ SDK, g++ " __VERSION__ ", " HOST_SDK_STDLIB;
#endif

Module* g_module = nullptr;
std::string* g_init_error = nullptr;

// Fills an error buffer with Error bytes holding message.
void FillError(const std::string& message, host_buffer* error) {
  v1::Error err;
  err.set_message(message);
  FillMessage(err, error);
}

host_status DescribeEntry(host_buffer* module_def, host_buffer* error) {
  std::string bytes;
  std::string message;
  if (g_init_error != nullptr) {
    FillBuffer(*g_init_error, error);
    return HOST_STATUS_ERROR;
  }
  if (!g_module->Describe(&bytes, &message)) {
    FillBuffer(message, error);
    return HOST_STATUS_ERROR;
  }
  return FillBuffer(bytes, module_def) ? HOST_STATUS_OK : HOST_STATUS_ERROR;
}

host_status InvokeEntry(host_context* ctx, host_bytes call_bytes, host_buffer* result,
                        host_buffer* error) {
  ScratchArena arena;
  v1::Call& call = *arena.Make<v1::Call>();
  if (!call.ParseFromArray(call_bytes.data, static_cast<int>(call_bytes.size))) {
    FillError("the call is not a valid host.v1.Call message", error);
    return HOST_STATUS_INVALID_ARGUMENT;
  }
  host_context* outer = t_context;
  t_context = ctx;
  v1::Value& value = *arena.Make<v1::Value>();
  std::string message;
  bool ok = g_module->Invoke(call, &value, &message);
  t_context = outer;
  if (!ok) {
    FillError(message, error);
    return HOST_STATUS_ERROR;
  }
  return FillMessage(value, result) ? HOST_STATUS_OK : HOST_STATUS_ERROR;
}

const host_module kModuleTable = {sizeof(host_module), &DescribeEntry, &InvokeEntry};

}  // namespace

host_status Negotiate(host_negotiate* io, const char* name, RegisterFn register_fn) {
  if (io == nullptr || !HOST_HAS_SLOT(io, host_negotiate, error) || io->api == nullptr ||
      !HOST_HAS_SLOT(io->api, host_api, call)) {
    return HOST_STATUS_INVALID_ARGUMENT;
  }
  io->module_abi = HOST_ABI_VERSION;
  io->module_name = name;
  io->build_info = kBuildInfo;
  if (HOST_ABI_VERSION < io->host_abi_min || HOST_ABI_VERSION > io->host_abi_max) {
    return HOST_STATUS_UNSUPPORTED;
  }
  g_api = io->api;
  if (g_module == nullptr) {
    g_module = new Module(name);
    try {
      register_fn(*g_module);
    } catch (const std::exception& e) {
      g_init_error = new std::string(std::string("registration threw: ") + e.what());
    } catch (...) {
      g_init_error = new std::string("registration threw an unknown exception");
    }
  }
  io->module = &kModuleTable;
  return HOST_STATUS_OK;
}

}  // namespace detail

Module::Module(std::string name) {
  def_.set_main_object(detail::PascalCase(name));
  def_.set_name(std::move(name));
  def_.set_sdk("cpp");
}

Module& Module::description(std::string text) {
  def_.set_description(std::move(text));
  return *this;
}

Module& Module::version(std::string text) {
  def_.set_version(std::move(text));
  return *this;
}

void Module::AddEnum(const v1::EnumDef& def) { enums_.emplace(def.name(), def); }

bool Module::Describe(std::string* out, std::string* error) const {
  std::vector<std::string> problems = problems_;
  if (objects_.find(def_.main_object()) == objects_.end()) {
    problems.push_back("module '" + def_.name() + "' registers no main object '" +
                       def_.main_object() + "': call m.object<T>(\"" + def_.main_object() +
                       "\", ...)");
  }
  v1::ModuleDef def = def_;
  for (const auto& [name, entry] : objects_) {
    for (const auto& field : entry.def.fields()) {
      detail::CheckTypeRegistered(
          field.type(), "field '" + field.name() + "' of object '" + name + "'", &problems);
    }
    for (const auto& fn : entry.def.functions()) {
      std::string where = "function '" + fn.name() + "' of object '" + name + "'";
      detail::CheckTypeRegistered(fn.return_type(), where, &problems);
      for (const auto& a : fn.args()) detail::CheckTypeRegistered(a.type(), where, &problems);
    }
    *def.add_objects() = entry.def;
  }
  for (const auto& [name, e] : enums_) *def.add_enums() = e;
  if (!problems.empty()) {
    *error = "module '" + def_.name() + "' is registered wrongly:";
    for (const auto& p : problems) *error += "\n  " + p;
    return false;
  }
  *out = def.SerializeAsString();
  return true;
}

bool Module::Invoke(const v1::Call& call, v1::Value* result, std::string* error) const {
  auto object = objects_.find(call.object());
  if (object == objects_.end()) {
    *error = "module '" + def_.name() + "' has no object '" + call.object() + "'";
    return false;
  }
  const detail::Invoker* invoker = &object->second.construct;
  if (!call.function().empty()) {
    auto fn = object->second.functions.find(call.function());
    if (fn == object->second.functions.end()) {
      *error = "object '" + call.object() + "' has no function '" + call.function() + "'";
      return false;
    }
    invoker = &fn->second.invoke;
  }
  try {
    (*invoker)(call, result);
    return true;
  } catch (const std::exception& e) {
    *error = e.what();
  } catch (...) {
    *error = "the function threw an exception that is not a std::exception";
  }
  return false;
}

}  // namespace host
