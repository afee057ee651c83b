// Python: modules with the Python SDK (host_sdk), clients as deps/<name>.py modules.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/base/install_prefix.h"
#include "core/base/names.h"
#include "core/codegen/languages.h"
#include "core/codegen/py_client.h"

namespace host {
namespace {
namespace fs = std::filesystem;

// The interpreter a new module names: Debian's, which python3-grpcio and python3-protobuf serve
// (the first python3 on PATH may be another without them).
constexpr const char* kInterpreter = "/usr/bin/python3";

const char* kMainTemplate =
    R"("""The @NAME@ module, in Python. Each @function method is a typed function callers can chain:

    host -m . call with-greeting --text Hi hello --name you
"""
import dataclasses

from host_sdk import function, object_type, serve


@object_type
class @OBJECT@:
    """The main object of the @NAME@ module."""

    greeting: str = "Hello"

    @function
    def with_greeting(self, text: str) -> "@OBJECT@":
        """Uses another greeting."""
        return dataclasses.replace(self, greeting=text)

    @function
    def hello(self, name: str = "world") -> str:
        """Greets someone.

        Args:
            name: Who to greet.
        """
        return f"{self.greeting}, {name}!"


serve()
)";

const char* kDepsInit =
    R"("""Typed clients of this module's dependencies, written by `host install`."""
)";

// The SDK's files, from the installation (or the build tree), to copy into a new module.
std::vector<InitFile> SdkFiles() {
  std::vector<InitFile> files;
  const fs::path root = InstallPrefix() / "share" / "host" / "python";
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root / "host_sdk", ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_directory(ec) && it->path().filename() == "__pycache__") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec) || it->path().extension() != ".py") continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    files.push_back({fs::relative(it->path(), root, ec).generic_string(), text.str()});
  }
  return files;
}

std::vector<InitFile> InitFiles(const std::string& name, const std::string& object) {
  nlohmann::json manifest = {{"name", name},
                             {"version", "0.1.0"},
                             {"description", "A new module: describe what it is for."},
                             {"sdk", "python"},
                             {"runtime", {{"command", {kInterpreter, "main.py"}}}},
                             {"dependencies", nlohmann::json::array()}};
  std::vector<InitFile> files = {
      {"module.json", manifest.dump(2) + "\n"},
      {"main.py", ReplaceAll(ReplaceAll(kMainTemplate, "@NAME@", name), "@OBJECT@", object)},
      {"deps/__init__.py", kDepsInit},
      {".gitignore", "__pycache__/\n"}};
  for (InitFile& file : SdkFiles()) files.push_back(std::move(file));
  return files;
}

std::string Client(const v1::ModuleDef& def, const v1::ModuleDef* core) {
  return GeneratePyClient(def, core);
}

std::string ClientPath(const std::string&, const std::string& dep) {
  return "deps/" + PyIdentifier(SnakeCase(dep)) + ".py";
}

std::string Usage(const std::string& dep) {
  const std::string id = PyIdentifier(SnakeCase(dep));
  return "Use it with \"from deps." + id + " import " + id + "\" and " + id + "()";
}

}  // namespace

const ModuleLanguage kPythonLanguage = {"python", "Python", InitFiles, Client, ClientPath, Usage};

}  // namespace host
