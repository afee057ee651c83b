#include "core/types/core_module.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>

#include "core/base/size.h"
#include "core/base/tree_path.h"
#include "core/engine/cache_admin.h"
#include "core/engine/call_context.h"
#include "core/engine/call_digest.h"
#include "core/engine/engine.h"
#include "core/engine/state_dir.h"
#include "core/types/core_schema.h"
#include "host/scratch_arena.h"

namespace host {
namespace {

// One call of a core function, with what handlers need.
struct CoreCall {
  CoreServices& services;
  const v1::Call& call;
  const Runtime& engine;

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

v1::Value StringList(const std::vector<std::string>& items) {
  v1::Value v;
  auto* list = v.mutable_list_value();
  for (const auto& item : items) list->add_items()->set_string_value(item);
  return v;
}

Status NoCommand() {
  return Status::Usage(
      "the container has run no command: call with-exec before reading its output");
}

// A handler that evaluates the receiver (with one of the evaluator's functions) and reads its
// result from the evaluated state.
template <class State>
Handler On(Result<State> (Evaluator::*evaluate)(const std::string&),
           std::function<Result<v1::Value>(CoreCall&, const State&)> read) {
  return [evaluate, read](CoreCall& c) -> Result<v1::Value> {
    Result<State> state = (c.services.evaluator().*evaluate)(c.call.receiver().id());
    if (!state.ok()) return state.status();
    return read(c, *state);
  };
}

// A handler reading the receiving container's state.
Handler OnContainer(std::function<Result<v1::Value>(CoreCall&, const ContainerState&)> read) {
  return On<ContainerState>(&Evaluator::Container, std::move(read));
}
// A handler reading the receiving directory's snapshot.
Handler OnDirectory(std::function<Result<v1::Value>(CoreCall&, const Snapshot&)> read) {
  return On<Snapshot>(&Evaluator::Directory, std::move(read));
}
// A handler reading the receiving file.
Handler OnFile(std::function<Result<v1::Value>(CoreCall&, const FileState&)> read) {
  return On<FileState>(&Evaluator::File, std::move(read));
}

// A field of the receiving container's last command output.
Handler LastExec(std::function<v1::Value(const ExecOutput&)> read) {
  return OnContainer([read](CoreCall&, const ContainerState& s) -> Result<v1::Value> {
    if (!s.last_exec) return NoCommand();
    return read(*s.last_exec);
  });
}

// The result type of a core function, or nullptr.
const v1::TypeRef* ReturnType(std::string_view object, std::string_view function) {
  for (const auto& o : CoreSchema().objects()) {
    if (o.name() != object) continue;
    for (const auto& f : o.functions()) {
      if (f.name() == function) return &f.return_type();
    }
  }
  return nullptr;
}

// A function that returns a core object makes a lazy node: nothing runs until a leaf needs it.
Result<v1::Value> LazyObject(CoreCall& c, const std::string& type) {
  std::string id = CallDigest(c.engine.FindLoaded("core")->Digest(), c.call);
  c.services.nodes().Put(id, Node{type, c.call});
  return ObjectRef(type.c_str(), id);
}

// Whether a relative path matches a glob pattern ("**/" also matches no folder at all).
bool GlobMatches(const std::string& pattern, const std::string& path) {
  if (fnmatch(pattern.c_str(), path.c_str(), 0) == 0) return true;
  return pattern.rfind("**/", 0) == 0 && fnmatch(pattern.substr(3).c_str(), path.c_str(), 0) == 0;
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

// Where Container.export writes: an absolute path, in a folder that exists, that is no folder.
Result<std::filesystem::path> ExportTarget(const std::string& path) {
  if (path.empty()) return Status::Usage("export needs --path, the tar file to write");
  std::error_code ec;
  std::filesystem::path to = std::filesystem::absolute(path, ec).lexically_normal();
  if (ec) return Status::Usage("cannot export to " + path + ": " + ec.message());
  if (!to.has_filename() || std::filesystem::is_directory(to, ec)) {
    return Status::Usage("cannot export to " + to.string() +
                         ": it is a folder; give the path of the tar file to write");
  }
  if (!std::filesystem::is_directory(to.parent_path(), ec)) {
    return Status::Usage("cannot export to " + to.string() + ": the folder " +
                         to.parent_path().string() + " does not exist");
  }
  return to;
}

// The most File.contents returns; a larger file is exported instead.
constexpr uint64_t kMaxContents = uint64_t{512} << 20;

// A host path an export writes to, made absolute; `what` says what it names in errors.
Result<std::filesystem::path> HostTarget(const std::string& path, const std::string& what) {
  if (path.empty()) return Status::Usage("export needs --path, " + what + " to write");
  std::error_code ec;
  std::filesystem::path to = std::filesystem::absolute(path, ec).lexically_normal();
  if (ec) return Status::Usage("cannot export to " + path + ": " + ec.message());
  return to;
}

// Writes a copy of file at `to` on the host: a temporary file renamed over `to`, so a symlink
// there is replaced, not followed, and a failure leaves what was there. Setuid and setgid bits
// are dropped.
Status ExportFile(const std::filesystem::path& file, const std::filesystem::path& to) {
  std::error_code ec;
  struct stat there {};
  if (lstat(to.c_str(), &there) == 0 && S_ISDIR(there.st_mode)) {
    return Status::Usage("cannot export to " + to.string() +
                         ": it is a folder; give the path of the file to write");
  }
  if (to.has_parent_path()) std::filesystem::create_directories(to.parent_path(), ec);
  std::string tmp = (to.parent_path() / ("." + to.filename().string() + ".tmp-XXXXXX")).string();
  int out = mkstemp(tmp.data());
  if (out < 0) return Status::Failed("cannot write " + to.string() + ": " + std::strerror(errno));
  Status copied = CopyBytes(file, out);
  struct stat st {};
  if (copied.ok() && (lstat(file.c_str(), &st) != 0 || fchmod(out, st.st_mode & 01777) != 0)) {
    copied = Status::Failed("cannot write " + to.string() + ": " + std::strerror(errno));
  }
  if (close(out) != 0 && copied.ok()) {
    copied = Status::Failed("cannot write " + to.string() + ": " + std::strerror(errno));
  }
  if (copied.ok() && rename(tmp.c_str(), to.c_str()) != 0) {
    copied = Status::Failed("cannot write " + to.string() + ": " + std::strerror(errno));
  }
  if (!copied.ok()) unlink(tmp.c_str());
  return copied;
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
      {"Container.stdout", LastExec([](const ExecOutput& e) { return StringValue(e.stdout_bytes); })},
      {"Container.stderr", LastExec([](const ExecOutput& e) { return StringValue(e.stderr_bytes); })},
      {"Container.exit-code", LastExec([](const ExecOutput& e) {
         v1::Value v;
         v.set_int_value(e.exit_code);
         return v;
       })},
      {"Container.sync", OnContainer([](CoreCall& c, const ContainerState&) -> Result<v1::Value> {
         return ObjectRef("Container", c.call.receiver().id());
       })},
      {"Container.env-variable",
       OnContainer([](CoreCall& c, const ContainerState& s) -> Result<v1::Value> {
         std::string prefix = c.String("name") + "=";
         for (const auto& e : s.env) {
           if (e.rfind(prefix, 0) == 0) return StringValue(e.substr(prefix.size()));
         }
         return v1::Value();
       })},
      {"Container.env-variables", OnContainer([](CoreCall&, const ContainerState& s) -> Result<v1::Value> {
         return StringList(s.env);
       })},
      {"Container.workdir", OnContainer([](CoreCall&, const ContainerState& s) -> Result<v1::Value> {
         return StringValue(s.workdir);
       })},
      {"Container.user", OnContainer([](CoreCall&, const ContainerState& s) -> Result<v1::Value> {
         return StringValue(s.user);
       })},
      {"Container.entrypoint", OnContainer([](CoreCall&, const ContainerState& s) -> Result<v1::Value> {
         return StringList(s.entrypoint);
       })},
      {"Container.default-args", OnContainer([](CoreCall&, const ContainerState& s) -> Result<v1::Value> {
         return StringList(s.default_args);
       })},
      {"Container.export",
       [](CoreCall& c) -> Result<v1::Value> {
         // The path is checked before the container is evaluated: a typo costs no build.
         Result<std::filesystem::path> to = ExportTarget(c.String("path"));
         if (!to.ok()) return to.status();
         Result<ContainerState> state = c.services.evaluator().Container(c.call.receiver().id());
         if (!state.ok()) return state.status();
         Result<ContainerBackend*> backend = c.services.Backend();
         if (!backend.ok()) return backend.status();
         ImageExport spec;  // secret variables and mounts are not part of an image
         spec.layers = state->layers;
         spec.env = state->env;
         spec.entrypoint = state->entrypoint;
         spec.cmd = state->default_args;
         spec.working_dir = state->workdir;
         spec.user = state->user;
         spec.path = *to;
         auto started = std::chrono::steady_clock::now();
         const int ticket = c.services.progress().Started("export " + to->string());
         Result<std::string> digest = (*backend)->Export(spec);
         c.services.progress().Finished(
             ticket, (digest.ok() ? "" : "FAILED ") +
                         FormatSeconds(std::chrono::steady_clock::now() - started));
         if (!digest.ok()) return digest.status();
         return StringValue(to->string());
       }},
      {"Directory.entries", OnDirectory([](CoreCall& c, const Snapshot& dir) -> Result<v1::Value> {
         Result<std::filesystem::path> inside = InsidePath(c.String("path"), "path");
         if (!inside.ok()) return inside.status();
         Result<std::filesystem::path> folder =
             ResolveInFolder(dir.path, inside->string(), LastLink::kFollow);
         if (!folder.ok()) return folder.status();
         if (DescribeHostEntry(*folder).kind != TreeEntry::Kind::kDirectory) {
           return Status::Usage("the directory has no folder " + c.String("path"));
         }
         std::error_code ec;
         std::vector<std::string> names;
         for (auto it = std::filesystem::directory_iterator(*folder, ec);
              it != std::filesystem::directory_iterator(); it.increment(ec)) {
           names.push_back(it->path().filename().string());
         }
         if (ec) return Status::Failed("cannot read the folder " + c.String("path") + ": " + ec.message());
         std::sort(names.begin(), names.end());
         return StringList(names);
       })},
      {"Directory.glob", OnDirectory([](CoreCall& c, const Snapshot& dir) -> Result<v1::Value> {
         std::vector<std::string> paths;
         std::error_code ec;
         for (auto it = std::filesystem::recursive_directory_iterator(dir.path, ec);
              it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
           std::string rel = it->path().lexically_relative(dir.path).generic_string();
           if (GlobMatches(c.String("pattern"), rel)) paths.push_back(rel);
         }
         if (ec) return Status::Failed("cannot read the directory: " + ec.message());
         std::sort(paths.begin(), paths.end());
         return StringList(paths);
       })},
      {"Directory.digest", OnDirectory([](CoreCall&, const Snapshot& dir) -> Result<v1::Value> {
         return StringValue(dir.digest);
       })},
      {"Directory.export", OnDirectory([](CoreCall& c, const Snapshot& dir) -> Result<v1::Value> {
         Result<std::filesystem::path> to = HostTarget(c.String("path"), "the folder");
         if (!to.ok()) return to.status();
         struct stat there {};
         if (lstat(to->c_str(), &there) == 0 && S_ISLNK(there.st_mode)) {
           return Status::Usage("cannot export to " + to->string() +
                                ": it is a symlink; give the path of a real folder");
         }
         if (Status s = CopyTree(dir.path, *to, {}, false, CopyTarget::kHost); !s.ok()) return s;
         return StringValue(to->string());
       })},
      {"File.contents", OnFile([](CoreCall& c, const FileState& file) -> Result<v1::Value> {
         struct stat st {};
         if (lstat(file.path.c_str(), &st) != 0) {
           return Status::Failed("cannot read " + file.name + ": " + std::strerror(errno));
         }
         if (static_cast<uint64_t>(st.st_size) > kMaxContents) {
           return Status::Usage("the file " + file.name + " holds " +
                                FormatSize(static_cast<uint64_t>(st.st_size)) +
                                ", more than contents returns (" + FormatSize(kMaxContents) +
                                "); write it to the host with export instead");
         }
         std::ifstream in(file.path, std::ios::binary);
         return StringValue(
             c.services.secrets().Redact(std::string((std::istreambuf_iterator<char>(in)), {})));
       })},
      {"File.size", OnFile([](CoreCall&, const FileState& file) -> Result<v1::Value> {
         struct stat st {};  // from metadata: a sparse file is not read
         if (lstat(file.path.c_str(), &st) != 0) {
           return Status::Failed("cannot read " + file.name + ": " + std::strerror(errno));
         }
         v1::Value v;
         v.set_int_value(static_cast<int64_t>(st.st_size));
         return v;
       })},
      {"File.name", OnFile([](CoreCall&, const FileState& file) -> Result<v1::Value> {
         return StringValue(file.name);
       })},
      {"File.digest",
       [](CoreCall& c) -> Result<v1::Value> {
         Result<std::string> digest = c.services.evaluator().FileDigestOf(c.call.receiver().id());
         if (!digest.ok()) return digest.status();
         return StringValue(*digest);
       }},
      {"File.export", OnFile([](CoreCall& c, const FileState& file) -> Result<v1::Value> {
         Result<std::filesystem::path> to = HostTarget(c.String("path"), "the file");
         if (!to.ok()) return to.status();
         if (Status s = ExportFile(file.path, *to); !s.ok()) return s;
         return StringValue(to->string());
       })},
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
  return FillApiBuffer(CoreSchema(), def) ? HOST_STATUS_OK : HOST_STATUS_ERROR;
}

host_status Invoke(host_context* ctx, host_bytes bytes, host_buffer* result, host_buffer* error) {
  ScratchArena arena;
  v1::Call& call = *arena.Make<v1::Call>();
  if (ctx == nullptr || !call.ParseFromArray(bytes.data, static_cast<int>(bytes.size))) {
    FillApiError("the core module received a malformed call", error);
    return HOST_STATUS_INVALID_ARGUMENT;
  }
  std::string key = call.object() + "." + call.function();
  CoreCall core_call{ctx->engine->core(), call, *ctx->engine};
  Result<v1::Value> value = Status::Failed("");
  if (auto handler = Handlers().find(key); handler != Handlers().end()) {
    value = handler->second(core_call);
  } else if (const v1::TypeRef* type = ReturnType(call.object(), call.function());
             type && type->kind() == v1::TYPE_KIND_OBJECT && type->name() != "Secret") {
    value = LazyObject(core_call, type->name());
  } else {
    FillApiError("the core module has no implementation of " + key, error);
    return HOST_STATUS_UNSUPPORTED;
  }
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

CoreServices::~CoreServices() {
  // A run that pulled or ran something keeps the stores within the configured size, evicting
  // what was used least recently, but never what this run used.
  if (cache_size_ > 0) EvictIfOver(state_dir_, cache_size_, started_);
}

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
