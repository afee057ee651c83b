// The pulumi module: runs the Pulumi CLI on a project in Pulumi's own image
// (pulumi/pulumi-<runtime>:<version>), with credentials as secret variables, dependencies installed
// in a step cached on the dependency files only, and local backends kept in a cache volume.
#include <host/module.h>
#include <host/nonce.h>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/core.h"
#include "project.h"

namespace {

// Changes once per process: a session's steps share it, another session's steps do not.
const std::string& SessionNonce() {
  static const std::string nonce = host::Nonce();
  return nonce;
}

// Whether a folder listing holds a name.
bool Has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The commands that install a runtime's dependencies, and the files they depend on.
struct DependencyStep {
  std::vector<std::string> files;  // those present are copied in before the command
  std::vector<std::string> command;
};

// How the dependencies of a project with this runtime are installed; nullopt: nothing to install.
std::optional<DependencyStep> DependenciesOf(const std::string& runtime,
                                             const std::vector<std::string>& names) {
  if (runtime == "go" && Has(names, "go.mod")) {
    return DependencyStep{{"go.mod", "go.sum"}, {"go", "mod", "download"}};
  }
  if (runtime == "nodejs" && Has(names, "package.json")) {
    if (Has(names, "package-lock.json")) {
      return DependencyStep{{"package.json", "package-lock.json"}, {"npm", "ci"}};
    }
    return DependencyStep{{"package.json"}, {"npm", "install"}};
  }
  if (runtime == "python" && Has(names, "requirements.txt")) {
    return DependencyStep{{"requirements.txt"}, {"pip", "install", "-r", "requirements.txt"}};
  }
  if (runtime == "dotnet") {
    std::vector<std::string> projects;
    for (const auto& n : names) {
      if (n.size() > 7 &&
          (n.ends_with(".csproj") || n.ends_with(".fsproj") || n.ends_with(".vbproj"))) {
        projects.push_back(n);
      }
    }
    if (!projects.empty()) return DependencyStep{projects, {"dotnet", "restore"}};
  }
  return std::nullopt;
}

}  // namespace

// The main object: settings made by the chainable functions, then actions on a project.
struct Pulumi {
  std::string version = "latest";
  std::optional<host::Secret> token;
  std::string backend_url;
  std::optional<host::Secret> passphrase;
  std::vector<std::string> env;  // NAME=VALUE
  std::vector<std::string> secret_names;
  std::vector<host::Secret> secrets;  // parallel to secret_names

  Pulumi from_version(const std::string& v) const {
    if (v.empty()) throw std::invalid_argument("the version is empty: give one like 3.99.0");
    return With(&Pulumi::version, v);
  }
  Pulumi with_pulumi_token(const host::Secret& t) const { return With(&Pulumi::token, t); }
  Pulumi with_backend_url(const std::string& url) const {
    std::string error;
    pulumi::LocalBackendPath(url, &error);
    if (!error.empty()) throw std::invalid_argument(error);
    return With(&Pulumi::backend_url, url);
  }
  Pulumi with_passphrase(const host::Secret& p) const { return With(&Pulumi::passphrase, p); }
  Pulumi with_aws_credentials(const host::Secret& access_key, const host::Secret& secret_key,
                              const std::optional<host::Secret>& session_token,
                              const std::optional<std::string>& region) const {
    Pulumi copy = with_secret_variable("AWS_ACCESS_KEY_ID", access_key)
                      .with_secret_variable("AWS_SECRET_ACCESS_KEY", secret_key);
    if (session_token) copy = copy.with_secret_variable("AWS_SESSION_TOKEN", *session_token);
    if (region) {
      copy = copy.with_env_variable("AWS_REGION", *region)
                 .with_env_variable("AWS_DEFAULT_REGION", *region);
    }
    return copy;
  }
  Pulumi with_env_variable(const std::string& name, const std::string& value) const {
    CheckName(name);
    Pulumi copy = *this;
    copy.env.push_back(name + "=" + value);
    return copy;
  }
  Pulumi with_secret_variable(const std::string& name, const host::Secret& secret) const {
    CheckName(name);
    Pulumi copy = *this;
    copy.secret_names.push_back(name);
    copy.secrets.push_back(secret);
    return copy;
  }

  std::string preview(const host::Directory& src, const std::string& stack) const {
    return Run(src, {"preview", "--stack", stack, "--non-interactive", "--diff"}, SessionNonce());
  }
  std::string up(const host::Directory& src, const std::string& stack) const {
    return Run(src, {"up", "--stack", stack, "--yes", "--non-interactive"}, host::Nonce());
  }
  std::string refresh(const host::Directory& src, const std::string& stack) const {
    return Run(src, {"refresh", "--stack", stack, "--yes", "--non-interactive"}, host::Nonce());
  }
  std::string destroy(const host::Directory& src, const std::string& stack) const {
    return Run(src, {"destroy", "--stack", stack, "--yes", "--non-interactive"}, host::Nonce());
  }
  std::string output(const host::Directory& src, const std::string& stack,
                     const std::string& property) const {
    std::string out = Run(src, {"stack", "output", property, "--stack", stack, "--non-interactive"},
                          SessionNonce());
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
  }
  std::string run(const host::Directory& src, const std::string& command) const {
    if (command.find_first_not_of(" \t") == std::string::npos) {
      throw std::invalid_argument("the command is empty: give Pulumi's arguments, e.g. 'stack ls'");
    }
    return Project(src)
        .Container()
        .with_env_variable("HOST_RUN", host::Nonce())
        .with_exec({"sh", "-c", "exec pulumi " + command})
        .stdout();
  }

 private:
  // A project folder, read once: its settings and the container that runs Pulumi on it.
  struct Loaded {
    const Pulumi* self;
    host::Directory src;
    std::vector<std::string> names;
    pulumi::ProjectFile file;

    host::Container Container() const { return self->ContainerFor(*this); }
  };

  // A copy with one setting changed.
  template <class Field, class Value>
  Pulumi With(Field Pulumi::*field, const Value& value) const {
    Pulumi copy = *this;
    copy.*field = value;
    return copy;
  }

  static void CheckName(const std::string& name) {
    if (name.empty() || name.find('=') != std::string::npos) {
      throw std::invalid_argument("'" + name + "' is not a variable name");
    }
  }

  Loaded Project(const host::Directory& src) const {
    Loaded p{this, src, src.entries(), {}};
    if (!Has(p.names, "Pulumi.yaml")) {
      throw std::invalid_argument(
          "the source directory has no Pulumi.yaml: pass the folder of a Pulumi project as src");
    }
    p.file = pulumi::ParseProjectFile(src.file("Pulumi.yaml").contents());
    static const std::vector<std::string> kRuntimes = {"go", "nodejs", "python", "dotnet"};
    if (!Has(kRuntimes, p.file.runtime)) {
      throw std::invalid_argument(
          "Pulumi.yaml's runtime is '" + p.file.runtime +
          "'; this module runs the go, nodejs, python and dotnet runtimes (pulumi/pulumi-<runtime> "
          "images)");
    }
    if (!token && backend_url.empty() && p.file.backend_url.empty()) {
      throw std::invalid_argument(
          "no Pulumi backend: call with-pulumi-token for Pulumi Cloud, or with-backend-url for "
          "self-managed state (file://, s3://, ...), or set backend.url in Pulumi.yaml");
    }
    return p;
  }

  host::Container ContainerFor(const Loaded& p) const {
    host::Container c = host::core()
                            .container()
                            .from("pulumi/pulumi-" + p.file.runtime + ":" + version)
                            .with_env_variable("PULUMI_SKIP_UPDATE_CHECK", "true")
                            .with_workdir("/infra");
    if (auto deps = DependenciesOf(p.file.runtime, p.names)) {
      host::Directory only = host::core().directory();
      for (const auto& f : deps->files) {
        if (Has(p.names, f)) only = only.with_file(f, p.src.file(f));
      }
      c = c.with_directory("/infra", only).with_exec(deps->command);
    }
    // Node's packages land in /infra/node_modules: copy the sources on top instead of hiding
    // them under a mount.
    if (p.file.runtime == "nodejs") {
      host::Directory src =
          Has(p.names, "node_modules") ? p.src.without_directory("node_modules") : p.src;
      c = c.with_directory("/infra", src);
    } else {
      c = c.with_mounted_directory("/infra", p.src);
    }
    for (const auto& e : env) {
      const auto eq = e.find('=');
      c = c.with_env_variable(e.substr(0, eq), e.substr(eq + 1));
    }
    for (size_t i = 0; i < secret_names.size(); ++i) {
      c = c.with_secret_variable(secret_names[i], secrets[i]);
    }
    if (token) c = c.with_secret_variable("PULUMI_ACCESS_TOKEN", *token);
    if (!backend_url.empty()) c = c.with_env_variable("PULUMI_BACKEND_URL", backend_url);
    const std::string url = backend_url.empty() ? p.file.backend_url : backend_url;
    std::string error;
    const std::string state = pulumi::LocalBackendPath(url, &error);
    if (!error.empty()) throw std::invalid_argument(error);
    if (!state.empty()) {  // a local backend: its state outlives the step, per project and URL
      c = c.with_mounted_cache(
          state, host::core().cache_volume("pulumi-state:" + p.file.name + ":" + url));
    }
    if (passphrase) {
      c = c.with_secret_variable("PULUMI_CONFIG_PASSPHRASE", *passphrase);
    } else if (!state.empty()) {
      c = c.with_env_variable("PULUMI_CONFIG_PASSPHRASE", "");  // no passphrase was given
    }
    return c;
  }

  // Runs `pulumi ARGS` on the project; nonce decides how long the step's result may be reused.
  std::string Run(const host::Directory& src, const std::vector<std::string>& args,
                  const std::string& nonce) const {
    std::vector<std::string> command = {"pulumi"};
    command.insert(command.end(), args.begin(), args.end());
    return Project(src)
        .Container()
        .with_env_variable("HOST_RUN", nonce)
        .with_exec(command)
        .stdout();
  }
};

HOST_MODULE("pulumi", m) {
  m.description("Runs Pulumi on a project in Pulumi's own container image.");
  const std::vector<host::Arg> project = {host::arg("src", "The project folder (has Pulumi.yaml)."),
                                          host::arg("stack", "The stack, e.g. prod.")};
  m.object<Pulumi>("Pulumi", "Pulumi settings, then actions on a project.")
      .state("version", &Pulumi::version)
      .state("token", &Pulumi::token)
      .state("backend_url", &Pulumi::backend_url)
      .state("passphrase", &Pulumi::passphrase)
      .state("env", &Pulumi::env)
      .state("secret_names", &Pulumi::secret_names)
      .state("secrets", &Pulumi::secrets)
      .function("from_version", &Pulumi::from_version,
                "Uses this version of Pulumi's image (default: latest).", {host::arg("version")})
      .function("with_pulumi_token", &Pulumi::with_pulumi_token,
                "Logs in to Pulumi Cloud with an access token.", {host::arg("token")})
      .function("with_backend_url", &Pulumi::with_backend_url,
                "Keeps state in a self-managed backend (file:///path, s3://bucket, ...); a file:// "
                "backend lives in a cache volume.",
                {host::arg("url")})
      .function("with_passphrase", &Pulumi::with_passphrase,
                "The passphrase that encrypts the stack's secrets (self-managed backends).",
                {host::arg("passphrase")})
      .function("with_aws_credentials", &Pulumi::with_aws_credentials,
                "Passes AWS credentials (and a region) to Pulumi.",
                {host::arg("access_key"), host::arg("secret_key"), host::arg("session_token"),
                 host::arg("region")})
      .function("with_env_variable", &Pulumi::with_env_variable,
                "Sets an environment variable for Pulumi.", {host::arg("name"), host::arg("value")})
      .function("with_secret_variable", &Pulumi::with_secret_variable,
                "Sets an environment variable for Pulumi to a secret.",
                {host::arg("name"), host::arg("secret")})
      .function("preview", &Pulumi::preview,
                "Shows what `pulumi up` would change: `pulumi preview --diff`.", project,
                host::Cache::kSession)
      .function("up", &Pulumi::up, "Deploys the stack: `pulumi up --yes`.", project,
                host::Cache::kNever)
      .function("refresh", &Pulumi::refresh,
                "Reads the real state of the stack's resources: `pulumi refresh --yes`.", project,
                host::Cache::kNever)
      .function("destroy", &Pulumi::destroy,
                "Deletes the stack's resources: `pulumi destroy --yes`.", project,
                host::Cache::kNever)
      .function("output", &Pulumi::output, "One output of the stack: `pulumi stack output`.",
                {project[0], project[1], host::arg("property", "The output's name.")},
                host::Cache::kSession)
      .function("run", &Pulumi::run, "Runs any Pulumi command on the project, e.g. 'stack ls'.",
                {project[0], host::arg("command", "Pulumi's arguments, e.g. 'stack ls'.")},
                host::Cache::kNever);
}
