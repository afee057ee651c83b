#include "core/types/evaluator.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <chrono>
#include <cstring>

#include <sys/stat.h>

#include <fstream>

#include "core/base/file_lock.h"
#include "core/base/random_hex.h"
#include "core/base/sha256.h"
#include "core/base/tree_path.h"
#include "core/types/cache_lease.h"
#include "core/types/core_module.h"
#include "core/types/directory_diff.h"
#include "core/types/layer_view.h"

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

// A command as progress lines and errors show it: on one line, long arguments shortened.
std::string Brief(const std::vector<std::string>& args) {
  constexpr size_t kMaxArg = 60;
  std::vector<std::string> shortened;
  for (std::string a : args) {
    if (const auto newline = a.find('\n'); newline != std::string::npos) a.erase(newline);
    if (a.size() > kMaxArg) a.erase(kMaxArg);
    if (a.size() < args[shortened.size()].size()) a += "...";
    shortened.push_back(std::move(a));
  }
  return Shown(shortened);
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

// Creates a file that must not exist yet (never through a link) with contents and mode; `shown`
// names it in errors.
Status WriteNewFile(const fs::path& file, const std::string& contents, mode_t mode,
                    const std::string& shown) {
  int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  bool written = fd >= 0;
  size_t done = 0;
  while (written && done < contents.size()) {
    ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    written = n > 0;
    if (written) done += static_cast<size_t>(n);
  }
  const int error = errno;
  written = written && fchmod(fd, mode & 07777) == 0;
  if (fd >= 0) close(fd);
  if (!written) {
    return Status::Failed("cannot write the file " + shown + ": " + std::strerror(error) +
                          (error == ENAMETOOLONG ? " (a name has at most 255 bytes)" : ""));
  }
  return {};
}

// A host path given by the user, made absolute; `what` names it in errors.
Result<fs::path> HostPath(const std::string& path, const std::string& what) {
  if (path.empty()) return Status::Usage(what + " needs --path, a path on the host");
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec).lexically_normal();
  if (ec) return Status::Usage(what + " " + path + ": " + ec.message());
  return absolute;
}

// Which folder a path is (device and inode; zeros when missing), to notice one replaced.
using FolderIdentity = std::pair<dev_t, ino_t>;
std::vector<FolderIdentity> Identities(const std::vector<fs::path>& folders) {
  std::vector<FolderIdentity> out;
  for (const auto& folder : folders) {
    struct stat st {};
    out.emplace_back(lstat(folder.c_str(), &st) == 0 ? FolderIdentity{st.st_dev, st.st_ino}
                                                     : FolderIdentity{0, 0});
  }
  return out;
}

// The patterns of a folder's .gitignore that a filter can use (negations are not supported).
std::vector<std::string> GitignorePatterns(const fs::path& dir) {
  std::vector<std::string> patterns = {".git"};
  std::ifstream in(dir / ".gitignore");
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (line.empty() || line[0] == '#' || line[0] == '!') continue;
    patterns.push_back(line);
  }
  return patterns;
}

}  // namespace

template <class T>
Result<T> Evaluator::Once(std::map<std::string, std::shared_future<Result<T>>>* memo,
                          const std::string& id, const std::function<Result<T>()>& compute) {
  std::promise<Result<T>> promise;
  std::shared_future<Result<T>> future;
  bool owner = false;
  {
    std::lock_guard lock(mutex_);
    auto it = memo->find(id);
    if (it == memo->end()) {
      future = promise.get_future().share();
      memo->emplace(id, future);
      owner = true;
    } else {
      future = it->second;
    }
  }
  if (owner) promise.set_value(compute());
  return future.get();
}

Result<std::shared_ptr<const Node>> Evaluator::NodeOf(const std::string& id,
                                                      const std::string& type) const {
  std::shared_ptr<const Node> node = services_->nodes().Get(id);
  if (!node || node->type != type) {
    return Status::Failed("unknown " + type + " " + id +
                          ": objects live only in the engine session that made them");
  }
  return node;
}

Result<ContainerState> Evaluator::Container(const std::string& id) {
  return Once<ContainerState>(&containers_, id, [&] { return ComputeContainer(id); });
}

Result<Snapshot> Evaluator::Directory(const std::string& id) {
  return Once<Snapshot>(&directories_, id, [&] { return ComputeDirectory(id); });
}

Result<FileState> Evaluator::File(const std::string& id) {
  return Once<FileState>(&files_, id, [&] { return ComputeFile(id); });
}

Result<std::string> Evaluator::FileDigestOf(const std::string& id) {
  return Once<std::string>(&file_digests_, id, [&]() -> Result<std::string> {
    Result<FileState> file = File(id);
    if (!file.ok()) return file.status();
    return FileDigest(file->path);
  });
}

Result<fs::path> Evaluator::DerivedLayer(const std::string& digest, const std::string& at,
                                         const std::function<Status(const fs::path&)>& fill) {
  fs::path dir = services_->state_dir() / "derived";
  fs::path layer = dir / digest.substr(digest.find(':') + 1);
  Result<fs::path> inside = InsidePath(at, "path");
  if (!inside.ok()) return inside.status();
  // Leased once stored; one that a prune removed before the lease is made again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::error_code ec;
    if (!fs::exists(layer, ec)) {
      fs::create_directories(dir, ec);
      // Named by PID (so a leftover of a killed process is recognized) and a random part (so two
      // threads making the same layer do not share it).
      fs::path tmp =
          fs::path(layer.string() + ".tmp" + std::to_string(getpid()) + "-" + RandomHex(8));
      fs::remove_all(tmp, ec);
      fs::create_directories(tmp / inside->parent_path(), ec);
      if (ec) return Status::Failed("cannot create " + tmp.string() + ": " + ec.message());
      if (Status s = fill(tmp / *inside); !s.ok()) {
        fs::remove_all(tmp, ec);
        return s;
      }
      fs::rename(tmp, layer, ec);
      if (ec) fs::remove_all(tmp, ec);  // another process stored the same layer first
    }
    Result<bool> held = services_->leases().Hold({layer});
    if (!held.ok()) return held.status();
    if (*held) return layer;
  }
  return Status::Failed("cannot store a layer in " + dir.string() +
                        ": it was removed again each time (is a prune running in a loop?)");
}

Result<ContainerState> Evaluator::ComputeContainer(const std::string& id) {
  Result<std::shared_ptr<const Node>> found = NodeOf(id, "Container");
  if (!found.ok()) return found.status();
  std::shared_ptr<const Node> node = *found;
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
    Result<ContainerBackend*> backend = services_->Backend();
    if (!backend.ok()) return backend.status();
    std::string address = text("address");
    auto started = std::chrono::steady_clock::now();
    const int ticket = services_->progress().Started("pull " + address);
    // Prunes wait while the pull reads stored blobs and layers; then the layers are leased.
    Result<StoreLeases::Scope> no_prune = services_->leases().Share();
    if (!no_prune.ok()) return no_prune.status();
    Result<PulledImage> image = (*backend)->Pull(address);
    Result<bool> held = image.ok() ? services_->leases().Hold(image->layers) : Result<bool>(true);
    services_->progress().Finished(
        ticket,
        (image.ok() ? "" : "FAILED ") + FormatSeconds(std::chrono::steady_clock::now() - started));
    if (!image.ok()) return image.status().Prefixed("from " + address + ": ");
    if (!held.ok()) return held.status();
    if (!*held) {
      return Status::Failed("from " + address +
                            ": a layer of the image was removed from the state folder while it "
                            "was pulled; run again");
    }
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
    mount.sharing = Arg(call, "sharing").enum_value();
    mount.digest = "cache:" + key + ":" + mount.sharing;
    state.mounts.push_back(mount);
    state.digest = Chain(state.digest, {"cache-mount", mount.target, mount.digest});
  } else if (fn == "with-mounted-directory" || fn == "with-mounted-file") {
    bool is_dir = fn == "with-mounted-directory";
    const std::string& source = Arg(call, "source").object_value().id();
    MountState mount;
    mount.kind = MountState::Kind::kDirectory;
    mount.target = text("path");
    if (is_dir) {
      Result<Snapshot> dir = Directory(source);
      if (!dir.ok()) return dir.status();
      mount.source = dir->path;
      mount.digest = dir->digest;
    } else {
      Result<FileState> file = File(source);
      if (!file.ok()) return file.status();
      Result<std::string> digest = FileDigestOf(source);
      if (!digest.ok()) return digest.status();
      mount.source = file->path;
      mount.digest = *digest;
    }
    state.mounts.push_back(mount);
    state.digest = Chain(state.digest, {"mount", mount.target, mount.digest});
  } else if (fn == "with-directory" || fn == "with-file" || fn == "with-new-file") {
    std::string content_digest;
    std::function<Status(const fs::path&)> fill;
    if (fn == "with-directory") {
      Result<Snapshot> dir = Directory(Arg(call, "directory").object_value().id());
      if (!dir.ok()) return dir.status();
      content_digest = dir->digest;
      fill = [dir = *dir](const fs::path& to) { return CopyTree(dir.path, to, {}, true); };
    } else if (fn == "with-file") {
      Result<FileState> file = File(Arg(call, "source").object_value().id());
      if (!file.ok()) return file.status();
      Result<std::string> digest = FileDigestOf(Arg(call, "source").object_value().id());
      if (!digest.ok()) return digest.status();
      content_digest = *digest;
      fill = [file = *file](const fs::path& to) {
        std::error_code ec;
        fs::copy_file(file.path, to, ec);
        return ec ? Status::Failed("cannot copy " + file.path.string() + ": " + ec.message())
                  : Status();
      };
    } else {
      std::string contents = text("contents");
      auto mode = static_cast<mode_t>(Arg(call, "permissions").int_value());
      content_digest = Sha256Hex(contents) + ":" + std::to_string(mode);
      fill = [contents, mode, shown = text("path")](const fs::path& to) {
        return WriteNewFile(to, contents, mode, shown);
      };
    }
    // The path is resolved in the container as a chroot would: a symlink on the way leads to a
    // path of the container, never out of it. A file replaces a symlink at its path.
    Result<std::string> at =
        ResolveInTree(text("path"), LayerLookup(state.layers),
                      fn == "with-directory" ? LastLink::kFollow : LastLink::kKeep);
    if (!at.ok()) return at.status();
    std::string digest = Chain(state.digest, {fn, text("path"), content_digest});
    Result<fs::path> layer = DerivedLayer(digest, "/" + *at, fill);
    if (!layer.ok()) return layer.status();
    state.layers.push_back(*layer);
    state.digest = digest;
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
  std::vector<FileLock> locks;
  std::vector<fs::path> mount_copies;
  struct RemoveCopies {
    std::vector<fs::path>* copies;
    ~RemoveCopies() {
      std::error_code ec;
      for (const auto& c : *copies) fs::remove_all(c, ec);
    }
  } remove_copies{&mount_copies};
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
    } else if (m.kind == MountState::Kind::kDirectory) {
      // A mounted directory is writable, but what a step writes there is not kept: each step
      // gets its own copy of the snapshot.
      fs::path copy = services_->state_dir() / "tmp" /
                      ("mount-" + key.substr(7, 16) + "-" + std::to_string(getpid()) + "-" +
                       RandomHex(8) + "-" + std::to_string(mount_copies.size()));
      std::error_code ec;
      fs::remove_all(copy, ec);
      Status copied =
          fs::is_directory(m.source, ec)
              ? CopyTree(m.source, copy)
              : (fs::create_directories(copy.parent_path(), ec), fs::copy_file(m.source, copy, ec),
                 ec ? Status::Failed(ec.message()) : Status());
      if (!copied.ok()) return copied.Prefixed("cannot prepare the mount at " + m.target + ": ");
      mount_copies.push_back(copy);
      spec.mounts.push_back(StepMount::Bind(copy, m.target, /*read_only=*/false));
    } else if (m.kind == MountState::Kind::kCache) {
      Result<CacheLease> lease = LeaseCacheVolume(m.source, m.sharing);
      if (!lease.ok()) return lease.status().Prefixed("cache mounted at " + m.target + ": ");
      if (lease->lock) locks.push_back(std::move(*lease->lock));
      spec.mounts.push_back(StepMount::Cache(lease->folder, m.target));
    }
  }

  auto matches = [&](int code) {
    return expect == "ANY" || (expect == "FAILURE" ? code != 0 : code == 0);
  };
  const std::string shown = Brief(args);
  auto started = std::chrono::steady_clock::now();
  bool cached = false;
  int ticket = -1;
  auto run = [&](const fs::path& layer) -> Result<StepResult> {
    ticket = services_->progress().Started("exec " + shown);
    Result<ContainerBackend*> backend = services_->Backend();
    if (!backend.ok()) return backend.status();
    spec.result_layer = layer;
    const std::vector<FolderIdentity> lower = Identities(spec.layers);
    Result<StepResult> result = (*backend)->Run(spec);
    // Leases keep the layers under a step; should one still vanish (a prune by something that
    // ignores them), the step saw a broken filesystem and its result must not be kept.
    if (result.ok() && Identities(spec.layers) != lower) {
      return Status::Failed(
          "a layer under the step was removed from the state folder while the step ran; its "
          "result was not kept; run again");
    }
    return result;
  };
  Result<CachedStep> step = Status::Failed("the step did not run");
  for (int attempt = 0; attempt < 2; ++attempt) {
    step = services_->steps().GetOrRun(
        key, run, [&](const StepResult& r) { return matches(r.exit_code); },
        [&](std::string_view text) { return services_->secrets().Redact(text); }, &cached);
    if (!step.ok() || step->layer.empty()) break;
    Result<bool> held = services_->leases().Hold({step->layer});
    if (!held.ok()) {
      step = held.status();
      break;
    }
    if (*held) break;
    // A prune removed the stored result before it could be leased: the step runs again.
    step = Status::Failed("the stored result of the step was removed while it was used; run again");
  }
  if (cached) {
    services_->progress().Line("host: exec " + shown + " CACHED");
  } else {
    std::string outcome = FormatSeconds(std::chrono::steady_clock::now() - started);
    if (!step.ok()) {
      outcome = "FAILED " + outcome;
    } else if (!matches(step->exit_code)) {
      outcome = "FAILED (exit code " + std::to_string(step->exit_code) + ") " + outcome;
    }
    services_->progress().Finished(ticket, outcome);
  }
  if (!step.ok()) return step.status().Prefixed("exec " + shown + ": ");
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

Result<Snapshot> Evaluator::ComputeDirectory(const std::string& id) {
  Result<std::shared_ptr<const Node>> found = NodeOf(id, "Directory");
  if (!found.ok()) return found.status();
  std::shared_ptr<const Node> node = *found;
  const v1::Call& call = node->call;
  const std::string& fn = call.function();
  SnapshotStore& store = services_->snapshots();
  auto text = [&](std::string_view name) { return Arg(call, name).string_value(); };
  if (call.object() == "Query") return store.Empty();
  if (call.object() == "Host") {
    Result<fs::path> host_path = HostPath(text("path"), "host directory");
    if (!host_path.ok()) return host_path.status();
    const fs::path& path = *host_path;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      return Status::Usage("host directory " + path.string() + " does not exist");
    }
    if (!fs::is_directory(path, ec)) {
      return Status::Usage("host path " + path.string() + " is not a directory; use host file");
    }
    PathFilter filter;
    filter.include = Strings(Arg(call, "include"));
    filter.exclude = Strings(Arg(call, "exclude"));
    if (Arg(call, "gitignore").bool_value()) {
      for (auto& p : GitignorePatterns(path)) filter.exclude.push_back(p);
    }
    return store.Make([&](const fs::path& to) { return CopyTree(path, to, filter); });
  }
  if (call.object() == "Container") {  // Container.directory(path)
    Result<ContainerState> container = Container(call.receiver().id());
    if (!container.ok()) return container.status();
    Result<fs::path> inside = InsidePath(text("path"), "path");
    if (!inside.ok()) return inside.status();
    Result<std::string> at =
        ResolveInTree(inside->string(), LayerLookup(container->layers), LastLink::kFollow);
    if (!at.ok()) return at.status();
    if (LayerLookup(container->layers)(*at).kind != TreeEntry::Kind::kDirectory && !at->empty()) {
      return Status::Usage("the container has no directory " + text("path"));
    }
    return store.Make([&](const fs::path& to) { return MergeLayers(container->layers, *at, to); });
  }
  Result<Snapshot> parent = Directory(call.receiver().id());
  if (!parent.ok()) return parent.status();
  if (fn == "diff") {
    Result<Snapshot> other = Directory(Arg(call, "other").object_value().id());
    if (!other.ok()) return other.status();
    if (other->digest == parent->digest) return store.Empty();
    return store.Make(
        [&](const fs::path& to) { return CopyDifference(parent->path, other->path, to); });
  }
  Result<fs::path> inside = InsidePath(text("path"), "path");
  if (!inside.ok()) return inside.status();
  std::error_code ec;
  if (fn == "directory") {
    Result<fs::path> from = ResolveInFolder(parent->path, inside->string(), LastLink::kFollow);
    if (!from.ok()) return from.status();
    if (DescribeHostEntry(*from).kind != TreeEntry::Kind::kDirectory)
      return Status::Usage("the directory has no subdirectory " + text("path"));
    return store.Make([&](const fs::path& to) { return CopyTree(*from, to, {}, true); });
  }
  return store.Make([&](const fs::path& to) -> Status {
    if (Status s = CopyTree(parent->path, to, {}, true); !s.ok()) return s;
    // Resolved in the new tree as a chroot would: symlinks on the way stay inside it, and a
    // symlink at the path itself is what gets replaced or removed (except by with-directory,
    // which fills the folder it leads to).
    Result<fs::path> resolved = ResolveInFolder(
        to, inside->string(), fn == "with-directory" ? LastLink::kFollow : LastLink::kKeep);
    if (!resolved.ok()) return resolved.status();
    const fs::path& target = *resolved;
    if (target == to && fn != "with-directory" && fn.rfind("without-", 0) != 0) {
      return Status::Usage(fn + " --path '" + text("path") +
                           "' names the directory itself; give the path of a file in it");
    }
    if (fn == "with-new-file" || fn == "with-file") {
      // Folders that do not exist yet are made; the resolved parents exist as real folders.
      fs::create_directories(target.parent_path(), ec);
      fs::remove_all(target, ec);  // never write through a hard link into the parent snapshot
      if (ec) return Status::Failed("cannot write " + target.string() + ": " + ec.message());
    }
    if (fn == "with-new-file") {
      return WriteNewFile(target, text("contents"),
                          static_cast<mode_t>(Arg(call, "permissions").int_value()), text("path"));
    } else if (fn == "with-file") {
      Result<FileState> file = File(Arg(call, "source").object_value().id());
      if (!file.ok()) return file.status();
      fs::copy_file(file->path, target, ec);
    } else if (fn == "with-directory") {
      Result<Snapshot> dir = Directory(Arg(call, "directory").object_value().id());
      if (!dir.ok()) return dir.status();
      return CopyTree(dir->path, target, {}, true);
    } else if (fn == "without-file" || fn == "without-directory") {
      if (target != to) fs::remove_all(target, ec);
    } else {
      return Status::Failed("Directory." + fn + " cannot be evaluated");
    }
    return ec ? Status::Failed("cannot write " + target.string() + ": " + ec.message()) : Status();
  });
}

Result<FileState> Evaluator::ComputeFile(const std::string& id) {
  Result<std::shared_ptr<const Node>> found = NodeOf(id, "File");
  if (!found.ok()) return found.status();
  std::shared_ptr<const Node> node = *found;
  const v1::Call& call = node->call;
  const std::string path = Arg(call, "path").string_value();
  FileState file;
  if (call.object() == "Host") {
    Result<fs::path> absolute = HostPath(path, "host file");
    if (!absolute.ok()) return absolute.status();
    const fs::path& host_path = *absolute;
    std::error_code ec;
    if (!fs::is_regular_file(host_path, ec)) {
      return Status::Usage("host file " + host_path.string() + " does not exist or is not a file");
    }
    // Snapshot the file, so later changes on the host cannot change this File.
    Result<Snapshot> copy = services_->snapshots().Make([&](const fs::path& to) {
      fs::copy_file(host_path, to / host_path.filename(), ec);
      return ec ? Status::Failed("cannot copy " + host_path.string() + ": " + ec.message())
                : Status();
    });
    if (!copy.ok()) return copy.status();
    file.path = copy->path / host_path.filename();
  } else {
    Result<fs::path> inside = InsidePath(path, "path");
    if (!inside.ok()) return inside.status();
    // Symlinks, the last one too, resolve inside the directory or container, never on the host.
    if (call.object() == "Directory") {
      Result<Snapshot> dir = Directory(call.receiver().id());
      if (!dir.ok()) return dir.status();
      Result<fs::path> resolved = ResolveInFolder(dir->path, inside->string(), LastLink::kFollow);
      if (!resolved.ok()) return resolved.status();
      file.path = *resolved;
    } else {  // Container.file
      Result<ContainerState> container = Container(call.receiver().id());
      if (!container.ok()) return container.status();
      Result<std::string> resolved =
          ResolveInTree(inside->string(), LayerLookup(container->layers), LastLink::kFollow);
      if (!resolved.ok()) return resolved.status();
      if (!resolved->empty()) file.path = FindInLayers(container->layers, *resolved);
    }
    struct stat st {};
    if (file.path.empty() || lstat(file.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      return Status::Usage("there is no file " + path + " in the " +
                           (call.object() == "Directory" ? "directory" : "container"));
    }
  }
  file.name = file.path.filename().string();
  return file;
}

}  // namespace host
