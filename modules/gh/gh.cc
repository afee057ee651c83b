// The gh module: GitHub's real gh CLI in a container. The container is a given image that has gh,
// or a small public image with gh installed in a cached step; the token is a secret variable
// (GH_TOKEN, or GH_ENTERPRISE_TOKEN with GH_HOST for GitHub Enterprise).
#include <host/module.h>
#include <host/nonce.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "command_line.h"
#include "host/core.h"

namespace {

// The image gh is installed into when no base is given, and its package.
constexpr const char* kDefaultImage = "alpine:3.20";
constexpr const char* kPackage = "github-cli";

// Whether host names github.com itself rather than a GitHub Enterprise server.
bool IsGithubCom(const std::string& host) {
  return host.empty() || host == "github.com" || host == "https://github.com";
}

}  // namespace

// The main object: how to reach GitHub, then gh commands.
struct Gh {
  std::optional<host::Secret> token;
  std::string repo;
  std::string host;
  std::string version;
  std::optional<host::Container> base;

  static Gh New(const std::optional<host::Secret>& token, const std::optional<std::string>& repo,
                const std::optional<std::string>& host, const std::optional<std::string>& version,
                const std::optional<host::Container>& base) {
    Gh gh;
    gh.token = token;
    gh.repo = repo.value_or("");
    if (!gh.repo.empty() && (gh.repo.find('/') == std::string::npos || gh.repo.front() == '/' ||
                             gh.repo.back() == '/')) {
      throw std::invalid_argument("repo '" + gh.repo + "' is not of the form owner/name");
    }
    gh.host = host.value_or("");
    gh.version = version.value_or("");
    gh.base = base;
    return gh;
  }

  host::Container container() const {
    host::Container c;
    if (base) {
      c = *base;
    } else {
      const std::string package =
          version.empty() ? std::string(kPackage) : std::string(kPackage) + "~" + version;
      c = host::core()
              .container()
              .from(kDefaultImage)
              .with_exec({"apk", "add", "--no-cache", package});
    }
    c = c.with_env_variable("GH_CONFIG_DIR", "/tmp/gh-config")
            .with_env_variable("GH_PROMPT_DISABLED", "1")
            .with_env_variable("GH_NO_UPDATE_NOTIFIER", "1");
    if (!repo.empty()) c = c.with_env_variable("GH_REPO", repo);
    if (IsGithubCom(host)) {
      if (token) c = c.with_secret_variable("GH_TOKEN", *token);
    } else {
      std::string name = host;
      for (const char* scheme : {"https://", "http://"}) {
        if (name.rfind(scheme, 0) == 0) name = name.substr(std::string(scheme).size());
      }
      c = c.with_env_variable("GH_HOST", name);
      if (token) c = c.with_secret_variable("GH_ENTERPRISE_TOKEN", *token);
    }
    return c;
  }

  std::string run(const std::string& cmd) const {
    std::vector<std::string> args = gh::SplitWords(cmd);
    if (args.empty()) throw std::invalid_argument("the command is empty: give gh's arguments");
    if (args.front() == "gh") args.erase(args.begin());
    args.insert(args.begin(), "gh");
    return Exec(args);
  }

  std::string pr_comment(int64_t number, const std::string& body) const {
    if (number <= 0) {
      throw std::invalid_argument("pull request number " + std::to_string(number) +
                                  " is not a positive number");
    }
    if (repo.empty()) {
      throw std::invalid_argument(
          "pr-comment needs the repository: pass repo (owner/name) to the gh module's "
          "constructor");
    }
    std::string url =
        Exec({"gh", "pr", "comment", std::to_string(number), "--body", body, "-R", repo});
    while (!url.empty() && (url.back() == '\n' || url.back() == '\r')) url.pop_back();
    return url;
  }

 private:
  // Runs a gh command line in the container, every time it is called.
  std::string Exec(const std::vector<std::string>& args) const {
    return container().with_env_variable("HOST_RUN", host::Nonce()).with_exec(args).stdout();
  }
};

HOST_MODULE("gh", m) {
  m.description("Runs GitHub's gh CLI in a container.");
  m.object<Gh>("Gh", "gh, set up to reach a GitHub repository.")
      .constructor(&Gh::New,
                   "How to reach GitHub: a token, the repository, a GitHub Enterprise host, the gh "
                   "version, or an image that has gh.",
                   {host::arg("token", "A GitHub token (GITHUB_TOKEN in Actions)."),
                    host::arg("repo", "The repository, owner/name."),
                    host::arg("host", "A GitHub Enterprise host (default: github.com)."),
                    host::arg("version", "The gh version to install when no base is given."),
                    host::arg("base", "An image that already has gh on its PATH.")})
      .state("token", &Gh::token)
      .state("repo", &Gh::repo)
      .state("host", &Gh::host)
      .state("version", &Gh::version)
      .state("base", &Gh::base)
      .function("container", &Gh::container, "The container with gh ready, for anything else.")
      .function("run", &Gh::run, "Runs `gh CMD` and returns what it printed, e.g. 'pr list'.",
                {host::arg("cmd", "gh's arguments, quoted as in a shell.")}, host::Cache::kNever)
      .function(
          "pr_comment", &Gh::pr_comment, "Comments on a pull request; returns its URL.",
          {host::arg("number", "The pull request."), host::arg("body", "The comment (Markdown).")},
          host::Cache::kNever);
}
