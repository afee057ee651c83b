// C: modules with the C SDK (<host/module_c.h>).
#include "core/base/names.h"
#include "core/codegen/c_client.h"
#include "core/codegen/languages.h"

namespace host {
namespace {

const char* kCTemplate = R"(/* The @NAME@ module, in plain C:
 *   host -m . call hello --name you
 */
#include <host/module_c.h>

/* Greets someone. */
static host_status hello(hostc_call* call) {
  return hostc_return_string(call, hostc_format(call, "Hello, %s!", hostc_arg_string(call, "name")));
}

static const hostc_arg hello_args[] = {
    HOSTC_ARG_DEFAULT("name", "String", "world", "Who to greet."),
};

static const hostc_function functions[] = {
    HOSTC_FUNCTION("hello", hello, hello_args, "String", HOSTC_CACHE_PERSISTENT,
                   "Greets someone."),
};

HOSTC_MODULE("@NAME@", "0.1.0", "A new module: describe what it is for.", functions);
)";

std::vector<InitFile> InitFiles(const std::string& name, const std::string&) {
  return {{"CMakeLists.txt", CMakeModuleProject(name, "src/main.c", "C")},
          {"src/main.c", ReplaceAll(kCTemplate, "@NAME@", name)}};
}

std::string Client(const v1::ModuleDef& def, const v1::ModuleDef* core) {
  return GenerateCClient(def, core);
}

std::string ClientPath(const std::string& module, const std::string& dep) {
  return "host_gen/" + module + "/deps/" + dep + ".h";
}

std::string Usage(const std::string& dep) {
  std::string prefix = SnakeCase(dep);
  return "Use it with #include \"deps/" + dep + ".h\" and " + prefix + "_" + PascalCase(dep) +
         "_<function>(call, NULL, ...); see the header for each function";
}

}  // namespace

const ModuleLanguage kCLanguage = {"c", "C", InitFiles, Client, ClientPath, Usage};

}  // namespace host
