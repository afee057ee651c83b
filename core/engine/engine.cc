#include "core/engine/engine.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>

#include "core/base/install_prefix.h"
#include "core/base/scratch_arena.h"
#include "core/base/sha256.h"
#include "core/base/size.h"
#include "core/engine/cache_admin.h"
#include "core/engine/call_chain.h"
#include "core/engine/module_builder.h"
#include "core/engine/module_engine_backend.h"
#include "core/engine/remote_modules.h"
#include "core/images/config.h"
#include "core/loader/call_context.h"
#include "core/modules/lock_file.h"
#include "core/modules/module_ref.h"
#include "core/remote/module_process.h"
#include "core/remote/schema_cache.h"
#include "registry/call_digest.h"

namespace host {
namespace fs = std::filesystem;

namespace {

constexpr int kMaxCallDepth = 64;

// Seconds from module.json as a duration, clamped to what a clock can add without overflow
// (the manifest bounds them already; this keeps the conversion defined whatever it holds).
std::chrono::milliseconds SecondsToMilliseconds(double seconds) {
  constexpr double kMaxSeconds = 10.0 * 365 * 24 * 3600;
  if (!(seconds > 0)) return std::chrono::milliseconds(0);  // also NaN
  return std::chrono::milliseconds(static_cast<int64_t>(std::min(seconds, kMaxSeconds) * 1000));
}

host_status ApiCall(host_context* ctx, host_bytes call_bytes, host_buffer* result,
                    host_buffer* error) {
  if (result) *result = {nullptr, 0};
  if (error) *error = {nullptr, 0};
  if (ctx == nullptr || ctx->engine == nullptr) {
    FillApiError("a module may only call through the graph while one of its functions runs", error);
    return HOST_STATUS_INVALID_ARGUMENT;
  }
  Status status = ctx->engine->CallSerialized(call_bytes, ctx->depth + 1, result);
  if (status.ok()) return HOST_STATUS_OK;
  FillApiError(status.message(), error);
  return status.kind() == ErrorKind::kUsage ? HOST_STATUS_INVALID_ARGUMENT : HOST_STATUS_ERROR;
}

// A log line as written: "LEVEL: text\n".
std::string LogLine(host_log_level level, std::string_view text) {
  static const char* kLevels[] = {"debug", "info", "warning", "error"};
  return std::string(kLevels[level <= HOST_LOG_ERROR ? level : HOST_LOG_ERROR]) + ": " +
         std::string(text) + "\n";
}

void ApiLog(host_context* ctx, host_log_level level, host_bytes message) {
  std::string_view text(reinterpret_cast<const char*>(message.data), message.size);
  if (ctx && ctx->engine) {
    ctx->engine->Log(level, text);
  } else if (level >= HOST_LOG_INFO) {
    std::cerr << LogLine(level, text) << std::flush;
  }
}

const host_api kApi = {sizeof(host_api), &ApiAlloc, &ApiFree, &ApiCall, &ApiLog};

// Reads a varint at p (below end); returns the byte after it, or nullptr when malformed.
const uint8_t* ReadVarint(const uint8_t* p, const uint8_t* end, uint64_t* value) {
  *value = 0;
  for (int shift = 0; p < end && shift < 64; shift += 7) {
    uint8_t byte = *p++;
    *value |= uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80u) == 0) return p;
  }
  return nullptr;
}

// Whether Value bytes hold exactly one scalar of the given type, read from the wire without
// parsing. Only for String, Int, Float, Boolean and Void results; other types need a full parse.
bool ScalarWireMatches(const host_buffer& bytes, const v1::TypeRef& type) {
  const uint8_t* p = bytes.data;
  const uint8_t* end = bytes.data + bytes.size;
  if (bytes.size == 0) return type.optional() || type.kind() == v1::TYPE_KIND_VOID;
  uint64_t n = 0;
  switch (type.kind()) {
    case v1::TYPE_KIND_STRING:  // field 1, length-delimited
      if (*p != 0x0a || !(p = ReadVarint(p + 1, end, &n))) return false;
      return static_cast<uint64_t>(end - p) == n;
    case v1::TYPE_KIND_INT:  // field 2, varint
      return *p == 0x10 && ReadVarint(p + 1, end, &n) == end;
    case v1::TYPE_KIND_FLOAT:  // field 3, fixed64 (an Int takes the parsing path, which converts)
      return *p == 0x19 && bytes.size == 9;
    case v1::TYPE_KIND_BOOLEAN:  // field 4, varint 0 or 1
      return *p == 0x20 && bytes.size == 2 && p[1] <= 1;
    default:
      return false;
  }
}

// Whether a result of this type can be checked by ScalarWireMatches alone.
bool IsWireCheckable(const v1::TypeRef& type) {
  switch (type.kind()) {
    case v1::TYPE_KIND_STRING:
    case v1::TYPE_KIND_INT:
    case v1::TYPE_KIND_FLOAT:
    case v1::TYPE_KIND_BOOLEAN:
    case v1::TYPE_KIND_VOID:
      return true;
    default:
      return false;
  }
}

// The value of the field a call reads from its receiver (absent when unset).
v1::Value ReadField(const v1::Call& call) {
  for (const auto& field : call.receiver().fields()) {
    if (field.name() == call.function()) return field.value();
  }
  return v1::Value();
}

// Sets the result size limit of options from the config file when options do not say (a config
// file that cannot be read gives the default: commands that use it report it); returns where the
// limit is set, for the error of a result over it.
std::string ResolveResultLimit(RuntimeOptions* options) {
  if (options->max_result_size) return "the engine's options";
  Result<images::Config> config = images::LoadConfig();
  options->max_result_size =
      config.ok() ? config->max_result_size : images::Config().max_result_size;
  return "the config file (" + images::ConfigPath().string() + ")";
}

}  // namespace

Runtime::Runtime(RuntimeOptions options)
    : options_(std::move(options)),
      result_limit_origin_(ResolveResultLimit(&options_)),
      core_(std::make_unique<CoreServices>(options_.state_dir, options_.progress,
                                           options_.progress_terminal_columns)),
      functions_(std::make_unique<FunctionCache>(options_.state_dir / "calls",
                                                 *options_.max_result_size)) {
  if (options_.sdk_cmake_dir.empty()) {
    options_.sdk_cmake_dir = InstallPrefix() / "share" / "host" / "cmake";
  }
  // The git token is scrubbed like any secret wherever text leaves the engine.
  if (!options_.git_token.empty()) (void)core_->secrets().Add("git-token", options_.git_token);
  Result<std::unique_ptr<LoadedModule>> core = LoadBuiltinModule(&CoreModuleInit, &kApi);
  Result<const ModuleInfo*> info =
      core.ok() ? registry_.AddModule((*core)->def()) : Result<const ModuleInfo*>(core.status());
  if (!info.ok()) {  // the built-in schema is part of the program: a failure here is a bug
    std::cerr << "host: the core module is broken: " << info.status().message() << std::endl;
    std::abort();
  }
  core_->set_module_digest((*core)->Digest());
  modules_.emplace("core", std::move(*core));
}

Runtime::~Runtime() {
  // A run that pulled or ran something keeps the stores within the configured size, evicting
  // what was used least recently, but never what this run used.
  if (core_->cache_size() > 0)
    EvictIfOver(options_.state_dir, core_->cache_size(), core_->started());
}

void Runtime::Log(host_log_level level, std::string_view message) const {
  if (level < HOST_LOG_INFO) return;
  // One write per line, so lines from concurrent calls do not mix.
  const std::string line = LogLine(level, core_->secrets().Redact(message));
  std::ostream& out = options_.log ? *options_.log : std::cerr;
  out.write(line.data(), static_cast<std::streamsize>(line.size()));
  out.flush();
}

const host_api* Runtime::Api() { return &kApi; }

const LoadedModule* Runtime::FindLoaded(std::string_view name) const {
  auto it = modules_.find(name);
  return it == modules_.end() ? nullptr : it->second.get();
}

Result<const ModuleInfo*> Runtime::Load(std::string_view ref) {
  std::vector<std::string> loading;
  std::error_code ec;
  fs::path cwd = fs::current_path(ec);
  if (ec) {
    return Status::Failed("cannot read the current folder (" + ec.message() +
                          "); cd into an existing folder");
  }
  return LoadAt(ref, cwd, &loading);
}

Result<RemoteModules*> Runtime::Remotes() {
  if (!remotes_) {
    Result<images::Config> config = images::LoadConfig();
    if (!config.ok()) return config.status();
    RemoteModuleOptions remote;
    remote.state_dir = options_.state_dir;
    remote.locked = options_.locked;
    remote.refresh = options_.refresh_remote;
    remote.git_token = options_.git_token;
    remote.trust = options_.trust_remote;
    remotes_ = std::make_unique<RemoteModules>(std::move(remote), std::move(*config));
  }
  return remotes_.get();
}

Status Runtime::UseLockOf(const fs::path& module_dir) {
  Result<RemoteModules*> remotes = Remotes();
  if (!remotes.ok()) return remotes.status();
  return (*remotes)->AddLock(module_dir, /*trusted=*/true);
}

namespace {

// Whether path, once made lexically normal, stays inside root.
bool StaysInside(const fs::path& path, const fs::path& root) {
  const std::string relative = path.lexically_normal().lexically_relative(root).generic_string();
  return !relative.empty() && relative != ".." && relative.rfind("../", 0) != 0;
}

// Checks what a fetched module's module.json points at: its sources, its built object and its
// dependencies stay inside its own folder (builds and sandboxes show exactly those folders), and
// a dependency is a remote reference or a name on the module path, never a path.
Status CheckFetchedManifest(const Manifest& manifest, std::string_view ref) {
  const fs::path& dir = manifest.dir();
  const std::string named = "module '" + manifest.name + "' (" + std::string(ref) + ")";
  if (manifest.source.size() > 0 &&
      (fs::path(manifest.source).is_absolute() || !StaysInside(manifest.source_dir(), dir))) {
    return Status::Failed(named + ": its \"source\" " + manifest.source +
                          " leaves the module's folder; nothing of it was loaded");
  }
  if (fs::path(manifest.object).is_absolute() || !StaysInside(manifest.object_path(), dir)) {
    return Status::Failed(named + ": its \"object\" " + manifest.object +
                          " leaves the module's folder; nothing of it was loaded");
  }
  for (const auto& dep : manifest.dependencies) {
    Result<modules::ModuleRef> parsed = modules::ParseModuleRef(dep.source);
    const bool remote = parsed.ok() && parsed->kind != modules::RefKind::kLocal;
    const bool plain_name = dep.source.find('/') == std::string::npos &&
                            dep.source.rfind(".", 0) != 0 && !dep.source.ends_with(".so");
    if (!remote && !plain_name) {
      return Status::Failed(named + " depends on '" + dep.name + "' at " + dep.source +
                            ", a path; a fetched module names its dependencies by reference "
                            "(github.com/..., oci://...) or by a name on the module path");
    }
  }
  return {};
}

}  // namespace

Result<ModuleLocation> Runtime::LocateRemote(std::string_view ref, bool user_written,
                                             const RemoteModule** remote) {
  Result<RemoteModules*> remotes = Remotes();
  if (!remotes.ok()) return remotes.status();
  Result<RemoteModule> resolved = (*remotes)->Resolve(ref, user_written);
  if (!resolved.ok()) return resolved.status();
  const RemoteModule& module = (*remotes)->resolved().find(ref)->second;
  Result<Manifest> manifest = LoadManifest(module.fetched.dir / "module.json");
  if (!manifest.ok()) return manifest.status().Prefixed(std::string(ref) + ": ");
  if (module.pinned && module.entry.name != manifest->name) {
    return Status::Failed(std::string(ref) + " is pinned in host.lock as the module '" +
                          module.entry.name + "' but its module.json names '" + manifest->name +
                          "'; run 'host update' to pin it again");
  }
  if (Status s = CheckFetchedManifest(*manifest, ref); !s.ok()) return s;
  // The lock file of a remote module pins its own remote dependencies (the user's pins first),
  // choosing their versions and hashes but never trusting them.
  if (Status s = (*remotes)->AddLock(module.fetched.dir, /*trusted=*/false); !s.ok()) return s;
  ModuleLocation location;
  location.object =
      module.fetched.prebuilt.empty() ? manifest->object_path() : module.fetched.prebuilt;
  location.manifest = std::move(*manifest);
  *remote = &module;
  return location;
}

Result<const ModuleInfo*> Runtime::LoadAt(std::string_view ref, const fs::path& base,
                                          std::vector<std::string>* loading, bool from_remote) {
  if (const ModuleInfo* known = registry_.FindModule(ref)) return known;
  std::error_code exists_error;
  const RemoteModule* remote = nullptr;
  // What a fetched module names is judged by its text alone: its folder's files decide nothing.
  bool is_remote = false;
  if (from_remote) {
    Result<modules::ModuleRef> parsed = modules::ParseModuleRef(ref);
    is_remote = parsed.ok() && parsed->kind != modules::RefKind::kLocal;
  } else {
    is_remote = modules::IsRemoteRef(ref) && !fs::exists(base / ref, exists_error);
  }
  Result<ModuleLocation> location =
      is_remote ? LocateRemote(ref, !from_remote, &remote)
                : ResolveModule(ref, from_remote ? fs::path() : base, options_.module_path);
  if (!location.ok()) return location.status();
  const Manifest* manifest = location->manifest ? &*location->manifest : nullptr;
  if (manifest && !remote) {
    // A local module's host.lock pins the remote modules it (and what it loads) depends on.
    Result<RemoteModules*> remotes =
        fs::exists(manifest->dir() / modules::kLockFileName, exists_error)
            ? Remotes()
            : Result<RemoteModules*>(nullptr);
    if (!remotes.ok()) return remotes.status();
    if (*remotes != nullptr) {
      if (Status s = (*remotes)->AddLock(manifest->dir(), /*trusted=*/!from_remote); !s.ok()) {
        return s;
      }
    }
  }
  const bool sandboxed = options_.sandbox || (remote != nullptr && remote->sandboxed);
  if (manifest) {
    if (const ModuleInfo* known = registry_.FindModule(manifest->name)) return known;
    if (std::find(loading->begin(), loading->end(), manifest->name) != loading->end()) {
      // Modules may call each other both ways: calls go through the graph at run time, not
      // through linking. The module that started the cycle finishes loading it.
      return static_cast<const ModuleInfo*>(nullptr);
    }
    const bool prebuilt = remote != nullptr && !remote->fetched.prebuilt.empty();
    // A module process whose command runs the module's "object" (a Go module's binary) is built
    // like a shared object.
    const bool runs_object =
        !manifest->command.empty() && fs::path(manifest->command.front()).lexically_normal() ==
                                          fs::path(manifest->object).lexically_normal();
    if ((manifest->command.empty() || runs_object) && !prebuilt) {
      // A sandboxed module's sources are built in the sandbox too: its build scripts are its code.
      BuildOptions build{options_.sdk_cmake_dir, options_.progress, sandboxed, {}};
      build.check_object = remote != nullptr;
      if (auto s = EnsureBuilt(*manifest, build); !s.ok()) {
        return s;
      }
    }
    loading->push_back(manifest->name);
    for (const auto& dep : manifest->dependencies) {
      Result<const ModuleInfo*> loaded =
          LoadAt(dep.source, manifest->dir(), loading, from_remote || remote != nullptr);
      if (!loaded.ok()) {
        // Whatever stops a dependency (a missing folder, an unknown name, a bad module.json) is
        // the module's failure to load, not a mistake on the caller's command line: exit 1.
        return Status::Failed("module '" + manifest->name + "' depends on '" + dep.name +
                              "', which cannot be loaded: " + loaded.status().message());
      }
      if (*loaded == nullptr) continue;  // being loaded further up: a cycle
      if ((*loaded)->def.name() != dep.name) {
        return Status::Failed(manifest->file.string() + ": dependency '" + dep.name + "' at " +
                              dep.source + " is a module called '" + (*loaded)->def.name() + "'");
      }
      if (!dep.pin.empty() && FindLoaded(dep.name)->Digest() != dep.pin) {
        return Status::Failed(
            manifest->file.string() + ": dependency '" + dep.name + "' is pinned to " + dep.pin +
            " but " + FindLoaded(dep.name)->path().string() + " has digest " +
            FindLoaded(dep.name)->Digest() + "; update the pin or restore the pinned build");
      }
    }
    loading->pop_back();
  }
  const bool command = manifest && !manifest->command.empty();
  std::error_code canonical_error;
  const fs::path& where = command ? manifest->dir() : location->object;
  std::string object = fs::weakly_canonical(where, canonical_error).string();
  if (canonical_error) {
    return Status::Usage("cannot load module " + where.string() + ": " + canonical_error.message());
  }
  if (auto it = loaded_paths_.find(object); it != loaded_paths_.end()) {
    return registry_.FindModule(it->second);
  }
  std::function<void()> remember_schema;
  Result<std::unique_ptr<LoadedModule>> module =
      command || options_.isolate || sandboxed
          ? LoadProcess(manifest, location->object, sandboxed, &remember_schema)
          : LoadSharedModule(location->object, &kApi);
  if (!module.ok()) return module.status();
  v1::ModuleDef def = (*module)->def();
  if (manifest) {
    if (def.name() != manifest->name) {
      return Status::Failed(manifest->file.string() + " names the module '" + manifest->name +
                            "' but " + (command ? "its process" : location->object.string()) +
                            " is the module '" + def.name() + "'; make the two names agree");
    }
    def.set_version(manifest->version);
    if (command && def.sdk().empty()) def.set_sdk(manifest->sdk);
    if (def.description().empty()) def.set_description(manifest->description);
  }
  Result<const ModuleInfo*> info = registry_.AddModule(std::move(def));
  if (!info.ok()) {
    return info.status().Prefixed("module " +
                                  (command ? manifest->file : location->object).string() +
                                  " has an invalid schema: ");
  }
  loaded_paths_[object] = (*info)->def.name();
  if (remember_schema) remember_schema();
  if (remote != nullptr) {
    const_cast<RemoteModule*>(remote)->entry.name = (*info)->def.name();
    remote_loaded_[remote->ref.text] = remote;
    run_modes_[(*info)->def.name()] = remote->mode;
  }
  modules_.emplace((*info)->def.name(), std::move(*module));
  return info;
}

Result<std::unique_ptr<LoadedModule>> Runtime::LoadProcess(const Manifest* manifest,
                                                           const fs::path& object, bool sandboxed,
                                                           std::function<void()>* remember) {
  remote::ProcessSpec spec;
  spec.sandboxed = sandboxed;
  fs::path absolute;  // of object, for a shared object served by a process
  const bool by_command = manifest && !manifest->command.empty();
  if (by_command) {
    spec.label = "module '" + manifest->name + "' (" + manifest->file.string() + ")";
    spec.command = manifest->command;
    spec.dir = manifest->dir();
    spec.start_timeout = SecondsToMilliseconds(manifest->start_timeout);
  } else {
    std::error_code error;
    if (!fs::exists(object, error)) {
      return Status::Failed("cannot load module " + object.string() +
                            ": the file does not exist; build the module or correct the path");
    }
    absolute = fs::absolute(object, error);
    if (error)
      return Status::Failed("cannot load module " + object.string() + ": " + error.message());
    spec.label = "module " + object.string();
    spec.command = {(InstallPrefix() / "bin" / "host").string(), "module-serve", absolute.string()};
    spec.dir = absolute.parent_path();
  }
  if (manifest) spec.call_timeout = SecondsToMilliseconds(manifest->call_timeout);
  spec.sandboxed = sandboxed;
  if (sandboxed) {
    if (manifest) spec.read_only.push_back(manifest->dir());
    if (!by_command) {  // `host module-serve` and its plugins
      spec.read_only.push_back(InstallPrefix() / "bin" / "host");
      spec.read_only.push_back(InstallPrefix() / "lib" / "host");
    }
  }
  if (!by_command) {
    Result<remote::ModuleHost*> host = StartedModuleHost();
    if (!host.ok()) return host.status().Prefixed(spec.label + ": ");
    remote::DescribedModule described;
    Result<std::unique_ptr<remote::ModuleProcess>> process =
        remote::ModuleProcess::Start(*host, spec, &described);
    if (!process.ok()) return process.status();
    v1::ModuleDef def;
    if (!def.ParseFromString(described.module)) {
      return Status::Failed(spec.label +
                            ": its process described itself with bytes that are not a "
                            "host.v1.ModuleDef");
    }
    return MakeProcessModule(std::move(*process), std::move(def), std::move(described.build_info),
                             absolute);
  }
  // A process module's schema is kept by the digest of its folder: a later load of the same
  // files reads it and starts the process only when a call needs it.
  const std::string digest = ContentDigest(manifest->dir());
  const remote::SchemaCache cache(options_.state_dir / "schemas");
  const std::string key = remote::SchemaCache::Key(digest, spec.command);
  if (std::optional<remote::DescribedModule> kept = cache.Find(key)) {
    v1::ModuleDef def;
    if (def.ParseFromString(kept->module) && def.name() == manifest->name) {
      spec.expected_schema = kept->module;
      spec.schema_changed = [cache, key] { cache.Remove(key); };
      auto process =
          remote::ModuleProcess::Deferred([this] { return StartedModuleHost(); }, std::move(spec));
      return MakeProcessModule(std::move(process), std::move(def), std::move(kept->build_info),
                               manifest->dir(), digest);
    }
    cache.Remove(key);  // not a schema of this module: describe it again
  }
  Result<remote::ModuleHost*> host = StartedModuleHost();
  if (!host.ok()) return host.status().Prefixed(spec.label + ": ");
  remote::DescribedModule described;
  Result<std::unique_ptr<remote::ModuleProcess>> process =
      remote::ModuleProcess::Start(*host, spec, &described);
  if (!process.ok()) return process.status();
  v1::ModuleDef def;
  if (!def.ParseFromString(described.module)) {
    return Status::Failed(spec.label +
                          ": its process described itself with bytes that are not a "
                          "host.v1.ModuleDef");
  }
  if (remember != nullptr) {
    *remember = [cache, key, described] { cache.Store(key, described); };
  }
  return MakeProcessModule(std::move(*process), std::move(def), std::move(described.build_info),
                           manifest->dir(), digest);
}

Result<remote::ModuleHost*> Runtime::StartedModuleHost() {
  std::lock_guard lock(module_host_mutex_);
  if (!module_host_) {
    Result<std::unique_ptr<remote::ModuleHost>> started =
        remote::ModuleHost::Start([this](const remote::ModuleHost& host) {
          return remote::MakeModuleEngineBackend(*this, host);
        });
    if (!started.ok()) return started.status();
    module_host_ = std::move(*started);
  }
  return module_host_.get();
}

namespace {
// Replaces secrets in every string of a value.
void RedactValue(const SecretStore& secrets, v1::Value* value) {
  switch (value->kind_case()) {
    case v1::Value::kStringValue:
      value->set_string_value(secrets.Redact(value->string_value()));
      break;
    case v1::Value::kListValue:
      for (auto& item : *value->mutable_list_value()->mutable_items()) RedactValue(secrets, &item);
      break;
    case v1::Value::kObjectValue:
      for (auto& f : *value->mutable_object_value()->mutable_fields()) {
        RedactValue(secrets, f.mutable_value());
      }
      break;
    default:
      break;
  }
}
}  // namespace

Result<v1::Value> Runtime::Call(v1::Call call) const {
  Result<v1::Value> result = CallAt(std::move(call), 0);
  const SecretStore& secrets = core_->secrets();
  if (!result.ok())
    return Status(result.status().kind(), secrets.Redact(result.status().message()));
  RedactValue(secrets, &*result);
  return result;
}

void Runtime::FillObject(v1::Call* call) const {
  if (!call->object().empty()) return;
  if (!call->receiver().type_name().empty()) {
    call->set_object(call->receiver().type_name());
  } else if (const ModuleInfo* m = registry_.FindModule(call->module())) {
    call->set_object(m->def.main_object());
  }
}

Result<v1::Value> Runtime::CallAt(v1::Call call, int depth) const {
  FillObject(&call);
  Result<const MemberInfo*> prepared = registry_.PrepareCall(&call);
  if (!prepared.ok()) return prepared.status();
  if ((*prepared)->kind == MemberInfo::Kind::kField) return ReadField(call);
  std::string bytes = call.SerializeAsString();
  host_buffer result{nullptr, 0};
  v1::Value value;
  Status status =
      Invoke(call, host_bytes{reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()},
             **prepared, depth, &result, &value);
  ApiFree(result.data);
  if (!status.ok()) return status;
  return value;
}

Status Runtime::CallSerialized(host_bytes call_bytes, int depth, host_buffer* result) const {
  ScratchArena arena;
  v1::Call& call = *arena.Make<v1::Call>();
  if (!call.ParseFromArray(call_bytes.data, static_cast<int>(call_bytes.size))) {
    return Status::Usage("the call is not a valid host.v1.Call message");
  }
  FillObject(&call);
  bool changed = false;
  Result<const MemberInfo*> prepared = registry_.PrepareCall(&call, &changed);
  if (!prepared.ok()) return prepared.status();
  if ((*prepared)->kind == MemberInfo::Kind::kField) {
    return FillApiBuffer(ReadField(call), result) ? Status() : Status::Failed("out of memory");
  }
  std::string rewritten;
  if (changed) {
    rewritten = call.SerializeAsString();
    call_bytes = host_bytes{reinterpret_cast<const uint8_t*>(rewritten.data()), rewritten.size()};
  }
  const bool is_object = (*prepared)->return_type().kind() == v1::TYPE_KIND_OBJECT;
  v1::Value& value = *arena.Make<v1::Value>();
  Status status = Invoke(call, call_bytes, **prepared, depth, result, is_object ? &value : nullptr);
  if (!status.ok() || value.kind_case() != v1::Value::kObjectValue) return status;
  ApiFree(result->data);  // the object now carries its ID: serialize it again
  return FillApiBuffer(value, result) ? Status() : Status::Failed("out of memory");
}

Status Runtime::Invoke(const v1::Call& call, host_bytes call_bytes, const MemberInfo& member,
                       int depth, host_buffer* result, v1::Value* value) const {
  *result = {nullptr, 0};
  // "module.function" (or "module.Object" for a constructor), as the chain of calls names it.
  const std::string call_name =
      call.module() + "." +
      (member.kind == MemberInfo::Kind::kConstructor ? call.object() : member.cli_name);
  if (depth > kMaxCallDepth) return Status::Failed(NestedTooDeepError(kMaxCallDepth, call_name));
  const LoadedModule* module = FindLoaded(call.module());
  host_context ctx{this, depth, nullptr, core_.get()};
  host_buffer error{nullptr, 0};
  host_status status;
  try {
    status = InvokeCached(*module, &ctx, call, call_bytes, member, result, &error);
  } catch (const std::exception& e) {
    // A last resort: an exception must not cross a module's frames or end the process.
    ApiFree(result->data);
    *result = {nullptr, 0};
    return Status::Failed("internal error in " + call_name + ": " + e.what() +
                          "; please report it");
  }
  auto what = [&] {
    return member.kind == MemberInfo::Kind::kConstructor ? "the constructor of " + call.object()
                                                         : "function '" + member.cli_name + "'";
  };
  if (status != HOST_STATUS_OK) {
    v1::Error err;
    bool parsed = err.ParseFromArray(error.data, static_cast<int>(error.size));
    ApiFree(result->data);
    ApiFree(error.data);
    *result = {nullptr, 0};
    std::string message = parsed && !err.message().empty()
                              ? err.message()
                              : "it failed with status " + std::to_string(status);
    // Past the depth limit, the error names the chain of calls once instead of one prefix per
    // level.
    if (std::optional<std::string> chain = AddCallerToNestedTooDeep(message, call_name)) {
      return Status::Failed(*chain);
    }
    // A module that rejects its arguments reports a usage error, like the registry does.
    return Status(status == HOST_STATUS_INVALID_ARGUMENT ? ErrorKind::kUsage : ErrorKind::kFailed,
                  what() + " of module '" + call.module() + "' failed: " + message);
  }
  ApiFree(error.data);
  if (!module->builtin() && result->size > *options_.max_result_size) {
    const size_t size = result->size;
    ApiFree(result->data);
    *result = {nullptr, 0};
    return Status::Failed(what() + " of module '" + call.module() + "' returned " +
                          FormatSize(size) + " (" + std::to_string(size) +
                          " bytes), more than max_result_size allows (" +
                          FormatSize(*options_.max_result_size) +
                          "); return large data as a File or Directory, or raise "
                          "max_result_size in " +
                          result_limit_origin_);
  }
  if (value == nullptr && IsWireCheckable(member.return_type()) &&
      ScalarWireMatches(*result, member.return_type())) {
    return {};  // checked on the wire; the caller passes the bytes on without parsing them
  }
  ScratchArena arena;
  if (value == nullptr) value = arena.Make<v1::Value>();
  if (!value->ParseFromArray(result->data, static_cast<int>(result->size))) {
    ApiFree(result->data);
    *result = {nullptr, 0};
    return Status::Failed(what() + " of module '" + call.module() +
                          "' returned bytes that are not a host.v1.Value");
  }
  if (!registry_.Conforms(*value, member.return_type())) {
    ApiFree(result->data);
    *result = {nullptr, 0};
    Status s = registry_.CheckValue(*value, member.return_type(), "the result of " + what());
    return Status::Failed("module '" + call.module() + "' broke its schema: " + s.message());
  }
  if (member.return_type().kind() == v1::TYPE_KIND_FLOAT &&
      value->kind_case() == v1::Value::kIntValue) {  // callers always receive a Float
    value->set_float_value(static_cast<double>(value->int_value()));
    ApiFree(result->data);
    if (!FillApiBuffer(*value, result)) return Status::Failed("out of memory");
  }
  // The core module names its own objects (a secret's ID is a keyed hash, never a digest of
  // its plaintext), also when a module passes one on as its result: that ID is how the engine
  // finds the object. Every other module's objects get the digest of the call that made them.
  if (value->kind_case() == v1::Value::kObjectValue) {
    const v1::ObjectValue& object = value->object_value();
    const ObjectInfo* type = registry_.FindObject(object.type_name());
    const bool core_named =
        !object.id().empty() &&
        (module->builtin() || (type != nullptr && type->module->def.name() == "core"));
    if (!core_named) value->mutable_object_value()->set_id(CallDigest(module->Digest(), call));
  }
  return {};
}

host_status Runtime::InvokeCached(const LoadedModule& module, host_context* ctx,
                                  const v1::Call& call, host_bytes call_bytes,
                                  const MemberInfo& member, host_buffer* result,
                                  host_buffer* error) const {
  const v1::CachePolicy policy = member.cache();
  if (module.builtin() || member.kind != MemberInfo::Kind::kFunction ||
      policy == v1::CACHE_POLICY_NEVER) {
    return module.Invoke(ctx, call_bytes, result, error);
  }
  // A persistent function that runs faster than a lookup is simply run, unless this run is slow.
  const bool session = policy == v1::CACHE_POLICY_SESSION;
  const bool cheap = !session && FunctionCache::IsCheap(member);
  std::optional<FunctionCacheKey> key;
  const std::string_view bytes(reinterpret_cast<const char*>(call_bytes.data), call_bytes.size);
  if (!cheap) {
    std::optional<std::string> found = functions_->FindInSession(bytes);
    if (!found) {
      Result<FunctionCacheKey> made =
          FunctionCache::KeyOf(call, bytes, module.Digest(), registry_, *core_, !session);
      if (made.ok()) key = std::move(*made);
      if (key) found = functions_->FindOnDisk(*key);
    }
    if (found) {
      const auto* data = reinterpret_cast<const uint8_t*>(found->data());
      return FillApiBuffer(data, found->size(), result) ? HOST_STATUS_OK : HOST_STATUS_ERROR;
    }
  }
  const auto start = std::chrono::steady_clock::now();
  host_status status = module.Invoke(ctx, call_bytes, result, error);
  if (status != HOST_STATUS_OK) return status;
  const bool worth_keeping =
      session || std::chrono::steady_clock::now() - start >= FunctionCache::kWorthKeeping;
  if (!session && worth_keeping == cheap) FunctionCache::SetCheap(member, !worth_keeping);
  if (!worth_keeping) return status;
  if (!key) {
    Result<FunctionCacheKey> made =
        FunctionCache::KeyOf(call, bytes, module.Digest(), registry_, *core_, true);
    if (!made.ok()) return status;
    key = std::move(*made);
  }
  functions_->Store(*key, std::string(reinterpret_cast<const char*>(result->data), result->size),
                    registry_, *core_);
  return status;
}

}  // namespace host
