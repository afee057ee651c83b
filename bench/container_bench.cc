// Container steps, measured against baselines run in the same process:
// - an uncached `with-exec echo hi` as a whole host process on an image pulled before (its tag
//   resolved within tag_ttl, so no registry request and no transfer plugin), against a shell
//   script doing the same work by hand (mount an overlay of the same layer, crun run, unmount):
//   at most 1.3x; the same step with tag_ttl 0 (the registry asked on every run, which loads
//   libcurl and OpenSSL) is shown beside it;
// - the same step against `podman run --rm` of the same image (already pulled into a private
//   podman root, host network like host's steps): host at least 5x faster;
// - a fully cached 10-step pipeline as a whole host process: median at most 50 ms;
// - four independent 1-second steps from four threads: all done within 1.5 s.
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/engine/engine.h"
#include "median.h"
#include "process.h"
#include "registry.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using host::bench::MedianMs;
using host::bench::MedianOrFailed;
using host::bench::ReadAll;
using host::bench::TimedRun;

// podman confined to a private folder: its own storage, run, temporary and network-config folders,
// file locks instead of /dev/shm, its own cgroup parent, host network (no netavark, no iptables).
// Destroying it ends what it left running and removes everything it created, mounts and cgroups
// included.
class PrivatePodman {
 public:
  // Sets up the private folder and configuration; nothing runs yet.
  PrivatePodman() {
    char dir_template[] = "/tmp/host-bench-podman-XXXXXX";
    if (mkdtemp(dir_template) == nullptr) {
      error_ = std::string("cannot make a folder for podman: ") + std::strerror(errno);
      return;
    }
    dir_ = dir_template;
    cgroup_ = "host-bench-podman-" + std::to_string(getpid());
    // podman 4.3 always creates this folder, whatever its configuration: removed if it was not
    // there.
    had_run_containers_ = fs::exists("/run/containers");
    had_networks_ = fs::exists("/run/containers/networks");
    std::ofstream(dir_ + "/containers.conf")
        << "[engine]\nlock_type = \"file\"\ntmp_dir = \"" << dir_ << "/tmp\"\n"
        << "image_copy_tmp_dir = \"" << dir_ << "/tmp\"\n"
        << "[network]\nnetwork_config_dir = \"" << dir_ << "/networks\"\n";
  }
  // Not copyable: it owns its folder, cgroups and processes.
  PrivatePodman(const PrivatePodman&) = delete;
  // Not copyable either.
  PrivatePodman& operator=(const PrivatePodman&) = delete;
  // Ends podman's leftovers and removes everything it created.
  ~PrivatePodman() {
    if (!dir_.empty()) Cleanup();
  }

  // The argv of `podman` with the private global flags, then words.
  std::vector<std::string> Command(const std::vector<std::string>& words) const {
    std::vector<std::string> argv = {"podman",
                                     "--root",
                                     dir_ + "/root",
                                     "--runroot",
                                     dir_ + "/runroot",
                                     "--tmpdir",
                                     dir_ + "/tmp",
                                     "--network-config-dir",
                                     dir_ + "/networks",
                                     "--storage-driver",
                                     "overlay",
                                     "--runtime",
                                     "runc",
                                     "--cgroup-manager=cgroupfs",
                                     "--events-backend=file"};
    argv.insert(argv.end(), words.begin(), words.end());
    return argv;
  }

  // The argv of `podman run --rm IMAGE args...` with the flags this platform needs.
  std::vector<std::string> Run(const std::string& image,
                               const std::vector<std::string>& args) const {
    std::vector<std::string> argv =
        Command({"run", "--rm", "--network", "host", "--cgroup-parent=/" + cgroup_, "--ulimit",
                 "nofile=20000:20000", "--ulimit", "nproc=32768:32768", image});
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  // Pulls image from an insecure registry (untimed), in a private mount namespace where
  // /var/lib/containers is an empty tmpfs, so podman's blob-info cache stays off the machine's.
  bool Pull(const std::string& image) {
    std::vector<std::string> argv = {
        "unshare",
        "-m",
        "--propagation",
        "private",
        "sh",
        "-c",
        "[ -d /var/lib/containers ] && mount -t tmpfs tmpfs /var/lib/containers; exec \"$@\"",
        "sh"};
    for (const auto& word : Command({"pull", "-q", "--tls-verify=false", image})) {
      argv.push_back(word);
    }
    if (Timed(argv) >= 0) return true;
    error_ += " (pulling " + image + "; scripts/setup.sh installs podman)";
    return false;
  }

  // Runs argv with stdout discarded; returns the wall time in ms, or -1 when it failed, in which
  // case error() holds what it printed on stderr.
  double Timed(const std::vector<std::string>& argv) {
    if (dir_.empty()) return -1;  // error_ says why
    std::vector<std::string> env_text = {"CONTAINERS_CONF=" + dir_ + "/containers.conf"};
    for (char** e = environ; *e; ++e) {
      if (std::strncmp(*e, "CONTAINERS_CONF=", 16) != 0) env_text.push_back(*e);
    }
    std::vector<char*> env;
    for (auto& e : env_text) env.push_back(e.data());
    env.push_back(nullptr);
    const std::string err = dir_ + "/stderr";
    const double ms = TimedRun(argv, env.data(), err.c_str());
    if (ms >= 0) return ms;
    error_ = ReadAll(err);
    while (!error_.empty() && (error_.back() == '\n' || error_.back() == ' ')) error_.pop_back();
    if (error_.empty()) error_ = "cannot run " + argv[0] + ", or it failed without a message";
    return -1;
  }

  // What the last failed command printed on stderr.
  const std::string& error() const { return error_; }

 private:
  // The cgroup folders podman made under its cgroup parent, deepest first.
  std::vector<fs::path> CgroupDirs() const {
    std::vector<fs::path> dirs;
    std::error_code ec;
    for (const auto& hierarchy : fs::directory_iterator("/sys/fs/cgroup", ec)) {
      fs::path top = hierarchy.path() / cgroup_;
      if (!fs::is_directory(top, ec)) continue;
      dirs.push_back(top);
      for (auto it = fs::recursive_directory_iterator(top, ec);
           it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (it->is_directory(ec)) dirs.push_back(it->path());
      }
    }
    std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) {
      return a.string().size() > b.string().size();
    });
    return dirs;
  }

  // Ends what podman left (its processes, containers and conmons in its cgroups), unmounts what
  // it mounted, removes its cgroups, folders and /run/containers if it created them.
  void Cleanup() {
    // podman and its cleanup processes name the private folder on their command lines.
    std::error_code ec;
    for (const auto& proc : fs::directory_iterator("/proc", ec)) {
      const std::string name = proc.path().filename();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      pid_t pid = std::stoi(name);
      if (pid == getpid()) continue;
      if (ReadAll(proc.path() / "cmdline").find(dir_) != std::string::npos) kill(pid, SIGKILL);
    }
    for (int attempt = 0; attempt < 50; ++attempt) {
      bool busy = false;
      for (const auto& dir : CgroupDirs()) {
        std::ifstream procs(dir / "cgroup.procs");
        for (pid_t pid; procs >> pid;) kill(pid, SIGKILL);
        if (rmdir(dir.c_str()) != 0 && errno != ENOENT) busy = true;
      }
      if (!busy) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // Mounts under the private folder, deepest first (field 5 of mountinfo is the mount point).
    std::vector<std::string> mounts;
    std::ifstream mountinfo("/proc/self/mountinfo");
    for (std::string line; std::getline(mountinfo, line);) {
      std::istringstream fields(line);
      std::string field, point;
      for (int i = 0; i < 5 && fields >> field; ++i) point = field;
      if (point.rfind(dir_ + "/", 0) == 0) mounts.push_back(point);
    }
    std::sort(mounts.begin(), mounts.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    for (const auto& point : mounts) umount2(point.c_str(), MNT_DETACH);
    if (!had_networks_) rmdir("/run/containers/networks");
    if (!had_run_containers_) rmdir("/run/containers");
    fs::remove_all(dir_, ec);
  }

  std::string dir_;
  std::string cgroup_;
  bool had_run_containers_ = false;
  bool had_networks_ = false;
  std::string error_;
};

}  // namespace

int main() {
  const std::string fixtures = std::string(HOST_SOURCE_DIR) + "/tests/fixtures/images";
  const std::string host = HOST_BINARY;
  char root_template[] = "/tmp/host-bench-XXXXXX";
  const std::string root = mkdtemp(root_template);
  const std::string state = root + "/state";
  if (system(("bash " + fixtures + "/make-busybox-image.sh " + root + "/oci latest >/dev/null")
                 .c_str()) != 0) {
    std::fprintf(stderr, "cannot build the test image\n");
    fs::remove_all(root);
    return 1;
  }
  const std::string address =
      host::bench::ServeImage(fixtures, root + "/registry", root + "/oci:latest", "busybox");
  if (address.empty()) {
    std::fprintf(stderr, "cannot start the registry or push the image\n");
    fs::remove_all(root);
    return 1;
  }
  std::ofstream(root + "/config.json") << R"({"insecure": [")" << address << R"("]})";
  std::ofstream(root + "/config-ttl0.json")
      << R"({"insecure": [")" << address << R"("], "tag_ttl": 0})";
  setenv("HOST_CONFIG", (root + "/config.json").c_str(), 1);
  setenv("HOST_STATE_DIR", state.c_str(), 1);
  const std::string image = address + "/busybox:latest";

  // Pull once: every measurement below runs on an already pulled image.
  TimedRun({host, "-q", "call", "container", "from", "--address", image, "with-exec", "--args",
            "true", "sync"});
  std::string layer;
  for (const auto& entry : fs::directory_iterator(state + "/layers")) {
    if (entry.is_directory() && entry.path().filename().string().find('.') == std::string::npos) {
      layer = entry.path();
    }
  }
  // The baseline: the same step by hand, the way a shell script would do it.
  const std::string bundle = root + "/bundle";
  fs::create_directories(bundle);
  system(("cd " + bundle +
          " && crun spec >/dev/null && sed -i -e 's/\"terminal\": true/\"terminal\": false/'"
          " -e 's/\"sh\"$/\"echo\", \"hi\"/' config.json")
             .c_str());
  const std::string script = root + "/step.sh";
  std::ofstream(script) << "set -e\n"
                        << "d=$(mktemp -d -p " << root << ")\n"
                        << "mkdir $d/up $d/wk $d/rootfs\n"
                        << "mount -t overlay overlay -o lowerdir=" << layer
                        << ",upperdir=$d/up,workdir=$d/wk $d/rootfs\n"
                        << "cp " << bundle << "/config.json $d/\n"
                        << "unshare -m sh -c \"mount --make-rprivate / && umount -l "
                           "/sys/fs/cgroup/unified 2>/dev/null; exec crun --root $d/run run "
                           "--bundle $d step$$\"\n"
                        << "umount $d/rootfs\nrm -rf $d\n";

  // podman, in its own private root, with the same image pulled beforehand (untimed).
  PrivatePodman podman;
  const std::vector<std::string> podman_run = podman.Run(image, {"echo", "hi"});
  bool podman_ok = podman.Pull(image);
  for (int i = 0; podman_ok && i < 2; ++i) podman_ok = podman.Timed(podman_run) >= 0;  // warm up

  const int runs = 31;
  MedianMs(3, [&](int) { return std::vector<std::string>{"bash", script}; });  // warm up
  // Shell, host and podman runs alternate, so that all see the same state of the machine.
  const std::string nonce = std::to_string(getpid());
  std::vector<double> shell_samples, host_samples, podman_samples, ttl0_samples;
  for (int i = 0; i < runs; ++i) {
    shell_samples.push_back(TimedRun({"bash", script}));
    host_samples.push_back(
        TimedRun({host, "-q", "call", "container", "from", "--address", image, "with-exec",
                  "--args", "echo,hi," + nonce + "-" + std::to_string(i), "stdout"}));
    setenv("HOST_CONFIG", (root + "/config-ttl0.json").c_str(), 1);
    ttl0_samples.push_back(
        TimedRun({host, "-q", "call", "container", "from", "--address", image, "with-exec",
                  "--args", "echo,ttl0," + nonce + "-" + std::to_string(i), "stdout"}));
    setenv("HOST_CONFIG", (root + "/config.json").c_str(), 1);
    if (podman_ok) {
      podman_samples.push_back(podman.Timed(podman_run));
      podman_ok = podman_samples.back() >= 0;
    }
  }
  double shell = MedianOrFailed(shell_samples);
  double uncached = MedianOrFailed(host_samples);
  double podman_ms = podman_ok ? host::bench::Median(podman_samples) : -1;
  double ttl0 = MedianOrFailed(ttl0_samples);
  std::vector<std::string> pipeline = {host, "-q", "call", "container", "from", "--address", image};
  for (int step = 0; step < 10; ++step) {
    pipeline.insert(pipeline.end(), {"with-exec", "--args", "echo,step," + std::to_string(step)});
  }
  pipeline.push_back("stdout");
  TimedRun(pipeline);  // the first run fills the cache
  double cached = MedianMs(runs, [&](int) { return pipeline; });

  // Four independent one-second steps from four threads, in one engine.
  double parallel = 0;
  {
    host::Runtime engine;
    std::vector<std::thread> threads;
    std::vector<bool> ok(4, false);
    auto start = Clock::now();
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        auto call = [&](const std::string& object, const std::string& function,
                        const host::v1::ObjectValue* receiver,
                        std::vector<std::pair<std::string, host::v1::Value>> args) {
          host::v1::Call c;
          c.set_module("core");
          c.set_object(object);
          c.set_function(function);
          if (receiver) *c.mutable_receiver() = *receiver;
          for (auto& [n, v] : args) {
            auto* a = c.add_args();
            a->set_name(n);
            *a->mutable_value() = v;
          }
          return engine.Call(c);
        };
        host::v1::Value address_value, args;
        address_value.set_string_value(image);
        for (const std::string& word :
             {std::string("sh"), std::string("-c"), "sleep 1; echo " + nonce + std::to_string(t)}) {
          args.mutable_list_value()->add_items()->set_string_value(word);
        }
        auto c = call("Query", "container", nullptr, {});
        if (!c.ok()) return;
        auto from = call("Container", "from", &c->object_value(), {{"address", address_value}});
        if (!from.ok()) return;
        auto exec = call("Container", "with-exec", &from->object_value(), {{"args", args}});
        if (!exec.ok()) return;
        auto out = call("Container", "stdout", &exec->object_value(), {});
        ok[t] = out.ok();
      });
    }
    for (auto& t : threads) t.join();
    parallel = std::chrono::duration<double>(Clock::now() - start).count();
    for (bool b : ok) {
      if (!b) parallel = 1e9;
    }
  }

  host::bench::StopRegistry(fixtures, root + "/registry");
  fs::remove_all(root);
  std::printf("step: shell script (overlay + crun run + umount)     median %7.2f ms\n", shell);
  std::printf("step: host, uncached with-exec echo (whole process)  median %7.2f ms  (%.2fx)\n",
              uncached, uncached / shell);
  std::printf("step: host, same with tag_ttl 0 (registry asked)      median %7.2f ms  (%.2fx)\n",
              ttl0, ttl0 / shell);
  if (podman_ok) {
    std::printf(
        "step: podman run --rm (private root, host network)   median %7.2f ms  (%.2fx host)\n",
        podman_ms, podman_ms / uncached);
  } else {
    std::printf("step: podman run --rm failed: %s\n", podman.error().c_str());
  }
  std::printf("step: host, cached 10-step pipeline (whole process)  median %7.2f ms\n", cached);
  std::printf("step: four 1-second steps from four threads           %7.2f s\n", parallel);
  bool ok = shell > 0 && uncached > 0 && cached > 0;
  // A step on a pulled image loads neither libcurl, OpenSSL nor libarchive and asks no registry.
  ok &= host::bench::Figure("uncached step / shell script", uncached / shell, 1.3, "x");
  // The host step at least 5x faster than podman: its time at most 1/5 of podman's.
  ok &= host::bench::Figure("uncached step / podman run --rm (at most 1/5)",
                            podman_ok && uncached > 0 ? uncached / podman_ms : 1e9, 0.2, "x");
  ok &= host::bench::Figure("cached 10-step pipeline, median", cached, 50.0, "ms");
  ok &= host::bench::Figure("four parallel 1-second steps", parallel, 1.5, "s");
  return ok ? 0 : 1;
}
