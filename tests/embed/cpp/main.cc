// Embeds an installed host through its public C++ API (<host/engine.h>, host::host): loads the
// built-in semver module and a module built with the installed SDK, lists functions, runs chains
// on them, and (given an image) runs a container step through the installed container plugin.
// The modules also run isolated, each in a process of its own.
//
//   embed_cpp PREFIX [IMAGE]
#include <host/engine.h>
#include <host/status.h>
#include <host/v1/wire.pb.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

namespace {

using host::values::String;
using host::values::Strings;

int failures = 0;  // checks that failed

// Counts a failed check and says what it was.
void Fail(const std::string& what) {
  std::cerr << "FAIL " << what << "\n";
  ++failures;
}

// Checks that a chain gave the expected string.
void Expect(const std::string& what, const host::Result<host::v1::Value>& got,
            const std::string& want) {
  if (!got.ok()) {
    Fail(what + ": " + got.status().message());
  } else if (got->string_value() != want) {
    Fail(what + ": got '" + got->string_value() + "', want '" + want + "'");
  } else {
    std::cout << "ok " << what << ": " << got->string_value() << "\n";
  }
}

// Checks that module lists function (kebab-case) with the given result type.
void ExpectFunction(const host::Engine& engine, const std::string& module,
                    const std::string& function, const std::string& returns) {
  host::Result<std::vector<host::FunctionInfo>> functions = engine.Functions(module);
  if (!functions.ok()) return Fail("listing " + module + ": " + functions.status().message());
  auto found = std::find_if(functions->begin(), functions->end(),
                            [&](const host::FunctionInfo& f) { return f.name == function; });
  if (found == functions->end()) return Fail(module + " lists no function " + function);
  if (found->returns != returns) {
    return Fail(module + "." + function + " returns " + found->returns + ", not " + returns);
  }
  std::cout << "ok " << module << " lists " << function << " -> " << returns << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: embed_cpp PREFIX [IMAGE]\n";
    return 2;
  }
  namespace fs = std::filesystem;
  const fs::path prefix = fs::canonical(argv[1]);
  if (host::Engine::InstallPrefix() != prefix) {
    std::cerr << "FAIL the runtime takes " << host::Engine::InstallPrefix()
              << " for its prefix, not " << prefix << "\n";
    return 1;
  }

  host::Engine engine;
  fs::path semver;
  for (const char* module : {"semver", GREET_MODULE}) {
    host::Result<host::ModuleSummary> loaded = engine.Load(module);
    if (!loaded.ok()) {
      std::cerr << "FAIL loading " << module << ": " << loaded.status().message() << "\n";
      return 1;
    }
    if (loaded->name == "semver") semver = loaded->location;
  }
  if (semver.string().rfind(prefix.string() + "/lib/host/modules/", 0) != 0) {
    Fail("semver was loaded from " + semver.string() + ", not from the prefix");
  }
  ExpectFunction(engine, "semver", "bump", "Semver");
  ExpectFunction(engine, "greet", "announce", "String");
  if (engine.Functions("absent").ok()) Fail("a module that is not loaded has functions");

  Expect("semver chain",
         engine.Run("semver", {{"", {{"version", String("1.4.2")}}},
                               {"next", {{"commits", Strings({"feat: add login"})}}},
                               {"tag", {}}}),
         "v1.5.0");
  Expect("semver chain from text",
         engine.Run("semver", {{"", {host::CallArg::Text("version", "1.4.2")}},
                               {"bump", {host::CallArg::Text("part", "MINOR")}},
                               {"tag", {}}}),
         "v1.5.0");
  Expect("greet chain",
         engine.Run("greet",
                    {{"", {{"greeting", String("Hi")}}}, {"hello", {{"name", String("you")}}}}),
         "Hi, you!");
  Expect("greet calling semver",
         engine.Run(
             "greet",
             {{"", {}},
              {"announce", {{"version", String("1.4.2")}, {"commits", Strings({"fix: a typo"})}}}}),
         "Hello, v1.4.3!");
  host::Result<host::v1::Value> made = engine.Run("semver", {{"", {{"version", String("2.0.0")}}}});
  if (!made.ok() || !made->has_object_value()) {
    Fail("the semver constructor gave no object");
  } else {
    Expect("a chain on an earlier object", engine.RunOn(*made, {{"tag", {}}}), "v2.0.0");
  }
  host::Result<host::v1::Value> wrong =
      engine.Run("semver", {{"", {}}, {"bump", {{"size", String("MAJOR")}}}});
  if (wrong.ok() || wrong.status().kind() != host::ErrorKind::kUsage) {
    Fail("a call with an unknown argument was not a usage error");
  }
  host::Result<host::v1::Value> mistyped =
      engine.Run("semver", {{"", {{"version", host::values::Int(1)}}}});
  if (mistyped.ok() || mistyped.status().kind() != host::ErrorKind::kUsage) {
    Fail("an Int given for a String argument was not a usage error");
  }

  {
    // The same modules in processes of their own, through the prefix's `host module-serve`.
    host::EngineOptions options;
    options.isolate = true;
    host::Engine isolated(options);
    if (auto loaded = isolated.Load(GREET_MODULE); !loaded.ok()) {
      std::cerr << "FAIL loading " << GREET_MODULE << " isolated: " << loaded.status().message()
                << "\n";
      return 1;
    }
    host::Engine moved = std::move(isolated);
    if (isolated.Run("greet", {{"hello", {}}}).ok()) Fail("a moved-from engine ran a chain");
    Expect("greet calling semver, isolated",
           moved.Run("greet",
                     {{"", {}},
                      {"announce",
                       {{"version", String("1.4.2")}, {"commits", Strings({"fix: a typo"})}}}}),
           "Hello, v1.4.3!");
  }

  if (argc > 2 && *argv[2] != '\0') {
    Expect("container chain",
           engine.Run("core", {{"", {}},
                               {"container", {}},
                               {"from", {{"address", String(argv[2])}}},
                               {"with_exec", {{"args", Strings({"sh", "-c", "echo hi"})}}},
                               {"stdout", {}}}),
           "hi\n");
  }
  return failures == 0 ? 0 : 1;
}
