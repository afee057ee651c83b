// The languages modules are written in: what `host init --sdk` writes for each, and how `host
// install` and `host codegen --lang` write a dependency's typed client for it. Each language lives
// in a file of its own (lang_<sdk>.cc) and is listed once, in languages.cc.
#ifndef HOST_CODEGEN_LANGUAGES_H_
#define HOST_CODEGEN_LANGUAGES_H_

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host/v1/wire.pb.h"

namespace host {

// A file of a new module: its path relative to the module's folder, and its text.
using InitFile = std::pair<std::string, std::string>;

// One language: its name as module.json's "sdk" and the `--sdk` / `--lang` flags say it.
struct ModuleLanguage {
  // "cpp", "c", "node", ...: module.json's "sdk" and the value of `--sdk` and `--lang`.
  const char* sdk;
  // Shown in help and errors: "C++", "C", ...
  const char* title;
  // The files of a new module called name, whose main object is object (PascalCase); empty when
  // `host init` does not offer this language.
  std::vector<InitFile> (*init_files)(const std::string& name, const std::string& object);
  // The typed client of module def for this language; core is the core module's schema (its
  // types are referred to, not redefined). nullptr when the language has no generated clients.
  std::string (*client)(const v1::ModuleDef& def, const v1::ModuleDef* core);
  // Where `host install` writes the client of dependency dep, relative to the folder of the
  // module's shared object or, for a module without one, to the module's folder.
  std::string (*client_path)(const std::string& module, const std::string& dep);
  // The line `host install` prints to say how to use the client of dependency dep.
  std::string (*usage)(const std::string& dep);
  // A second file of the client, written beside it (Node's typings, a .d.ts beside the .js), and
  // the extension that replaces the client's in its path; nullptr when the client is one file.
  std::string (*companion)(const v1::ModuleDef& def, const v1::ModuleDef* core) = nullptr;
  const char* companion_extension = nullptr;
};

// The path of the companion file of the client at client_path ("deps/x.js" -> "deps/x.d.ts").
std::filesystem::path CompanionPath(const ModuleLanguage& language,
                                    const std::filesystem::path& client_path);

// The language called sdk, or nullptr.
const ModuleLanguage* FindLanguage(std::string_view sdk);

// Every language, in the order help lists them.
const std::vector<const ModuleLanguage*>& Languages();

// "cpp|c|node": the languages whose field is set, for help and errors.
std::string LanguageChoices(bool need_init, bool need_client);

// The CMakeLists.txt of a new compiled module: host_add_module(name SOURCES source LANGUAGE
// language), language being CXX or C.
std::string CMakeModuleProject(const std::string& name, const std::string& source,
                               const std::string& language);

// The index of the first argument of fn from which every argument may be left out (optional or
// with a default): clients make those trailing parameters optional. fn.args_size() when none.
int FirstOmittableArgument(const v1::FunctionDef& fn);

// text with every from replaced by to.
std::string ReplaceAll(std::string text, const std::string& from, const std::string& to);

// Each language's table, defined in its lang_<sdk>.cc.
extern const ModuleLanguage kCppLanguage;
extern const ModuleLanguage kCLanguage;
extern const ModuleLanguage kNodeLanguage;
extern const ModuleLanguage kPythonLanguage;
extern const ModuleLanguage kGoLanguage;

}  // namespace host

#endif  // HOST_CODEGEN_LANGUAGES_H_
