// Container.with-exec: a command run in a container (crun on overlayfs), its result stored by a key
// of everything it depends on and reused when that key was seen before.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "core/base/file_lock.h"
#include "core/base/sha256.h"
#include "core/executor/layer_flattener.h"
#include "core/types/cache_lease.h"
#include "core/types/container_steps.h"
#include "core/types/core_function.h"
#include "core/types/core_module.h"

namespace host {
namespace fs = std::filesystem;

std::string Shown(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args) {
    bool plain = !a.empty() && a.find_first_of(" \t'\"$\\") == std::string::npos;
    out += (out.empty() ? "" : " ") + (plain ? a : "'" + a + "'");
  }
  return out;
}

namespace {

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

// The layers a step mounts as they are: the topmost ones. Those below are seen through merges,
// built once and leased, so a step's cost does not grow with the chain under it.
std::vector<fs::path> MountedLayers(const std::vector<fs::path>& layers) {
  const size_t count = std::min(layers.size(), kMaxLowerLayers);
  return std::vector<fs::path>(layers.end() - static_cast<std::ptrdiff_t>(count), layers.end());
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

}  // namespace

Result<ContainerState> Exec(CoreCall& c, const ContainerState& parent) {
  CoreServices& services = c.services();
  std::vector<std::string> args = c.Strings("args");
  if (c.Bool("use-entrypoint")) {
    args.insert(args.begin(), parent.entrypoint.begin(), parent.entrypoint.end());
  }
  if (args.empty()) {
    return Status::Usage(
        "with-exec needs a command: give --args (for example --args sh,-c,'echo hi')");
  }
  const std::string& expect = c.Enum("expect");
  const std::string& stdin_bytes = c.String("stdin");

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
  const std::string key = key_sha.Digest();

  StepSpec spec;
  spec.args = args;
  spec.env = parent.env;
  spec.workdir = parent.workdir;
  spec.user = parent.user;
  if (!stdin_bytes.empty()) spec.stdin_bytes = stdin_bytes;
  std::vector<FileLock> locks;
  for (const auto& [name, secret_id] : parent.secret_env) {
    auto secret = services.secrets().Get(secret_id);
    if (!secret) return Status::Failed("secret for $" + name + " is not known in this session");
    spec.secret_env.push_back(name + "=" + secret->second);
  }
  for (const auto& m : parent.mounts) {
    if (m.kind == MountState::Kind::kSecret) {
      auto secret = services.secrets().Get(m.secret_id);
      if (!secret) return Status::Failed("secret mounted at " + m.target + " is not known");
      spec.mounts.push_back(StepMount::File(m.target, secret->second, m.mode));
    } else if (m.kind == MountState::Kind::kDirectory) {
      // A mounted directory or file is writable, but what a step writes there is not kept: it
      // is seen through an overlay made when the step runs, so a cached step costs nothing.
      spec.mounts.push_back(StepMount::Overlay(m.source, m.target));
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
    ticket = services.progress().Started("exec " + shown);
    Result<ContainerBackend*> backend = services.Backend();
    if (!backend.ok()) return backend.status();
    spec.result_layer = layer;
    spec.layers = parent.layers.BottomFirst();  // only a step that runs needs them all
    spec.hold_entries = [&](const std::vector<fs::path>& paths) {
      return services.leases().Hold(paths);
    };
    const std::vector<fs::path> mounted = MountedLayers(spec.layers);
    const std::vector<FolderIdentity> lower = Identities(mounted);
    Result<StepResult> result = (*backend)->Run(spec);
    // Leases keep the layers under a step; should one still vanish (a prune by something that
    // ignores them), the step saw a broken filesystem and its result must not be kept. That is
    // also the cause to report when preparing the step failed on the missing layer.
    // A layer already missing when the step started (it was there when the step was keyed)
    // vanished the same way.
    const bool missing = std::find(lower.begin(), lower.end(), FolderIdentity{0, 0}) != lower.end();
    if (missing || Identities(mounted) != lower) {
      return Status::Failed(
          "a layer under the step was removed from the state folder while the step ran; its "
          "result was not kept; run again");
    }
    return result;
  };
  Result<CachedStep> step = Status::Failed("the step did not run");
  for (int attempt = 0; attempt < 2; ++attempt) {
    step = services.steps().GetOrRun(
        key, run, [&](const StepResult& r) { return matches(r.exit_code); },
        [&](std::string_view text) { return services.secrets().Redact(text); }, &cached);
    if (!step.ok() || step->layer.empty()) break;
    Result<bool> held = services.leases().Hold({step->layer});
    if (!held.ok()) {
      step = held.status();
      break;
    }
    if (*held) break;
    // A prune removed the stored result before it could be leased: the step runs again.
    step = Status::Failed("the stored result of the step was removed while it was used; run again");
  }
  if (cached) {
    services.progress().Line("host: exec " + shown + " CACHED");
  } else {
    std::string outcome = FormatSeconds(std::chrono::steady_clock::now() - started);
    if (!step.ok()) {
      outcome = "FAILED " + outcome;
    } else if (!matches(step->exit_code)) {
      outcome = "FAILED (exit code " + std::to_string(step->exit_code) + ") " + outcome;
    }
    services.progress().Finished(ticket, outcome);
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

}  // namespace host
