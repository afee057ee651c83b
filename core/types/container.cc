// Container: a root filesystem (a stack of layers) and a configuration for running commands.
#include <sys/stat.h>

#include "core/base/sha256.h"
#include "core/base/tree_path.h"
#include "core/types/container_steps.h"
#include "core/types/core_function.h"
#include "core/types/core_module.h"
#include "core/types/host_paths.h"
#include "core/types/layer_view.h"

namespace host {
namespace fs = std::filesystem;

using namespace decl;

namespace {

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

Result<ContainerState> From(CoreCall& c, const ContainerState& state) {
  CoreServices& services = c.services();
  Result<ContainerBackend*> backend = services.Backend();
  if (!backend.ok()) return backend.status();
  const std::string& address = c.String("address");
  ProgressStep progress(services.progress(), "pull " + address);
  // Prunes wait while the pull reads stored blobs and layers; then the layers are leased.
  Result<StoreLeases::Scope> no_prune = services.leases().Share();
  if (!no_prune.ok()) return no_prune.status();
  Result<PulledImage> image = (*backend)->Pull(address);
  Result<bool> held = image.ok() ? services.leases().Hold(image->layers) : Result<bool>(true);
  progress.Finish(image.ok());
  if (!image.ok()) return image.status().Prefixed("from " + address + ": ");
  if (!held.ok()) return held.status();
  if (!*held) {
    return Status::Failed("from " + address +
                          ": a layer of the image was removed from the state folder while it "
                          "was pulled; run again");
  }
  ContainerState from;
  from.digest = ChainDigest("from", {image->manifest_digest});
  from.layers = LayerStack(image->layers);
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

Result<ContainerState> WithMountedCache(CoreCall& c, ContainerState state) {
  Result<CacheVolumeState> cache = c.Object<CacheVolumeState>("cache");
  if (!cache.ok()) return cache.status();
  MountState mount;
  mount.kind = MountState::Kind::kCache;
  mount.target = c.String("path");
  mount.source = c.services().state_dir() / "caches" / Sha256Hex(cache->key);
  mount.sharing = c.Enum("sharing");
  mount.digest = "cache:" + cache->key + ":" + mount.sharing;
  state.mounts.push_back(mount);
  state.digest = ChainDigest(state.digest, {"cache-mount", mount.target, mount.digest});
  return state;
}

// with-mounted-directory and with-mounted-file: a snapshot mounted at --path.
Result<ContainerState> WithMounted(CoreCall& c, ContainerState state, bool is_dir) {
  MountState mount;
  mount.kind = MountState::Kind::kDirectory;
  mount.target = c.String("path");
  if (is_dir) {
    Result<Snapshot> dir = c.Object<Snapshot>("source");
    if (!dir.ok()) return dir.status();
    mount.source = dir->path;
    mount.digest = dir->digest;
  } else {
    Result<FileState> file = c.Object<FileState>("source");
    if (!file.ok()) return file.status();
    Result<std::string> digest = c.evaluator().FileDigestOf(c.IdOf("source"));
    if (!digest.ok()) return digest.status();
    mount.source = file->path;
    mount.digest = *digest;
  }
  state.mounts.push_back(mount);
  state.digest = ChainDigest(state.digest, {"mount", mount.target, mount.digest});
  return state;
}

// with-directory, with-file and with-new-file: a layer holding content_digest's tree at --path.
// The path is resolved in the container as a chroot would: a symlink on the way leads to a path
// of the container, never out of it. A file replaces a symlink at its path.
Result<ContainerState> WithTree(CoreCall& c, ContainerState state,
                                const std::string& content_digest, LastLink last,
                                const std::function<Status(const fs::path&)>& fill) {
  const std::vector<fs::path> layers = state.layers.BottomFirst();
  Result<std::string> at = ResolveInTree(c.String("path"), LayerLookup(layers), last);
  if (!at.ok()) return at.status();
  const std::string& fn = c.call().function();
  std::string digest = ChainDigest(state.digest, {fn, c.String("path"), content_digest});
  Result<fs::path> layer = DerivedLayer(c.services(), digest, "/" + *at, fill);
  if (!layer.ok()) return layer.status();
  state.layers.push_back(*layer);
  state.digest = digest;
  return state;
}

Result<ContainerState> WithDirectory(CoreCall& c, const ContainerState& state) {
  Result<Snapshot> dir = c.Object<Snapshot>("directory");
  if (!dir.ok()) return dir.status();
  return WithTree(c, state, dir->digest, LastLink::kFollow,
                  [&](const fs::path& to) { return CopyTree(dir->path, to, {}, true); });
}

Result<ContainerState> WithFile(CoreCall& c, const ContainerState& state) {
  Result<FileState> file = c.Object<FileState>("source");
  if (!file.ok()) return file.status();
  Result<std::string> digest = c.evaluator().FileDigestOf(c.IdOf("source"));
  if (!digest.ok()) return digest.status();
  return WithTree(c, state, *digest, LastLink::kKeep, [&](const fs::path& to) {
    std::error_code ec;
    fs::copy_file(file->path, to, ec);
    return ec ? Status::Failed("cannot copy " + file->path.string() + ": " + ec.message())
              : Status();
  });
}

Result<ContainerState> WithNewFile(CoreCall& c, const ContainerState& state) {
  const std::string& contents = c.String("contents");
  auto mode = static_cast<mode_t>(c.Int("permissions"));
  return WithTree(
      c, state, Sha256Hex(contents) + ":" + std::to_string(mode), LastLink::kKeep,
      [&](const fs::path& to) { return WriteNewFile(to, contents, mode, c.String("path")); });
}

Result<FileState> FileOf(CoreCall& c, const ContainerState& container) {
  const std::string& path = c.String("path");
  Result<fs::path> inside = InsidePath(path, "path");
  if (!inside.ok()) return inside.status();
  // Symlinks, the last one too, resolve inside the container, never on the host.
  const std::vector<fs::path> layers = container.layers.BottomFirst();
  Result<std::string> resolved =
      ResolveInTree(inside->string(), LayerLookup(layers), LastLink::kFollow);
  if (!resolved.ok()) return resolved.status();
  FileState file;
  if (!resolved->empty()) file.path = FindInLayers(layers, *resolved);
  struct stat st {};
  if (file.path.empty() || lstat(file.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::Usage("there is no file " + path + " in the container");
  }
  file.name = file.path.filename().string();
  return file;
}

Result<Snapshot> DirectoryOf(CoreCall& c, const ContainerState& container) {
  Result<fs::path> inside = InsidePath(c.String("path"), "path");
  if (!inside.ok()) return inside.status();
  const std::vector<fs::path> layers = container.layers.BottomFirst();
  Result<std::string> at = ResolveInTree(inside->string(), LayerLookup(layers), LastLink::kFollow);
  if (!at.ok()) return at.status();
  if (LayerLookup(layers)(*at).kind != TreeEntry::Kind::kDirectory && !at->empty()) {
    return Status::Usage("the container has no directory " + c.String("path"));
  }
  return c.services().snapshots().Make(
      [&](const fs::path& to) { return MergeLayers(layers, *at, to); });
}

// The output of the container's last command, or an error saying there is none.
Result<ExecOutput> LastExec(const ContainerState& s) {
  if (!s.last_exec) {
    return Status::Usage(
        "the container has run no command: call with-exec before reading its output");
  }
  return *s.last_exec;
}

// Where Container.export writes: an absolute path, in a folder that exists, that is no folder.
Result<fs::path> ExportTarget(const std::string& path) {
  Result<fs::path> to = AbsoluteHostPath(path, "export needs --path, the tar file to write");
  if (!to.ok()) return to.status();
  std::error_code ec;
  if (!to->has_filename() || fs::is_directory(*to, ec)) {
    return Status::Usage("cannot export to " + to->string() +
                         ": it is a folder; give the path of the tar file to write");
  }
  if (!fs::is_directory(to->parent_path(), ec)) {
    return Status::Usage("cannot export to " + to->string() + ": the folder " +
                         to->parent_path().string() + " does not exist");
  }
  return to;
}

Result<std::string> Export(CoreCall& c) {
  // The path is checked before the container is evaluated: a typo costs no build.
  Result<fs::path> to = ExportTarget(c.String("path"));
  if (!to.ok()) return to.status();
  Result<ContainerState> state = c.Resolve<ContainerState>(c.receiver());
  if (!state.ok()) return state.status();
  Result<ContainerBackend*> backend = c.services().Backend();
  if (!backend.ok()) return backend.status();
  ImageExport spec;  // secret variables and mounts are not part of an image
  spec.layers = state->layers.BottomFirst();
  spec.env = state->env;
  spec.entrypoint = state->entrypoint;
  spec.cmd = state->default_args;
  spec.working_dir = state->workdir;
  spec.user = state->user;
  spec.path = *to;
  ProgressStep progress(c.services().progress(), "export " + to->string());
  Result<std::string> digest = (*backend)->Export(spec);
  progress.Finish(digest.ok());
  if (!digest.ok()) return digest.status();
  return to->string();
}

// A function that changes one field of the configuration and chains its digest.
template <class Change>
auto Configure(Change change) {
  return [change](CoreCall& c, ContainerState state) -> Result<ContainerState> {
    change(c, state);
    return state;
  };
}

}  // namespace

void DeclareContainer(CoreCatalog& catalog) {
  catalog.Enum("ReturnType", "Which exit codes a command may have.",
               {{"SUCCESS", "Exit code 0."},
                {"FAILURE", "Any exit code but 0."},
                {"ANY", "Any exit code."}});
  catalog.Enum(
      "CacheSharingMode", "How steps running at the same time share a cache volume.",
      {{"SHARED", "All use it at once."},
       {"LOCKED", "One step at a time."},
       {"PRIVATE", "Each running step gets an instance of the volume that no other uses."}});
  catalog.Object<ContainerState>("A root filesystem and a configuration for running commands.")
      .Fn("from", "Starts from an image, e.g. alpine:3.19 or a registry address.",
          {Arg("address", String(), "The image reference.")}, From)
      .Fn("with-env-variable", "Sets an environment variable.",
          {Arg("name", String(), "The variable's name."), Arg("value", String(), "Its value.")},
          Configure([](CoreCall& c, ContainerState& s) {
            SetEnv(&s.env, c.String("name"), c.String("value"));
            s.digest = ChainDigest(s.digest, {"env", c.String("name"), c.String("value")});
          }))
      .Fn("without-env-variable", "Removes an environment variable.",
          {Arg("name", String(), "The variable's name.")},
          Configure([](CoreCall& c, ContainerState& s) {
            std::string prefix = c.String("name") + "=";
            std::erase_if(s.env, [&](const std::string& e) { return e.rfind(prefix, 0) == 0; });
            s.digest = ChainDigest(s.digest, {"unset-env", c.String("name")});
          }))
      .Fn("with-secret-variable",
          "Sets an environment variable to a secret's value, which is never written to disk.",
          {Arg("name", String(), "The variable's name."),
           Arg("secret", Object<SecretState>(), "The secret.")},
          Configure([](CoreCall& c, ContainerState& s) {
            const std::string& name = c.String("name");
            const std::string& secret = c.IdOf("secret");
            std::erase_if(s.secret_env, [&](const auto& e) { return e.first == name; });
            s.secret_env.emplace_back(name, secret);
            s.digest = ChainDigest(s.digest, {"secret-env", name, secret});
          }))
      .Fn("with-workdir", "Sets the working directory of commands.",
          {Arg("path", String(), "An absolute path.")},
          Configure([](CoreCall& c, ContainerState& s) {
            s.workdir = c.String("path");
            s.digest = ChainDigest(s.digest, {"workdir", s.workdir});
          }))
      .Fn("with-user", "Sets the user commands run as.",
          {Arg("name", String(), "A user name, a uid, or uid:gid.")},
          [](CoreCall& c, ContainerState s) -> Result<ContainerState> {
            s.user = c.String("name");
            s.digest = ChainDigest(s.digest, {"user", s.user});
            return s;
          })
      .Fn("with-entrypoint", "Sets the command that use-entrypoint puts first.",
          {Arg("args", Strings(), "The entrypoint's words.")},
          Configure([](CoreCall& c, ContainerState& s) {
            s.entrypoint = c.Strings("args");
            s.digest = ChainDigest(s.digest, {"entrypoint", Shown(s.entrypoint)});
          }))
      .Fn("with-default-args", "Sets the image's default arguments.",
          {Arg("args", Strings(), "The arguments.")}, Configure([](CoreCall& c, ContainerState& s) {
            s.default_args = c.Strings("args");
            s.digest = ChainDigest(s.digest, {"default-args", Shown(s.default_args)});
          }))
      .Fn("with-mounted-secret", "Mounts a secret as a read-only file.",
          {Arg("path", String(), "Where the file appears."),
           Arg("source", Object<SecretState>(), "The secret."),
           Default("mode", Int(), "The file's permission bits.", Number(0400))},
          Configure([](CoreCall& c, ContainerState& s) {
            MountState mount;
            mount.kind = MountState::Kind::kSecret;
            mount.target = c.String("path");
            mount.secret_id = c.IdOf("source");
            mount.mode = static_cast<unsigned>(c.Int("mode"));
            mount.digest = mount.secret_id;
            s.mounts.push_back(mount);
            s.digest = ChainDigest(s.digest, {"secret-mount", mount.target, mount.secret_id});
          }))
      .Fn("with-mounted-cache", "Mounts a cache volume, kept between runs.",
          {Arg("path", String(), "Where the cache appears."),
           Arg("cache", Object<CacheVolumeState>(), "The cache volume."),
           Default("sharing", Enum("CacheSharingMode"), "How concurrent steps share it.",
                   EnumValue("SHARED"))},
          WithMountedCache)
      .Fn("with-mounted-directory", "Mounts a directory; what commands write there is not kept.",
          {Arg("path", String(), "Where it appears."),
           Arg("source", Object<Snapshot>(), "The directory.")},
          [](CoreCall& c, const ContainerState& s) { return WithMounted(c, s, true); })
      .Fn("with-mounted-file", "Mounts a file.",
          {Arg("path", String(), "Where it appears."),
           Arg("source", Object<FileState>(), "The file.")},
          [](CoreCall& c, const ContainerState& s) { return WithMounted(c, s, false); })
      .Fn("with-directory", "Copies a directory into the root filesystem.",
          {Arg("path", String(), "Where it goes."),
           Arg("directory", Object<Snapshot>(), "The directory.")},
          WithDirectory)
      .Fn("with-file", "Copies a file into the root filesystem.",
          {Arg("path", String(), "Where it goes."),
           Arg("source", Object<FileState>(), "The file.")},
          WithFile)
      .Fn("with-new-file", "Writes a new file into the root filesystem.",
          {Arg("path", String(), "Where it goes."), Arg("contents", String(), "Its contents."),
           Default("permissions", Int(), "Its permission bits.", Number(0644))},
          WithNewFile)
      .Fn("file", "A file of the root filesystem.", {Arg("path", String(), "An absolute path.")},
          FileOf)
      .Fn("directory", "A folder of the root filesystem.",
          {Arg("path", String(), "An absolute path.")}, DirectoryOf)
      .Fn("with-exec", "Runs a command; its result becomes the next state.",
          {Arg("args", Strings(), "The command and its arguments."),
           Default("expect", Enum("ReturnType"), "Which exit codes count as success.",
                   EnumValue("SUCCESS")),
           Default("stdin", String(), "Bytes fed to the command's standard input.", Text("")),
           Default("use-entrypoint", Boolean(), "Puts the entrypoint before args.", Flag(false))},
          Exec)
      .Fn("stdout", "The standard output of the last command.", {},
          [](CoreCall&, const ContainerState& s) -> Result<std::string> {
            Result<ExecOutput> e = LastExec(s);
            if (!e.ok()) return e.status();
            return e->stdout_bytes;
          })
      .Fn("stderr", "The standard error of the last command.", {},
          [](CoreCall&, const ContainerState& s) -> Result<std::string> {
            Result<ExecOutput> e = LastExec(s);
            if (!e.ok()) return e.status();
            return e->stderr_bytes;
          })
      .Fn("exit-code", "The exit code of the last command.", {},
          [](CoreCall&, const ContainerState& s) -> Result<int64_t> {
            Result<ExecOutput> e = LastExec(s);
            if (!e.ok()) return e.status();
            return int64_t{e->exit_code};
          })
      .Fn("sync", "Evaluates the container now (runs what has not run).", {},
          [](CoreCall& c, const ContainerState&) -> Result<ObjectId<ContainerState>> {
            return ObjectId<ContainerState>{c.receiver()};
          })
      .Fn("env-variable", "The value of an environment variable, if set.",
          {Arg("name", String(), "The variable's name.")},
          [](CoreCall& c, const ContainerState& s) -> Result<std::optional<std::string>> {
            std::string prefix = c.String("name") + "=";
            for (const auto& e : s.env) {
              if (e.rfind(prefix, 0) == 0)
                return std::optional<std::string>(e.substr(prefix.size()));
            }
            return std::optional<std::string>();
          })
      .Fn("env-variables", "All environment variables, as NAME=value.", {},
          [](CoreCall&, const ContainerState& s) -> Result<std::vector<std::string>> {
            return s.env;
          })
      .Fn("workdir", "The working directory of commands.", {},
          [](CoreCall&, const ContainerState& s) -> Result<std::string> { return s.workdir; })
      .Fn("user", "The user commands run as.", {},
          [](CoreCall&, const ContainerState& s) -> Result<std::string> { return s.user; })
      .Fn("entrypoint", "The entrypoint.", {},
          [](CoreCall&, const ContainerState& s) -> Result<std::vector<std::string>> {
            return s.entrypoint;
          })
      .Fn("default-args", "The default arguments.", {},
          [](CoreCall&, const ContainerState& s) -> Result<std::vector<std::string>> {
            return s.default_args;
          })
      .Fn("export", "Writes the container as an OCI image tarball (oci-archive); returns its path.",
          {Arg("path", String(), "The host path of the tarball; its folder must exist.")}, Export,
          v1::CACHE_POLICY_NEVER);
}

}  // namespace host
