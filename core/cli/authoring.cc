#include "core/cli/authoring.h"

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/base/names.h"
#include "core/cli/cli.h"
#include "core/codegen/cpp_client.h"
#include "core/engine/engine.h"
#include "registry/manifest.h"

namespace host::cli {
namespace fs = std::filesystem;

Status WriteAtomically(const fs::path& path, const std::string& text) {
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) return Status::Failed("cannot write " + tmp.string());
  }
  fs::rename(tmp, path, ec);
  if (ec) return Status::Failed("cannot write " + path.string() + ": " + ec.message());
  return {};
}

namespace {

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size()) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

const char* kCMakeTemplate = R"(cmake_minimum_required(VERSION 3.25)
project(@NAME@ LANGUAGES C CXX)

set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)

# host passes HOST_SDK_DIR when it builds the module; set it yourself to build by hand.
if(NOT HOST_SDK_DIR)
  set(HOST_SDK_DIR $ENV{HOST_SDK_DIR})
endif()
include(${HOST_SDK_DIR}/HostModule.cmake)

host_add_module(@NAME@ SOURCES @SOURCE@ LANGUAGE @LANGUAGE@)
)";

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

}  // namespace

int RunInit(const std::vector<std::string>& args) {
  std::string name, sdk = "cpp", dir;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const std::string& flag) -> std::string {
      if (a.rfind(flag + "=", 0) == 0) return a.substr(flag.size() + 1);
      return i + 1 < args.size() ? args[++i] : "";
    };
    if (a == "-h" || a == "--help") {
      std::cout << "Create a module that builds and runs as it is.\n\nUsage:\n  host init --name "
                   "NAME [--sdk cpp|c] [DIR]\n\nDIR defaults to ./NAME; nothing there is "
                   "overwritten.\n";
      return 0;
    }
    if (a == "--name" || a.rfind("--name=", 0) == 0) {
      name = value("--name");
    } else if (a == "--sdk" || a.rfind("--sdk=", 0) == 0) {
      sdk = value("--sdk");
    } else if (a.rfind("-", 0) == 0) {
      return Report(Status::Usage("init has no option " + a + "; see 'host init --help'"));
    } else if (dir.empty()) {
      dir = a;
    } else {
      return Report(Status::Usage("init takes one folder, got '" + dir + "' and '" + a + "'"));
    }
  }
  if (name.empty()) return Report(Status::Usage("init needs --name NAME"));
  if (name.size() > kMaxModuleNameLength) {
    return Report(Status::Usage("module name is " + std::to_string(name.size()) +
                                " characters long; at most " +
                                std::to_string(kMaxModuleNameLength) + " are allowed"));
  }
  if (!IsModuleName(name)) {
    return Report(Status::Usage("module name '" + name +
                                "' is not valid: use lowercase letters, digits and '-', starting "
                                "with a letter"));
  }
  if (sdk != "cpp" && sdk != "c") {
    return Report(Status::Usage("--sdk must be cpp or c, got '" + sdk + "'"));
  }
  fs::path root = dir.empty() ? fs::path(name) : fs::path(dir);
  const std::string source = sdk == "c" ? "src/main.c" : "src/main.cpp";
  const std::string object = PascalCase(name);
  std::vector<std::pair<fs::path, std::string>> files = {
      {"module.json", nlohmann::json{{"name", name},
                                     {"version", "0.1.0"},
                                     {"description", "A new module: describe what it is for."},
                                     {"sdk", sdk},
                                     {"dependencies", nlohmann::json::array()}}
                              .dump(2) +
                          "\n"},
      {"CMakeLists.txt",
       Replace(Replace(Replace(kCMakeTemplate, "@NAME@", name), "@SOURCE@", source), "@LANGUAGE@",
               sdk == "c" ? "C" : "CXX")},
      {source, Replace(Replace(sdk == "c" ? kCTemplate : kCppTemplate, "@NAME@", name), "@OBJECT@",
                       object)},
      {".gitignore", "/build/\n"},
  };
  std::error_code ec;
  for (const auto& [file, text] : files) {
    if (fs::exists(root / file, ec)) {
      return Report(Status::Usage((root / file).string() +
                                  " already exists; init writes only new files, choose another "
                                  "folder"));
    }
  }
  for (const auto& [file, text] : files) {
    if (auto s = WriteAtomically(root / file, text); !s.ok()) return Report(s);
  }
  // A bare name would be looked up on the module path: show the folder as a path.
  std::string shown =
      root.is_absolute() || root.string().rfind(".", 0) == 0 ? root.string() : "./" + root.string();
  std::cout << "Created module '" << name << "' in " << shown << "\nTry:\n  host -m " << shown
            << " functions\n  host -m " << shown << " call hello --name you\n";
  return 0;
}

int RunCodegen(const std::vector<std::string>& args, bool quiet) {
  std::string module, output, lock_dir, ns = "deps";
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--namespace" && i + 1 < args.size()) {
      ns = args[++i];
    } else if (args[i] == "--module" && i + 1 < args.size()) {
      module = args[++i];
    } else if (args[i] == "--output" && i + 1 < args.size()) {
      output = args[++i];
    } else if (args[i] == "--lock" && i + 1 < args.size()) {
      lock_dir = args[++i];
    } else if (args[i] == "-h" || args[i] == "--help") {
      std::cout << "Write the typed C++ client of a module.\n\nUsage:\n  host codegen --module "
                   "MODULE --output FILE [--namespace NS] [--lock DIR]\n\nNS defaults to deps. "
                   "With --lock, "
                   "remote modules are taken at the versions DIR/host.lock pins.\n";
      return 0;
    } else {
      return Report(Status::Usage("codegen: unexpected '" + args[i] +
                                  "'; usage: host codegen --module MODULE --output FILE"));
    }
  }
  if (module.empty() || output.empty()) {
    return Report(Status::Usage("codegen needs --module MODULE and --output FILE"));
  }
  RuntimeOptions options;
  options.progress = quiet ? nullptr : &std::cerr;
  // A module's build runs codegen for its dependencies: building it trusts them, at the versions
  // its host.lock pins.
  options.trust_remote = true;
  Runtime engine(options);
  if (!lock_dir.empty()) {
    if (Status s = engine.UseLockOf(lock_dir); !s.ok()) return Report(s);
  }
  Result<const ModuleInfo*> info = engine.Load(module);
  if (!info.ok()) return Report(info.status());
  std::string text =
      GenerateCppClient((*info)->def, ns, &engine.registry().FindModule("core")->def);
  std::ifstream existing(output, std::ios::binary);
  std::ostringstream old;
  old << existing.rdbuf();
  if (existing && old.str() == text) return 0;  // unchanged: keep the timestamp, skip rebuilds
  return Report(WriteAtomically(output, text));
}

}  // namespace host::cli
