// C++: modules with the C++ SDK (<host/module.h>), clients as deps/<name>.h headers.
#include "core/base/names.h"
#include "core/codegen/cpp_client.h"
#include "core/codegen/languages.h"

namespace host {
namespace {

const char* kCppTemplate =
    R"(// The @NAME@ module. Each registered member function is a typed function callers can chain:
//   host -m . call with-greeting --text Hi hello --name you
#include <host/module.h>

#include <string>

// The module's main object: its public fields are its state, its functions return results or a
// changed copy of itself.
struct @OBJECT@ {
  std::string greeting = "Hello";

  @OBJECT@ with_greeting(const std::string& text) const {
    @OBJECT@ copy = *this;
    copy.greeting = text;
    return copy;
  }

  std::string hello(const std::string& name) const { return greeting + ", " + name + "!"; }
};

HOST_MODULE("@NAME@", m) {
  m.description("A new module: describe what it is for.");
  m.object<@OBJECT@>("@OBJECT@", "The main object of the @NAME@ module.")
      .field("greeting", &@OBJECT@::greeting, "The greeting hello uses.")
      .function("with_greeting", &@OBJECT@::with_greeting, "Uses another greeting.",
                {host::arg("text", "The new greeting.")})
      .function("hello", &@OBJECT@::hello, "Greets someone.",
                {host::arg("name", "Who to greet.").def("world")});
}
)";

std::vector<InitFile> InitFiles(const std::string& name, const std::string& object) {
  return {
      {"CMakeLists.txt", CMakeModuleProject(name, "src/main.cpp", "CXX")},
      {"src/main.cpp", ReplaceAll(ReplaceAll(kCppTemplate, "@NAME@", name), "@OBJECT@", object)}};
}

std::string Client(const v1::ModuleDef& def, const v1::ModuleDef* core) {
  return GenerateCppClient(def, "deps", core);
}

std::string ClientPath(const std::string& module, const std::string& dep) {
  return "host_gen/" + module + "/deps/" + dep + ".h";
}

std::string Usage(const std::string& dep) {
  return "Use it with #include \"deps/" + dep + ".h\" and deps::" + SnakeCase(dep) + "()";
}

}  // namespace

const ModuleLanguage kCppLanguage = {"cpp", "C++", InitFiles, Client, ClientPath, Usage};

}  // namespace host
