#include "core/executor/step_runner.h"

#include "core/base/unique_fd.h"
#include "core/executor/abandoned_steps.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "core/base/best_effort.h"
#include "core/executor/interrupt_guard.h"
#include "core/executor/layer_flattener.h"
#include "core/executor/mount_stubs.h"
#include "core/executor/mounts.h"
#include "core/executor/oci_config.h"
#include "core/executor/process_watch.h"
#include "core/executor/step_folder.h"

namespace host {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
// Host files a container with the host's network needs; bound read-only when present.
constexpr const char* kNetworkFiles[] = {"/etc/resolv.conf", "/etc/hosts"};
// How long a killed container may take to go away before its runtime is killed too, and how often
// the kill is repeated meanwhile (it fails while the runtime is still creating the container).
constexpr std::chrono::seconds kKillGrace{5};
constexpr std::chrono::milliseconds kKillRetry{100};
constexpr int kPipeSize = 1 << 20;

std::string Command(const StepSpec& spec) {
  std::string text;
  for (const auto& arg : spec.args) text += (text.empty() ? "" : " ") + arg;
  return "`" + text + "`";
}

bool IsEnvEntry(const std::string& entry) {
  size_t eq = entry.find('=');
  return eq != std::string::npos && eq > 0;
}

Status CheckSpec(const StepSpec& spec) {
  if (spec.args.empty() || spec.args[0].empty()) {
    return Status::Usage("a step needs a command (args is empty)");
  }
  for (const auto* list : {&spec.env, &spec.secret_env}) {
    for (const auto& entry : *list) {
      if (!IsEnvEntry(entry)) {
        // Never print the value: it may be a secret.
        return Status::Usage("bad environment entry '" + entry.substr(0, entry.find('=')) +
                             "': use NAME=value");
      }
    }
  }
  if (spec.workdir.empty() || spec.workdir[0] != '/') {
    return Status::Usage("the workdir must be an absolute path, not '" + spec.workdir + "'");
  }
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    std::string text = spec.layers[i].string();
    if (text.find_first_of(":,\\") != std::string::npos) {
      return Status::Usage("layer path " + text + " has ':', ',' or '\\', which overlayfs rejects");
    }
    // Only the top layers can be mounted as they are; the ones below are read when their merge is
    // built (which names a missing one), or not at all once it is.
    std::error_code ec;
    if (i + kMaxLowerLayers >= spec.layers.size() && !fs::is_directory(spec.layers[i], ec)) {
      return Status::Usage("layer " + text + " is not a folder");
    }
  }
  for (const auto& mount : spec.mounts) {
    if (mount.target.empty() || mount.target[0] != '/' || fs::path(mount.target) == "/") {
      return Status::Usage("mount target '" + mount.target + "' must be an absolute path below /");
    }
    std::error_code ec;
    if ((mount.kind == StepMount::Kind::kBind || mount.kind == StepMount::Kind::kOverlay) &&
        !fs::exists(mount.source, ec)) {
      return Status::Usage("bind mount source " + mount.source.string() + " does not exist");
    }
    if (mount.kind == StepMount::Kind::kCache && mount.source.empty()) {
      return Status::Usage("cache mount at " + mount.target + " has no source folder");
    }
  }
  if (!spec.result_layer.empty()) {
    std::error_code ec;
    if (fs::exists(fs::symlink_status(spec.result_layer, ec))) {
      return Status::Usage("result layer " + spec.result_layer.string() + " already exists");
    }
    fs::path parent = fs::absolute(spec.result_layer, ec).parent_path();
    if (!fs::is_directory(parent, ec)) {
      return Status::Usage("the folder of the result layer, " + parent.string() +
                           ", does not exist");
    }
  }
  if (spec.timeout.count() < 0) return Status::Usage("the timeout must not be negative");
  return {};
}

// The environment with later entries overriding earlier ones, and PATH and HOME defaulted.
std::vector<std::string> FinalEnv(const StepSpec& spec, const ImageUser& user) {
  std::vector<std::string> env;
  std::map<std::string, size_t> index;
  auto add = [&](const std::string& entry) {
    std::string name = entry.substr(0, entry.find('='));
    auto [it, inserted] = index.emplace(name, env.size());
    if (inserted) {
      env.push_back(entry);
    } else {
      env[it->second] = entry;
    }
  };
  for (const auto& entry : spec.env) add(entry);
  for (const auto& entry : spec.secret_env) add(entry);
  if (!index.count("PATH")) add(std::string("PATH=") + kDefaultPath);
  if (!index.count("HOME")) add("HOME=" + user.home);
  return env;
}

Status WriteFile(const fs::path& path, const std::string& contents, mode_t mode, uid_t uid,
                 gid_t gid) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.ok()) return Status::Failed("cannot create " + path.string() + ": " + strerror(errno));
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = write(fd.get(), contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  bool ok =
      done == contents.size() && fchown(fd.get(), uid, gid) == 0 && fchmod(fd.get(), mode) == 0;
  if (!ok) return Status::Failed("cannot write " + path.string() + ": " + strerror(errno));
  return {};
}

// path made absolute; an error names what it is for (an empty path, or no current folder).
Result<fs::path> Absolute(const fs::path& path, const std::string& what) {
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  if (ec || path.empty()) {
    return Status::Failed("cannot use '" + path.string() + "' as " + what + ": " +
                          (path.empty() ? std::string("the path is empty") : ec.message()));
  }
  return absolute;
}

// The caller's mounts (and the host network files) as OCI mounts; file contents are written to
// the bundle's tmpfs, overlays of sources are mounted in the step's folder.
Result<std::vector<OciMount>> MakeMounts(const StepSpec& spec, const ImageUser& user,
                                         StepFolder& folder) {
  const fs::path& bundle = folder.bundle();
  std::vector<OciMount> mounts;
  for (const char* file : kNetworkFiles) {
    std::error_code ec;
    if (fs::exists(file, ec)) {
      mounts.push_back({file, "bind", file, {"rbind", "ro", "nosuid", "nodev", "noexec"}});
    }
  }
  fs::path files = bundle / "files";
  for (size_t i = 0; i < spec.mounts.size(); ++i) {
    const StepMount& m = spec.mounts[i];
    switch (m.kind) {
      case StepMount::Kind::kBind: {
        Result<fs::path> source = Absolute(m.source, "the source of mount " + m.target);
        if (!source.ok()) return source.status();
        mounts.push_back(
            {m.target, "bind", source->string(), {"rbind", m.read_only ? "ro" : "rw"}});
        break;
      }
      case StepMount::Kind::kOverlay: {
        Result<fs::path> source = Absolute(m.source, "the source of mount " + m.target);
        if (!source.ok()) return source.status();
        Result<fs::path> merged = folder.MountSourceOverlay(*source);
        if (!merged.ok()) return merged.status().Prefixed("mount at " + m.target + ": ");
        mounts.push_back({m.target, "bind", merged->string(), {"rbind", "rw", "nosuid", "nodev"}});
        break;
      }
      case StepMount::Kind::kCache: {
        std::error_code ec;
        fs::create_directories(m.source, ec);
        if (ec) {
          return Status::Failed("cannot create the cache folder " + m.source.string() + ": " +
                                ec.message());
        }
        Result<fs::path> source = Absolute(m.source, "the cache folder of mount " + m.target);
        if (!source.ok()) return source.status();
        mounts.push_back({m.target, "bind", source->string(), {"rbind", "rw"}});
        break;
      }
      case StepMount::Kind::kTmpfs: {
        std::vector<std::string> options = {"nosuid", "nodev", "mode=1777"};
        if (m.size_bytes > 0) options.push_back("size=" + std::to_string(m.size_bytes));
        mounts.push_back({m.target, "tmpfs", "tmpfs", options});
        break;
      }
      case StepMount::Kind::kFile: {
        if (mkdir(files.c_str(), 0700) != 0 && errno != EEXIST) {
          return Status::Failed("cannot create " + files.string() + ": " + strerror(errno));
        }
        fs::path source = files / std::to_string(i);
        Status written = WriteFile(source, m.contents, static_cast<mode_t>(m.mode & 07777),
                                   m.uid.value_or(user.uid), m.gid.value_or(user.gid));
        if (!written.ok()) return written;
        mounts.push_back(
            {m.target, "bind", source.string(), {"bind", "ro", "nosuid", "nodev", "noexec"}});
        break;
      }
    }
  }
  return mounts;
}

// A pipe whose ends are closed by the destructor unless released.
struct Pipe {
  UniqueFd read;
  UniqueFd write;
  Status Open() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return Status::Failed(std::string("pipe: ") + strerror(errno));
    read.reset(fds[0]);
    write.reset(fds[1]);
    return {};
  }
};

std::string SignalName(int sig) {
  if (sig == SIGINT) return "SIGINT";
  if (sig == SIGTERM) return "SIGTERM";
  return "signal " + std::to_string(sig);
}

// Stops a container now: `kill KILL` until its runtime process exits, then SIGKILL to the runtime's
// process group as a last resort. Its state is deleted later, with the folder.
void StopContainer(const OciRuntime& runtime, const StepFolder& folder, ProcessWatcher& watcher,
                   pid_t pid) {
  auto give_up = Clock::now() + kKillGrace;
  while (Clock::now() < give_up) {
    Status killed = RunRuntimeCommand(
        runtime, {"--root", folder.runtime_root().string(), "kill", folder.container_id(), "KILL"});
    (void)killed;  // fails while the container is not created yet, or once it is gone
    Result<WatchEnd> gone = watcher.Watch(std::min(give_up, Clock::now() + kKillRetry), -1);
    if (!gone.ok()) break;
    if (*gone == WatchEnd::kExited) return;
  }
  kill(-pid, SIGKILL);
  Result<WatchEnd> gone = watcher.Watch(Clock::now() + kKillGrace, -1);
  (void)gone;  // if it still runs, the watcher's destructor kills and reaps it
}

// Runs the step inside a prepared folder; the caller removes the folder afterwards.
Result<StepResult> RunInFolder(const OciRuntime& runtime, const fs::path& tmp_dir,
                               const StepSpec& spec, StepFolder& folder,
                               const InterruptGuard& guard) {
  Status status =
      folder.Create(tmp_dir, spec.layers.empty() ? fs::path() : fs::absolute(spec.layers.back()));
  if (!status.ok()) return status;
  // Past overlayfs's limits (500 lower layers; a page of options where the kernel takes no
  // "lowerdir+"), the lowest layers are merged into one, block by block, each merge built once
  // and reused by the steps above it.
  size_t max_layers = kMaxLowerLayers;
  if (spec.layers.size() > 1 && !OverlayTakesLowersOneByOne()) {
    std::vector<fs::path> top_first;
    for (auto it = spec.layers.rbegin(); it != spec.layers.rend(); ++it) {
      top_first.push_back(fs::absolute(*it));
    }
    const fs::path bottom = FlattenedLayerPath(tmp_dir.parent_path(), std::string(64, '0'));
    max_layers = std::min(max_layers, LowersFittingOnePage(top_first, bottom.string().size(),
                                                           folder.upper(), folder.overlay_work()));
  }
  Result<std::vector<fs::path>> layers = FlattenLowestLayers(
      spec.layers, tmp_dir.parent_path(), max_layers, kFlattenBlock, spec.hold_entries);
  if (!layers.ok()) return layers.status();
  std::vector<fs::path> lowers;
  for (auto it = layers->rbegin(); it != layers->rend(); ++it) {
    Result<fs::path> layer = Absolute(*it, "a layer");
    if (!layer.ok()) return layer.status();
    lowers.push_back(std::move(*layer));
  }
  if (lowers.empty()) lowers.push_back(folder.empty_layer());
  status = folder.Mount(lowers);
  if (!status.ok()) return status;

  Result<ImageUser> user = ResolveImageUser(folder.rootfs_fd(), spec.user);
  if (!user.ok()) return user.status();
  Result<std::vector<OciMount>> mounts = MakeMounts(spec, *user, folder);
  if (!mounts.ok()) return mounts.status();

  std::vector<std::string> destinations;
  for (const auto& m : StandardMounts()) destinations.push_back(m.destination);
  for (const auto& m : *mounts) destinations.push_back(m.destination);
  MountStubs stubs;
  stubs.Record(folder.rootfs_fd(), destinations);

  OciConfigInput config;
  config.args = spec.args;
  config.env = FinalEnv(spec, *user);
  config.cwd = spec.workdir;
  config.user = *user;
  config.rootfs = folder.rootfs();
  config.mounts = std::move(*mounts);
  config.host_network = spec.host_network;
  status = WriteFile(folder.bundle() / "config.json", OciConfigJson(config), 0600, 0, 0);
  if (!status.ok()) return status;

  Pipe in;
  Pipe out;
  Pipe err;
  for (Pipe* pipe : {&out, &err}) {
    status = pipe->Open();
    if (!status.ok()) return status;
  }
  fcntl(out.read.get(), F_SETPIPE_SZ, kPipeSize);
  if (spec.stdin_bytes) {
    status = in.Open();
    if (!status.ok()) return status;
  }
  if (guard.caught() != 0) {
    return Status::Failed("step " + Command(spec) + " was not started: interrupted by " +
                          SignalName(guard.caught()));
  }

  auto started = Clock::now();
  Result<pid_t> pid = StartRuntime(runtime,
                                   {"--root", folder.runtime_root().string(), "run", "--bundle",
                                    folder.bundle().string(), folder.container_id()},
                                   RuntimeStdio{in.read.get(), out.write.get(), err.write.get()});
  if (!pid.ok()) return pid.status();
  folder.ContainerStarted();
  in.read.reset();
  out.write.reset();
  err.write.reset();
  ProcessWatcher watcher(*pid, in.write.release(), spec.stdin_bytes.value_or(""),
                         out.read.release(), err.read.release());
  std::optional<Clock::time_point> deadline;
  if (spec.timeout.count() > 0) deadline = started + spec.timeout;
  Result<WatchEnd> end = watcher.Watch(deadline, guard.fd());
  if (!end.ok()) return end.status();
  if (*end != WatchEnd::kExited) {
    StopContainer(runtime, folder, watcher, *pid);
    if (*end == WatchEnd::kDeadline) {
      return Status::Failed("step " + Command(spec) + " timed out after " +
                            std::to_string(spec.timeout.count()) + " ms and was killed");
    }
    return Status::Failed("step " + Command(spec) + " was interrupted by " +
                          SignalName(guard.caught()) + " and killed");
  }

  StepResult result;
  result.exit_code = watcher.exit_code();
  result.stdout_bytes = std::move(watcher.stdout_bytes());
  result.stderr_bytes = std::move(watcher.stderr_bytes());
  status = folder.DeleteContainer();
  if (!status.ok()) return status;
  stubs.RemoveCreated(folder.rootfs_fd());
  status = folder.Unmount();
  if (!status.ok()) return status;
  stubs.TrimCopiedUp(folder.upper());
  if (!spec.result_layer.empty()) {
    if (renameat2(AT_FDCWD, folder.upper().c_str(), AT_FDCWD, spec.result_layer.c_str(),
                  RENAME_NOREPLACE) != 0) {
      if (errno == EXDEV) {
        return Status::Usage("the result layer " + spec.result_layer.string() +
                             " must be on the file system of the state folder " +
                             tmp_dir.parent_path().string());
      }
      return Status::Failed("cannot move the step's changes to " + spec.result_layer.string() +
                            ": " + strerror(errno));
    }
    result.layer = spec.result_layer;
  }
  return result;
}

}  // namespace

Result<StepRunner> StepRunner::Create(const StepRunnerOptions& options) {
  if (options.state_dir.empty()) return Status::Usage("the step runner needs a state folder");
  Result<OciRuntime> runtime = FindOciRuntime(options.runtime);
  if (!runtime.ok()) return runtime.status();
  Result<fs::path> state_dir = Absolute(options.state_dir, "the state folder");
  if (!state_dir.ok()) return state_dir.status();
  fs::path tmp_dir = *state_dir / "tmp";
  std::error_code ec;
  fs::create_directories(tmp_dir, ec);
  if (ec) return Status::Failed("cannot create " + tmp_dir.string() + ": " + ec.message());
  CleanAbandonedSteps(tmp_dir, *runtime);
  return StepRunner(std::move(*runtime), std::move(tmp_dir));
}

Result<StepResult> StepRunner::Run(const StepSpec& spec) const {
  auto started = Clock::now();
  Status valid = CheckSpec(spec);
  if (!valid.ok()) return valid;
  // Declared first so that it goes last: a caught signal is re-raised only after clean-up.
  InterruptGuard guard;
  StepFolder folder(runtime_);
  Result<StepResult> result = RunInFolder(runtime_, tmp_dir_, spec, folder, guard);
  Status removed = folder.Remove();
  if (!removed.ok()) {
    if (result.ok() && !result->layer.empty()) RemoveTreeBestEffort(result->layer);
    return result.ok() ? removed.Prefixed("step " + Command(spec) + " ran but clean-up failed: ")
                       : Status(result.status().kind(),
                                result.status().message() + "; clean-up: " + removed.message());
  }
  if (result.ok()) result->duration = Clock::now() - started;
  return result;
}

}  // namespace host
