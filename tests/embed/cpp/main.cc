// Embeds an installed host through its C++ engine (host::host): loads the built-in semver module
// and a module built with the installed SDK, runs chains on them, and (given an image) runs a
// container step through the installed container plugin. The modules also run isolated, each in a
// process of its own.
//
//   embed_cpp PREFIX [IMAGE]
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "core/engine/engine.h"
#include "core/engine/install_prefix.h"

namespace {

// One argument of a call: a name and a value.
struct Arg {
  std::string name;
  host::v1::Value value;
};

// One call of a chain: a function (empty: the constructor) and its arguments.
struct Step {
  std::string function;
  std::vector<Arg> args;
};

// A String value.
host::v1::Value Text(const std::string& text) {
  host::v1::Value value;
  value.set_string_value(text);
  return value;
}

// A [String] value.
host::v1::Value Texts(const std::vector<std::string>& texts) {
  host::v1::Value value;
  for (const auto& text : texts) *value.mutable_list_value()->add_items() = Text(text);
  return value;
}

// Runs a chain from the constructor of module's main object.
host::Result<host::v1::Value> Chain(const host::Runtime& engine, const std::string& module,
                                    const std::vector<Step>& steps) {
  const host::ModuleInfo* info = engine.registry().FindModule(module);
  if (info == nullptr) return host::Status::Usage("module " + module + " is not loaded");
  host::v1::Value current;
  std::string object = info->def.main_object();
  for (const Step& step : steps) {
    host::v1::Call call;
    call.set_module(module);
    call.set_object(object);
    call.set_function(step.function);
    if (current.has_object_value()) *call.mutable_receiver() = current.object_value();
    for (const Arg& arg : step.args) {
      auto* named = call.add_args();
      named->set_name(arg.name);
      *named->mutable_value() = arg.value;
    }
    host::Result<host::v1::Value> result = engine.Call(std::move(call));
    if (!result.ok()) return result;
    current = std::move(*result);
    object = current.object_value().type_name();
  }
  return current;
}

int failures = 0;  // checks that failed

// Checks that a chain gave the expected string.
void Expect(const std::string& what, const host::Result<host::v1::Value>& got,
            const std::string& want) {
  if (!got.ok()) {
    std::cerr << "FAIL " << what << ": " << got.status().message() << "\n";
    ++failures;
  } else if (got->string_value() != want) {
    std::cerr << "FAIL " << what << ": got '" << got->string_value() << "', want '" << want
              << "'\n";
    ++failures;
  } else {
    std::cout << "ok " << what << ": " << got->string_value() << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: embed_cpp PREFIX [IMAGE]\n";
    return 2;
  }
  namespace fs = std::filesystem;
  const fs::path prefix = fs::canonical(argv[1]);
  if (host::InstallPrefix() != prefix) {
    std::cerr << "FAIL the runtime takes " << host::InstallPrefix() << " for its prefix, not "
              << prefix << "\n";
    return 1;
  }

  host::Runtime engine;
  for (const char* module : {"semver", GREET_MODULE}) {
    if (auto loaded = engine.Load(module); !loaded.ok()) {
      std::cerr << "FAIL loading " << module << ": " << loaded.status().message() << "\n";
      return 1;
    }
  }
  const fs::path semver = engine.FindLoaded("semver")->path();
  if (semver.string().rfind(prefix.string() + "/lib/host/modules/", 0) != 0) {
    std::cerr << "FAIL semver was loaded from " << semver << ", not from the prefix\n";
    ++failures;
  }

  Expect("semver chain",
         Chain(engine, "semver",
               {{"", {{"version", Text("1.4.2")}}},
                {"next", {{"commits", Texts({"feat: add login"})}}},
                {"tag", {}}}),
         "v1.5.0");
  Expect("greet chain",
         Chain(engine, "greet",
               {{"", {{"greeting", Text("Hi")}}}, {"hello", {{"name", Text("you")}}}}),
         "Hi, you!");
  Expect("greet calling semver",
         Chain(engine, "greet",
               {{"", {}},
                {"announce", {{"version", Text("1.4.2")}, {"commits", Texts({"fix: a typo"})}}}}),
         "Hello, v1.4.3!");
  host::Result<host::v1::Value> wrong =
      Chain(engine, "semver", {{"", {}}, {"bump", {{"size", Text("MAJOR")}}}});
  if (wrong.ok() || wrong.status().kind() != host::ErrorKind::kUsage) {
    std::cerr << "FAIL a call with an unknown argument was not a usage error\n";
    ++failures;
  }

  {
    // The same modules in processes of their own, through the prefix's `host module-serve`.
    host::RuntimeOptions options;
    options.isolate = true;
    host::Runtime isolated(options);
    if (auto loaded = isolated.Load(GREET_MODULE); !loaded.ok()) {
      std::cerr << "FAIL loading " << GREET_MODULE << " isolated: " << loaded.status().message()
                << "\n";
      return 1;
    }
    Expect("greet calling semver, isolated",
           Chain(isolated, "greet",
                 {{"", {}},
                  {"announce", {{"version", Text("1.4.2")}, {"commits", Texts({"fix: a typo"})}}}}),
           "Hello, v1.4.3!");
  }

  if (argc > 2 && *argv[2] != '\0') {
    Expect("container chain",
           Chain(engine, "core",
                 {{"", {}},
                  {"container", {}},
                  {"from", {{"address", Text(argv[2])}}},
                  {"with_exec", {{"args", Texts({"sh", "-c", "echo hi"})}}},
                  {"stdout", {}}}),
           "hi\n");
  }
  return failures == 0 ? 0 : 1;
}
