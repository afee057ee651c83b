// ci: the infrastructure pipeline as a small program that embeds the host runtime (no CLI),
// through its public C++ API (<host/engine.h>, libhost.so).
//
//   ci preview [--stack S] [--src DIR]   pulumi preview; on a pull request (GITHUB_TOKEN,
//                                         GITHUB_REPOSITORY and GITHUB_REF set) posts the diff
//   ci up [--stack S] [--src DIR]        pulumi up
//
// Credentials come from the environment: PULUMI_ACCESS_TOKEN, AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY. GITHUB_SERVER_URL names a GitHub Enterprise server (github.com when unset)
// and GH_IMAGE an image that has gh (else one is built). It calls the iac module, which calls
// the pulumi and gh modules.
#include <host/engine.h>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace {

// A named argument of a call.
struct NamedArg {
  std::string name;
  host::v1::Value value;
};

host::v1::Value Text(const std::string& text) {
  host::v1::Value v;
  v.set_string_value(text);
  return v;
}

host::v1::Value Object(const host::v1::Value& made) {
  host::v1::Value v;
  *v.mutable_object_value() = made.object_value();
  return v;
}

// Runs one call of a chain; exits with the engine's message when it fails.
host::v1::Value Call(const host::Engine& engine, const std::string& module,
                     const std::string& object, const std::string& function,
                     const host::v1::Value* receiver, const std::vector<NamedArg>& args) {
  host::v1::Call call;
  call.set_module(module);
  call.set_object(object);
  call.set_function(function);
  if (receiver != nullptr) *call.mutable_receiver() = receiver->object_value();
  for (const auto& a : args) {
    auto* named = call.add_args();
    named->set_name(a.name);
    *named->mutable_value() = a.value;
  }
  host::Result<host::v1::Value> result = engine.Call(std::move(call));
  if (!result.ok()) {
    std::cerr << "ci: " << result.status().message() << "\n";
    std::exit(result.status().kind() == host::ErrorKind::kUsage ? 2 : 1);
  }
  return *result;
}

// The value of an environment variable, or nullopt when it is unset or empty.
std::optional<std::string> Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

int Usage(const std::string& problem) {
  std::cerr << "ci: " << problem << "\nusage: ci preview|up [--stack STACK] [--src DIR]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || (args[0] != "preview" && args[0] != "up")) {
    return Usage(args.empty() ? "no command" : "unknown command '" + args[0] + "'");
  }
  const std::string command = args[0];
  std::string stack, src = ".";
  for (size_t i = 1; i < args.size(); ++i) {
    if ((args[i] == "--stack" || args[i] == "--src") && i + 1 < args.size()) {
      (args[i] == "--stack" ? stack : src) = args[i + 1];
      ++i;
    } else {
      return Usage("unexpected '" + args[i] + "'");
    }
  }

  host::EngineOptions options;
  options.progress = &std::cerr;
  host::Engine engine(options);
  if (auto loaded = engine.Load("iac"); !loaded.ok()) {
    std::cerr << "ci: " << loaded.status().message() << "\n";
    return 1;
  }
  const host::v1::Value query = Call(engine, "core", "Query", "", nullptr, {});
  // Secrets by reference: the engine reads the variable; its value never passes through here.
  auto secret = [&](const char* variable) -> std::optional<host::v1::Value> {
    if (!Env(variable)) return std::nullopt;
    return Object(Call(engine, "core", "Query", "secret", &query,
                       {{"uri", Text(std::string("env://") + variable)}}));
  };

  host::v1::Value iac = Call(engine, "iac", "Iac", "", nullptr, {});
  std::vector<NamedArg> credentials;
  if (auto s = secret("PULUMI_ACCESS_TOKEN")) credentials.push_back({"pulumi_token", *s});
  if (auto s = secret("AWS_ACCESS_KEY_ID")) credentials.push_back({"aws_access_key", *s});
  if (auto s = secret("AWS_SECRET_ACCESS_KEY")) credentials.push_back({"aws_secret_key", *s});
  iac = Call(engine, "iac", "Iac", "with_credentials", &iac, credentials);

  const host::v1::Value host_ = Call(engine, "core", "Query", "host", &query, {});
  std::vector<NamedArg> action = {
      {"src", Object(Call(engine, "core", "Host", "directory", &host_, {{"path", Text(src)}}))}};
  if (!stack.empty()) action.push_back({"stack", Text(stack)});

  if (command == "preview") {
    std::vector<NamedArg> github;
    if (auto server = Env("GITHUB_SERVER_URL")) github.push_back({"host", Text(*server)});
    if (auto image = Env("GH_IMAGE")) {
      host::v1::Value container = Call(engine, "core", "Query", "container", &query, {});
      github.push_back({"base", Object(Call(engine, "core", "Container", "from", &container,
                                            {{"address", Text(*image)}}))});
    }
    iac = Call(engine, "iac", "Iac", "with_github", &iac, github);
    if (Env("GITHUB_REF") && Env("GITHUB_REPOSITORY")) {
      if (auto token = secret("GITHUB_TOKEN")) {
        action.push_back({"github_token", *token});
        action.push_back({"github_ref", Text(*Env("GITHUB_REF"))});
        action.push_back({"github_repository", Text(*Env("GITHUB_REPOSITORY"))});
      }
    }
  }
  std::cout << Call(engine, "iac", "Iac", command, &iac, action).string_value();
  return 0;
}
