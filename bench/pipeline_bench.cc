// The infrastructure pipeline with a warm cache (images pulled, dependency step cached), as a
// whole host process: `host -m iac call with-credentials ... with-github ... preview ...` runs
// `pulumi preview` of the fixture project in the pulumi-go stand-in image, then Debian's real
// `gh pr comment` against the GitHub API stand-in (tests/fixtures/pipeline.sh, started here).
// The baseline runs the same two containers by hand, alternating with host's runs: each in an
// overlay of its image's unpacked layers (skopeo copy + umoci unpack, untimed), under crun, with
// the project at /infra and the environment the modules set.
// Figure: the engine's overhead, median(host) - median(by hand), at most 100 ms; the time the
// stand-in pulumi (and gh) spend themselves is in both and cancels out.
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "median.h"
#include "process.h"

namespace {

namespace fs = std::filesystem;
using host::bench::MedianOrFailed;
using host::bench::ReadAll;
using host::bench::TimedRun;

// A random string of letters and digits, different in every run.
std::string RandomToken(const std::string& prefix) {
  std::random_device random;
  std::string out = prefix;
  for (int i = 0; i < 24; ++i) out += "abcdefghijklmnopqrstuvwxyz0123456789"[random() % 36];
  return out;
}

// The shell command that stops the fixtures and removes the bench's folder; set once, read by
// the signal handler.
const char* g_cleanup = nullptr;

// Stops everything on SIGINT, SIGTERM or SIGHUP, then exits (fork, exec and wait only).
void OnSignal(int sig) {
  if (g_cleanup != nullptr) {
    pid_t pid = fork();
    if (pid == 0) {
      execl("/bin/sh", "sh", "-c", g_cleanup, static_cast<char*>(nullptr));
      _exit(127);
    }
    if (pid > 0) waitpid(pid, nullptr, 0);
  }
  _exit(128 + sig);
}

// The bench's temporary folder and the fixtures started in it: on every way out (return, signal)
// the fixtures are stopped, what is still mounted under the folder is unmounted, and the folder
// goes.
class Scratch {
 public:
  // Makes the folder and arranges the clean-up; nothing runs yet.
  explicit Scratch(const std::string& pipeline_sh) {
    char root_template[] = "/tmp/host-pipeline-bench-XXXXXX";
    if (mkdtemp(root_template) == nullptr) return;
    root_ = root_template;
    // Field 5 of mountinfo is the mount point; deepest first.
    cleanup_ = "'" + pipeline_sh + "' stop '" + root_ + "/pipeline' >/dev/null 2>&1; " +
               "awk '$5 ~ \"^" + root_ + "/\" {print $5}' /proc/self/mountinfo | sort -r | " +
               "while read -r m; do umount -l \"$m\"; done; rm -rf '" + root_ + "'";
    g_cleanup = cleanup_.c_str();
    struct sigaction action = {};
    action.sa_handler = OnSignal;
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &action, nullptr);
  }
  // Not copyable: it owns the folder and the servers.
  Scratch(const Scratch&) = delete;
  // Not copyable either.
  Scratch& operator=(const Scratch&) = delete;
  // Stops the fixtures and removes the folder.
  ~Scratch() {
    if (root_.empty()) return;
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) signal(sig, SIG_DFL);
    g_cleanup = nullptr;
    if (system(cleanup_.c_str()) != 0)
      std::fprintf(stderr, "clean-up of %s failed\n", root_.c_str());
  }

  // The folder, or "" if it could not be made.
  const std::string& root() const { return root_; }

 private:
  std::string root_;
  std::string cleanup_;
};

// Runs a shell command with its output in log; on failure prints what it printed and returns
// false.
bool Step(const std::string& what, const std::string& command, const std::string& log) {
  if (system((command + " >'" + log + "' 2>&1").c_str()) == 0) return true;
  std::fprintf(stderr, "%s failed: %s\n%s", what.c_str(), command.c_str(), ReadAll(log).c_str());
  return false;
}

// The variables of the env file pipeline.sh writes (`export NAME=VALUE` lines).
std::map<std::string, std::string> ReadEnvFile(const std::string& path) {
  std::map<std::string, std::string> env;
  std::istringstream lines(ReadAll(path));
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("export ", 0) != 0) continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    env[line.substr(7, eq - 7)] = line.substr(eq + 1);
  }
  return env;
}

// The bodies of the comments the GitHub stand-in accepted with a valid token, oldest first.
std::vector<std::string> AcceptedComments(const std::string& record) {
  std::vector<std::string> bodies;
  std::istringstream lines(ReadAll(record));
  for (std::string line; std::getline(lines, line);) {
    nlohmann::json entry = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!entry.is_object() || entry.value("kind", "") != "addComment" ||
        entry.value("auth", "") != "valid" || !entry.contains("variables")) {
      continue;
    }
    bodies.push_back(entry["variables"].value("body", ""));
  }
  return bodies;
}

// The OCI config of one step by hand: umoci's config of the unpacked image (its environment,
// user and standard mounts) with the step's command, extra environment, working folder and
// mounts, a writable root at "rootfs", and the host's network (as host runs steps).
std::string StepConfig(const std::string& bundle, const std::vector<std::string>& args,
                       const std::vector<std::string>& env, const std::string& cwd,
                       const nlohmann::json& mounts) {
  nlohmann::json config = nlohmann::json::parse(ReadAll(bundle + "/config.json"));
  auto& process = config["process"];
  process["terminal"] = false;
  process["args"] = args;
  for (const auto& e : env) process["env"].push_back(e);
  process["cwd"] = cwd;
  config["root"] = {{"path", "rootfs"}, {"readonly", false}};
  for (const auto& m : mounts) config["mounts"].push_back(m);
  auto& namespaces = config["linux"]["namespaces"];
  nlohmann::json kept = nlohmann::json::array();
  for (const auto& ns : namespaces) {
    if (ns.value("type", "") != "network") kept.push_back(ns);
  }
  namespaces = kept;
  return config.dump();
}

}  // namespace

int main() {
  const std::string fixtures = std::string(HOST_SOURCE_DIR) + "/tests/fixtures";
  const std::string host = HOST_BINARY;
  Scratch scratch(fixtures + "/pipeline.sh");
  const std::string& root = scratch.root();
  if (root.empty()) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::string pipeline = root + "/pipeline";
  if (!Step("starting the pipeline fixtures",
            "'" + fixtures + "/pipeline.sh' start '" + pipeline + "'", root + "/start.log")) {
    return 1;
  }
  std::map<std::string, std::string> env = ReadEnvFile(pipeline + "/env");
  for (const char* name : {"HOST_CONFIG", "REGISTRY", "GH_IMAGE", "GITHUB_HOST", "GITHUB_REQUESTS",
                           "GITHUB_TOKEN_FILE", "PULUMI_PROJECT"}) {
    if (env[name].empty()) {
      std::fprintf(stderr, "%s/env lacks %s\n", pipeline.c_str(), name);
      return 1;
    }
  }
  const std::string project = root + "/project";
  std::error_code copy_error;
  fs::copy(env["PULUMI_PROJECT"], project, fs::copy_options::recursive, copy_error);
  if (copy_error) {
    std::fprintf(stderr, "cannot copy the fixture project: %s\n", copy_error.message().c_str());
    return 1;
  }
  std::string github_token = ReadAll(env["GITHUB_TOKEN_FILE"]);
  github_token = github_token.substr(0, github_token.find('\n'));
  setenv("HOST_CONFIG", env["HOST_CONFIG"].c_str(), 1);
  setenv("HOST_STATE_DIR", (root + "/state").c_str(), 1);
  setenv("GITHUB_TOKEN", github_token.c_str(), 1);
  setenv("T", RandomToken("pul-").c_str(), 1);

  const std::string repository = "owner/repo";
  const std::vector<std::string> host_preview = {host,
                                                 "-m",
                                                 "iac",
                                                 "call",
                                                 "with-credentials",
                                                 "--pulumi-token",
                                                 "env://T",
                                                 "with-github",
                                                 "--host",
                                                 env["GITHUB_HOST"],
                                                 "--base",
                                                 env["GH_IMAGE"],
                                                 "preview",
                                                 "--src",
                                                 project,
                                                 "--stack",
                                                 "prod",
                                                 "--github-token",
                                                 "env://GITHUB_TOKEN",
                                                 "--github-ref",
                                                 "refs/pull/12/merge",
                                                 "--github-repository",
                                                 repository};
  // Warm the cache (untimed): pull both images, run the dependency step once.
  std::string warm_command;
  for (const auto& word : host_preview) warm_command += "'" + word + "' ";
  if (!Step("the warm-up run of host", warm_command, root + "/warm.log")) return 1;
  if (ReadAll(root + "/warm.log").find("Previewing update (prod):") == std::string::npos) {
    std::fprintf(stderr, "the warm-up run printed no preview:\n%s",
                 ReadAll(root + "/warm.log").c_str());
    return 1;
  }

  // The baseline's images, unpacked the way a script would (untimed): the same two images host
  // pulled (iac's pulumi runs pulumi/pulumi-go:latest through the docker.io mirror).
  const std::string registry = env["REGISTRY"];
  const std::string pulumi_bundle = root + "/pulumi-bundle", gh_bundle = root + "/gh-bundle";
  for (const auto& [image, bundle] : std::vector<std::pair<std::string, std::string>>{
           {registry + "/pulumi/pulumi-go:latest", pulumi_bundle}, {env["GH_IMAGE"], gh_bundle}}) {
    const std::string tag = fs::path(bundle).filename();
    if (!Step("unpacking " + image,
              "skopeo copy -q --src-tls-verify=false 'docker://" + image + "' 'oci:" + root +
                  "/oci:" + tag + "' && umoci unpack --image '" + root + "/oci:" + tag + "' '" +
                  bundle + "'",
              root + "/unpack.log")) {
      return 1;
    }
  }
  // The steps' configs, with the secrets and the comment left as placeholders the script fills
  // in at run time (secrets come from its environment, as host's do).
  const nlohmann::json infra = nlohmann::json::array({{{"destination", "/infra"},
                                                       {"type", "bind"},
                                                       {"source", project},
                                                       {"options", {"rbind", "ro"}}}});
  std::ofstream(root + "/pulumi.json") << StepConfig(
      pulumi_bundle, {"pulumi", "preview", "--stack", "prod", "--non-interactive", "--diff"},
      {"PULUMI_SKIP_UPDATE_CHECK=true", "HOST_RUN=by-hand", "PULUMI_ACCESS_TOKEN=@PULUMI_TOKEN@"},
      "/infra", infra);
  std::ofstream(root + "/gh.json") << StepConfig(
      gh_bundle, {"gh", "pr", "comment", "12", "--body", "@BODY@", "-R", repository},
      {"GH_CONFIG_DIR=/tmp/gh-config", "GH_PROMPT_DISABLED=1", "GH_NO_UPDATE_NOTIFIER=1",
       "GH_REPO=" + repository, "GH_HOST=" + env["GITHUB_HOST"], "HOST_RUN=by-hand",
       "GH_ENTERPRISE_TOKEN=@GITHUB_TOKEN@"},
      "/", nlohmann::json::array());
  // crun in a private mount namespace without the cgroup2 mount of a hybrid hierarchy, as
  // container_bench's script does.
  const std::string crun =
      "unshare -m sh -c \"mount --make-rprivate / && umount -l /sys/fs/cgroup/unified "
      "2>/dev/null; exec crun --root $d/run run --bundle $d/$1 $1$$\"";
  const std::string script = root + "/by-hand.sh";
  std::ofstream(script)
      << "set -euo pipefail\nshopt -s inherit_errexit\n"
      << "d=$(mktemp -d -p " << root << ")\n"
      << "trap 'umount $d/pulumi/rootfs $d/gh/rootfs 2>/dev/null || true; rm -rf $d' EXIT\n"
      << "# step NAME LOWER CONFIG: runs a container in an overlay of LOWER; prints its output.\n"
      << "step() {\n"
      << "  mkdir $d/$1 $d/$1/up $d/$1/wk $d/$1/rootfs\n"
      << "  mount -t overlay overlay -o lowerdir=$2,upperdir=$d/$1/up,workdir=$d/$1/wk "
         "$d/$1/rootfs\n"
      << "  printf '%s' \"$3\" >$d/$1/config.json\n"
      << "  " << crun << "\n"
      << "  umount $d/$1/rootfs\n"
      << "}\n"
      << "cfg=$(<" << root << "/pulumi.json)\n"
      << "out=$(step pulumi " << pulumi_bundle << "/rootfs \"${cfg/@PULUMI_TOKEN@/\"$T\"}\")\n"
      << "# The comment iac posts, JSON-escaped into gh's arguments.\n"
      << "body=\"#### \\`pulumi preview\\` for stack "
         "\\`prod\\`\"$'\\n\\n```\\n'\"$out\"$'\\n```\\n'\n"
      << "e=${body//'\\'/'\\\\'}; e=${e//'\"'/'\\\"'}; e=${e//$'\\n'/'\\n'}; "
         "e=${e//$'\\t'/'\\t'}; e=${e//$'\\r'/'\\r'}\n"
      << "cfg=$(<" << root << "/gh.json)\n"
      << "cfg=${cfg/@GITHUB_TOKEN@/\"$GITHUB_TOKEN\"}\n"
      << "url=$(step gh " << gh_bundle << "/rootfs \"${cfg/@BODY@/\"$e\"}\")\n"
      << "echo \"$url\"\n";
  // One untimed run by hand, checked for what it printed: the comment's URL.
  if (!Step("the steps by hand", "bash '" + script + "'", root + "/by-hand.log")) return 1;
  if (ReadAll(root + "/by-hand.log").find("https://" + env["GITHUB_HOST"] + "/") ==
      std::string::npos) {
    std::fprintf(stderr, "the steps by hand printed no comment URL:\n%s",
                 ReadAll(root + "/by-hand.log").c_str());
    return 1;
  }
  // Both posted the same comment, and the stand-in took their tokens.
  const std::vector<std::string> comments = AcceptedComments(env["GITHUB_REQUESTS"]);
  if (comments.size() != 2 || comments[0] != comments[1] ||
      comments[0].find("Previewing update (prod):") == std::string::npos) {
    std::fprintf(stderr, "host and the steps by hand did not post the same comment (%zu taken)\n",
                 comments.size());
    return 1;
  }

  const int runs = 21;
  // By-hand and host runs alternate, so that both see the same state of the machine.
  std::vector<double> hand_samples, host_samples;
  for (int i = 0; i < runs; ++i) {
    hand_samples.push_back(TimedRun({"bash", script}));
    host_samples.push_back(TimedRun(host_preview));
  }
  const double hand = MedianOrFailed(hand_samples);
  const double whole = MedianOrFailed(host_samples);
  if (hand < 0 || whole < 0) {
    std::fprintf(stderr, "a run failed (by hand: %s, host: %s)\n", hand < 0 ? "failed" : "ok",
                 whole < 0 ? "failed" : "ok");
    return 1;
  }
  std::printf("pipeline: iac preview by hand (2x overlay + crun run)     median %7.2f ms\n", hand);
  std::printf(
      "pipeline: host -m iac ... preview, warm (whole process)   median %7.2f ms  (%.2fx)\n", whole,
      whole / hand);
  return host::bench::Figure("iac preview engine overhead (host - by hand), median", whole - hand,
                             100.0, "ms")
             ? 0
             : 1;
}
