#include "core/types/evaluator.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <chrono>
#include <cstdio>

#include "core/base/sha256.h"
#include "core/types/core_module.h"

namespace host {
namespace fs = std::filesystem;
namespace {

// The named argument of a call (the absent value when not given).
const v1::Value& Arg(const v1::Call& call, std::string_view name) {
  static const v1::Value kAbsent;
  for (const auto& a : call.args()) {
    if (a.name() == name) return a.value();
  }
  return kAbsent;
}

std::vector<std::string> Strings(const v1::Value& value) {
  std::vector<std::string> out;
  for (const auto& item : value.list_value().items()) out.push_back(item.string_value());
  return out;
}

// A digest chaining a parent digest with the fields of one operation.
std::string Chain(const std::string& parent, std::initializer_list<std::string_view> fields) {
  Sha256 sha;
  sha.UpdateField(parent);
  for (std::string_view f : fields) sha.UpdateField(f);
  return "sha256:" + sha.HexDigest();
}

// Sets or replaces NAME=value in env.
void SetEnv(std::vector<std::string>* env, const std::string& name, const std::string& value) {
  for (auto& entry : *env) {
    if (entry.compare(0, name.size() + 1, name + "=") == 0) {
      entry = name + "=" + value;
      return;
    }
  }
  env->push_back(name + "=" + value);
}

// A command line as people read it, for progress and errors.
std::string Shown(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args) {
    bool plain = !a.empty() && a.find_first_of(" \t'\"$\\") == std::string::npos;
    out += (out.empty() ? "" : " ") + (plain ? a : "'" + a + "'");
  }
  return out;
}

// The last n lines of text.
std::string LastLines(const std::string& text, size_t n) {
  size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;
  for (size_t lines = 0; pos > 0; --pos) {
    if (text[pos - 1] == '\n' && ++lines == n) break;
  }
  return text.substr(pos);
}

std::string Seconds(std::chrono::steady_clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fs", std::chrono::duration<double>(d).count());
  return buf;
}

// An exclusive lock on a file, held while alive (for LOCKED cache volumes).
class FileLock {
 public:
  explicit FileLock(const fs::path& path)
      : fd_(open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
    if (fd_ >= 0) flock(fd_, LOCK_EX);
  }
  ~FileLock() {
    if (fd_ >= 0) close(fd_);
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

}  // namespace

Result<ContainerState> Evaluator::Container(const std::string& id) {
  std::promise<Result<ContainerState>> promise;
  std::shared_future<Result<ContainerState>> future;
  bool owner = false;
  {
    std::lock_guard lock(mutex_);
    auto it = containers_.find(id);
    if (it == containers_.end()) {
      future = promise.get_future().share();
      containers_.emplace(id, future);
      owner = true;
    } else {
      future = it->second;
    }
  }
  if (owner) promise.set_value(ComputeContainer(id));
  return future.get();
}

Result<ContainerState> Evaluator::ComputeContainer(const std::string& id) {
  std::shared_ptr<const Node> node = services_->nodes().Get(id);
  if (!node || node->type != "Container") {
    return Status::Failed("unknown container " + id +
                          ": objects live only in the engine session that made them");
  }
  const v1::Call& call = node->call;
  const std::string& fn = call.function();
  if (call.object() == "Query") {  // container(): an empty root filesystem
    ContainerState scratch;
    scratch.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
    return scratch;
  }
  Result<ContainerState> parent_result = Container(call.receiver().id());
  if (!parent_result.ok()) return parent_result.status();
  ContainerState state = std::move(*parent_result);
  auto text = [&](std::string_view name) { return Arg(call, name).string_value(); };

  if (fn == "from") {
    Result<images::ImageStore*> images = services_->Images();
    if (!images.ok()) return images.status();
    std::string address = text("address");
    auto started = std::chrono::steady_clock::now();
    services_->Progress("host: pull " + address);
    Result<images::Image> image = (*images)->Pull(address);
    if (!image.ok()) return image.status().Prefixed("from " + address + ": ");
    services_->Progress("host: pulled " + address + " " +
                        Seconds(std::chrono::steady_clock::now() - started));
    ContainerState from;
    from.digest = Chain("from", {image->manifest_digest});
    from.layers = image->layers;
    from.env = image->env;
    if (from.env.empty()) from.env = ContainerState().env;
    from.entrypoint = image->entrypoint;
    from.default_args = image->cmd;
    from.workdir = image->working_dir.empty() ? "/" : image->working_dir;
    from.user = image->user;
    from.mounts = state.mounts;
    from.secret_env = state.secret_env;
    return from;
  }
  if (fn == "with-env-variable") {
    SetEnv(&state.env, text("name"), text("value"));
    state.digest = Chain(state.digest, {"env", text("name"), text("value")});
  } else if (fn == "without-env-variable") {
    std::string prefix = text("name") + "=";
    std::erase_if(state.env, [&](const std::string& e) { return e.rfind(prefix, 0) == 0; });
    state.digest = Chain(state.digest, {"unset-env", text("name")});
  } else if (fn == "with-workdir") {
    state.workdir = text("path");
    state.digest = Chain(state.digest, {"workdir", state.workdir});
  } else if (fn == "with-user") {
    state.user = text("name");
    state.digest = Chain(state.digest, {"user", state.user});
  } else if (fn == "with-entrypoint") {
    state.entrypoint = Strings(Arg(call, "args"));
    state.digest = Chain(state.digest, {"entrypoint", Shown(state.entrypoint)});
  } else if (fn == "with-default-args") {
    state.default_args = Strings(Arg(call, "args"));
    state.digest = Chain(state.digest, {"default-args", Shown(state.default_args)});
  } else if (fn == "with-secret-variable") {
    const std::string& secret = Arg(call, "secret").object_value().id();
    std::erase_if(state.secret_env, [&](const auto& e) { return e.first == text("name"); });
    state.secret_env.emplace_back(text("name"), secret);
    state.digest = Chain(state.digest, {"secret-env", text("name"), secret});
  } else if (fn == "with-mounted-secret") {
    MountState mount;
    mount.kind = MountState::Kind::kSecret;
    mount.target = text("path");
    mount.secret_id = Arg(call, "source").object_value().id();
    mount.mode = static_cast<unsigned>(Arg(call, "mode").int_value());
    mount.digest = mount.secret_id;
    state.mounts.push_back(mount);
    state.digest = Chain(state.digest, {"secret-mount", mount.target, mount.secret_id});
  } else if (fn == "with-mounted-cache") {
    std::shared_ptr<const Node> cache =
        services_->nodes().Get(Arg(call, "cache").object_value().id());
    if (!cache) return Status::Failed("unknown cache volume");
    std::string key = Arg(cache->call, "key").string_value();
    MountState mount;
    mount.kind = MountState::Kind::kCache;
    mount.target = text("path");
    mount.source = services_->state_dir() / "caches" / Sha256Hex(key);
    mount.digest = "cache:" + key + ":" + Arg(call, "sharing").enum_value();
    state.mounts.push_back(mount);
    state.digest = Chain(state.digest, {"cache-mount", mount.target, mount.digest});
  } else if (fn == "with-exec") {
    return Exec(state, *node);
  } else {
    return Status::Failed("Container." + fn + " cannot be evaluated");
  }
  return state;
}

Result<ContainerState> Evaluator::Exec(const ContainerState& parent, const Node& node) {
  const v1::Call& call = node.call;
  std::vector<std::string> args = Strings(Arg(call, "args"));
  if (Arg(call, "use-entrypoint").bool_value()) {
    args.insert(args.begin(), parent.entrypoint.begin(), parent.entrypoint.end());
  }
  if (args.empty()) {
    return Status::Usage(
        "with-exec needs a command: give --args (for example --args sh,-c,'echo hi')");
  }
  const std::string expect = Arg(call, "expect").enum_value();
  const std::string stdin_bytes = Arg(call, "stdin").string_value();

  // The cache key: everything the step's result depends on.
  Sha256 key_sha;
  key_sha.UpdateField(parent.digest);
  key_sha.UpdateField("exec");
  for (const auto& a : args) key_sha.UpdateField(a);
  for (const auto& e : parent.env) key_sha.UpdateField(e);
  key_sha.UpdateField(parent.workdir);
  key_sha.UpdateField(parent.user);
  key_sha.UpdateField(stdin_bytes);
  for (const auto& m : parent.mounts) {
    key_sha.UpdateField(m.target);
    key_sha.UpdateField(m.digest);
  }
  for (const auto& [name, secret] : parent.secret_env) {
    key_sha.UpdateField(name);
    key_sha.UpdateField(secret);
  }
  const std::string key = "sha256:" + key_sha.HexDigest();

  StepSpec spec;
  spec.layers = parent.layers;
  spec.args = args;
  spec.env = parent.env;
  spec.workdir = parent.workdir;
  spec.user = parent.user;
  if (!Arg(call, "stdin").string_value().empty()) spec.stdin_bytes = stdin_bytes;
  std::vector<std::unique_ptr<FileLock>> locks;
  for (const auto& [name, secret_id] : parent.secret_env) {
    auto secret = services_->secrets().Get(secret_id);
    if (!secret) return Status::Failed("secret for $" + name + " is not known in this session");
    spec.secret_env.push_back(name + "=" + secret->second);
  }
  for (const auto& m : parent.mounts) {
    if (m.kind == MountState::Kind::kSecret) {
      auto secret = services_->secrets().Get(m.secret_id);
      if (!secret) return Status::Failed("secret mounted at " + m.target + " is not known");
      spec.mounts.push_back(StepMount::File(m.target, secret->second, m.mode));
    } else if (m.kind == MountState::Kind::kCache) {
      std::error_code ec;
      fs::create_directories(m.source, ec);
      if (m.digest.size() > 7 && m.digest.substr(m.digest.size() - 7) == ":LOCKED") {
        locks.push_back(std::make_unique<FileLock>(fs::path(m.source.string() + ".lock")));
      }
      spec.mounts.push_back(StepMount::Cache(m.source, m.target));
    }
  }

  auto matches = [&](int code) {
    return expect == "ANY" || (expect == "FAILURE" ? code != 0 : code == 0);
  };
  const std::string shown = Shown(args);
  auto started = std::chrono::steady_clock::now();
  bool cached = false;
  Result<CachedStep> step = services_->steps().GetOrRun(
      key,
      [&](const fs::path& layer) -> Result<StepResult> {
        services_->Progress("host: exec " + shown);
        Result<const StepRunner*> runner = services_->Runner();
        if (!runner.ok()) return runner.status();
        spec.result_layer = layer;
        return (*runner)->Run(spec);
      },
      [&](const StepResult& r) { return matches(r.exit_code); },
      [&](std::string_view text) { return services_->secrets().Redact(text); }, &cached);
  if (!step.ok()) return step.status().Prefixed("exec " + shown + ": ");
  services_->Progress(
      "host: exec " + shown + " " +
      (cached ? std::string("CACHED") : Seconds(std::chrono::steady_clock::now() - started)));
  if (!matches(step->exit_code)) {
    std::string message = "exec " + shown + " exited with code " + std::to_string(step->exit_code);
    if (expect == "FAILURE") message += " (a failure was expected)";
    std::string tail = LastLines(step->stderr_bytes, 20);
    if (!tail.empty()) message += "\nstderr (last lines):\n" + tail;
    return Status::Failed(message);
  }
  ContainerState state = parent;
  state.digest = key;
  state.layers.push_back(step->layer);
  state.last_exec = ExecOutput{step->exit_code, step->stdout_bytes, step->stderr_bytes};
  return state;
}

}  // namespace host
