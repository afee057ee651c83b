// The C API (host/host.h) over host::Runtime. Every entry point catches every exception: out of
// memory and the like become a failed error (or NULL where no error can be returned).
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <memory>
#include <new>
#include <string>
#include <utility>

#include "core/api/chain.h"
#include "core/api/handles.h"
#include "registry/schema_json.h"
#include "registry/value_text.h"

namespace {

using host::Result;
using host::Status;

// Hands status to the caller through *error (when error is not null).
void SetError(host_error** error, Status status) {
  if (error == nullptr) return;
  *error = new (std::nothrow) host_error{std::move(status)};
}

// Runs body, turning a thrown exception into a failed error; body returns the API's result.
template <class T, class Body>
T Guarded(host_error** error, T on_failure, Body body) {
  if (error != nullptr) *error = nullptr;
  try {
    return body();
  } catch (const std::exception& e) {
    SetError(error, Status::Failed(std::string("internal error: ") + e.what()));
  } catch (...) {
    SetError(error, Status::Failed("internal error: unknown exception"));
  }
  return on_failure;
}

// A new result holding value, with its JSON (made from the engine's schemas) and its text.
host_result* NewResult(const host::Runtime& engine, host::v1::Value value) {
  auto result = std::make_unique<host_result>();
  result->json = host::cli::FormatJson(value, engine.registry());
  if (!result->json.empty() && result->json.back() == '\n') result->json.pop_back();
  result->text = host::cli::FormatText(value);
  result->value = std::move(value);
  return result.release();
}

using Kind = host::v1::Value::KindCase;

// The value of a result when it is of kind, else nullptr.
const host::v1::Value* ValueOf(const host_result* result, Kind kind) {
  return result != nullptr && result->value.kind_case() == kind ? &result->value : nullptr;
}

// The value of a chain run as a new result, or NULL with *error set.
host_result* ResultOf(const host::Runtime& engine, Result<host::v1::Value> value,
                      host_error** error) {
  if (!value.ok()) {
    SetError(error, value.status());
    return nullptr;
  }
  return NewResult(engine, std::move(*value));
}

// host_value_kind numbers the kinds as Value's oneof does (0: none); both are frozen.
constexpr bool Same(host_value_kind c, Kind proto) { return static_cast<int>(c) == proto; }
static_assert(Same(HOST_VALUE_NONE, Kind::KIND_NOT_SET) &&
              Same(HOST_VALUE_STRING, Kind::kStringValue) &&
              Same(HOST_VALUE_INT, Kind::kIntValue) && Same(HOST_VALUE_FLOAT, Kind::kFloatValue) &&
              Same(HOST_VALUE_BOOLEAN, Kind::kBoolValue) &&
              Same(HOST_VALUE_ENUM, Kind::kEnumValue) && Same(HOST_VALUE_LIST, Kind::kListValue) &&
              Same(HOST_VALUE_OBJECT, Kind::kObjectValue));

}  // namespace

extern "C" {

host_options* host_options_new(void) {
  try {
    return new host_options{};
  } catch (...) {
    return nullptr;
  }
}

void host_options_free(host_options* options) { delete options; }

void host_options_set_state_dir(host_options* options, const char* dir) {
  if (options == nullptr) return;
  try {
    options->state_dir.reset();
    if (dir != nullptr) options->state_dir = std::filesystem::path(dir);
  } catch (...) {
  }
}

void host_options_add_module_dir(host_options* options, const char* dir) {
  if (options == nullptr || dir == nullptr) return;
  try {
    options->module_dirs.emplace_back(dir);
  } catch (...) {
  }
}

void host_options_set_progress(host_options* options, int on) {
  if (options != nullptr) options->progress = on != 0;
}

void host_options_set_isolate(host_options* options, int on) {
  if (options != nullptr) options->isolate = on != 0;
}

host_engine* host_engine_new(const host_options* options, host_error** error) {
  return Guarded<host_engine*>(error, nullptr, [&]() -> host_engine* {
    host::RuntimeOptions engine_options;
    if (options != nullptr) {
      if (options->state_dir) engine_options.state_dir = *options->state_dir;
      engine_options.module_path.insert(engine_options.module_path.begin(),
                                        options->module_dirs.begin(), options->module_dirs.end());
      if (options->progress) engine_options.progress = &std::cerr;
      engine_options.isolate = options->isolate;
    }
    auto engine = std::make_unique<host_engine>();
    engine->engine = std::make_unique<host::Runtime>(std::move(engine_options));
    return engine.release();
  });
}

void host_engine_free(host_engine* engine) {
  try {
    delete engine;
  } catch (...) {
  }
}

int host_engine_load(host_engine* engine, const char* module, host_error** error) {
  return Guarded<int>(error, 0, [&] {
    if (engine == nullptr || module == nullptr) {
      SetError(error, Status::Usage("host_engine_load: engine and module must not be NULL"));
      return 0;
    }
    Result<const host::ModuleInfo*> loaded = engine->engine->Load(module);
    if (!loaded.ok()) {
      SetError(error, loaded.status());
      return 0;
    }
    return 1;
  });
}

char* host_engine_describe(host_engine* engine, const char* module, host_error** error) {
  return Guarded<char*>(error, nullptr, [&]() -> char* {
    if (engine == nullptr) {
      SetError(error, Status::Usage("host_engine_describe: engine must not be NULL"));
      return nullptr;
    }
    const std::string name = module == nullptr ? "core" : module;
    const host::ModuleInfo* info = engine->engine->registry().FindModule(name);
    if (info == nullptr) {
      SetError(error, Status::Usage("module '" + name +
                                    "' is not loaded; load it first (host_engine_load)"));
      return nullptr;
    }
    const std::string json = host::SchemaJson(*info, engine->engine->registry());
    char* text = static_cast<char*>(std::malloc(json.size() + 1));
    if (text == nullptr) throw std::bad_alloc();
    std::memcpy(text, json.c_str(), json.size() + 1);
    return text;
  });
}

host_result* host_engine_call(host_engine* engine, const char* module, const host_step* steps,
                              size_t step_count, host_error** error) {
  return Guarded<host_result*>(error, nullptr, [&]() -> host_result* {
    if (engine == nullptr) {
      SetError(error, Status::Usage("host_engine_call: engine must not be NULL"));
      return nullptr;
    }
    return ResultOf(*engine->engine,
                    host::api::RunChain(*engine->engine, module == nullptr ? "core" : module,
                                        nullptr, steps, step_count),
                    error);
  });
}

host_result* host_engine_call_on(host_engine* engine, const host_result* object,
                                 const host_step* steps, size_t step_count, host_error** error) {
  return Guarded<host_result*>(error, nullptr, [&]() -> host_result* {
    if (engine == nullptr || object == nullptr) {
      SetError(error, Status::Usage("host_engine_call_on: engine and object must not be NULL"));
      return nullptr;
    }
    return ResultOf(*engine->engine,
                    host::api::RunChain(*engine->engine, "", &object->value, steps, step_count),
                    error);
  });
}

host_value_kind host_result_kind(const host_result* result) {
  return result == nullptr ? HOST_VALUE_NONE
                           : static_cast<host_value_kind>(result->value.kind_case());
}

const char* host_result_string(const host_result* result) {
  if (const host::v1::Value* value = ValueOf(result, Kind::kStringValue)) {
    return value->string_value().c_str();
  }
  const host::v1::Value* value = ValueOf(result, Kind::kEnumValue);
  return value != nullptr ? value->enum_value().c_str() : nullptr;
}

int64_t host_result_int(const host_result* result) {
  const host::v1::Value* value = ValueOf(result, Kind::kIntValue);
  return value != nullptr ? value->int_value() : 0;
}

double host_result_float(const host_result* result) {
  if (const host::v1::Value* value = ValueOf(result, Kind::kFloatValue)) {
    return value->float_value();
  }
  return static_cast<double>(host_result_int(result));
}

int host_result_bool(const host_result* result) {
  const host::v1::Value* value = ValueOf(result, Kind::kBoolValue);
  return value != nullptr && value->bool_value();
}

const char* host_result_object_type(const host_result* result) {
  const host::v1::Value* value = ValueOf(result, Kind::kObjectValue);
  return value != nullptr ? value->object_value().type_name().c_str() : nullptr;
}

const char* host_result_object_id(const host_result* result) {
  const host::v1::Value* value = ValueOf(result, Kind::kObjectValue);
  return value != nullptr ? value->object_value().id().c_str() : nullptr;
}

const char* host_result_json(const host_result* result) {
  return result == nullptr ? nullptr : result->json.c_str();
}

const char* host_result_text(const host_result* result) {
  return result == nullptr ? nullptr : result->text.c_str();
}

void host_result_free(host_result* result) { delete result; }

const char* host_error_message(const host_error* error) {
  return error == nullptr ? "" : error->status.message().c_str();
}

host_error_kind host_error_get_kind(const host_error* error) {
  return error != nullptr && error->status.kind() == host::ErrorKind::kUsage ? HOST_ERROR_USAGE
                                                                             : HOST_ERROR_FAILED;
}

void host_error_free(host_error* error) { delete error; }

void host_string_free(char* text) { std::free(text); }

}  // extern "C"
