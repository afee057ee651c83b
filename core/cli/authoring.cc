#include "core/cli/authoring.h"

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/base/names.h"
#include "core/cli/cli.h"
#include "core/codegen/cpp_client.h"
#include "core/codegen/languages.h"
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
                   "NAME [--sdk "
                << LanguageChoices(true, false)
                << "] [DIR]\n\n--sdk defaults to cpp. DIR defaults to ./NAME; nothing there is "
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
  const ModuleLanguage* language = FindLanguage(sdk);
  if (language == nullptr || language->init_files == nullptr) {
    return Report(Status::Usage("--sdk must be one of " + LanguageChoices(true, false) + ", got '" +
                                sdk + "'"));
  }
  fs::path root = dir.empty() ? fs::path(name) : fs::path(dir);
  std::vector<InitFile> files = language->init_files(name, PascalCase(name));
  // module.json first, unless the language writes its own (a process module's runtime).
  bool has_manifest = false;
  for (const auto& file : files) has_manifest = has_manifest || file.first == "module.json";
  if (!has_manifest) {
    files.insert(
        files.begin(),
        {"module.json", nlohmann::json{{"name", name},
                                       {"version", "0.1.0"},
                                       {"description", "A new module: describe what it is for."},
                                       {"sdk", sdk},
                                       {"dependencies", nlohmann::json::array()}}
                                .dump(2) +
                            "\n"});
  }
  bool has_ignore = false;
  for (const auto& file : files) has_ignore = has_ignore || file.first == ".gitignore";
  if (!has_ignore) files.push_back({".gitignore", "/build/\n"});
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
  std::string module, output, lock_dir, ns = "deps", lang = "cpp";
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--namespace" && i + 1 < args.size()) {
      ns = args[++i];
    } else if (args[i] == "--lang" && i + 1 < args.size()) {
      lang = args[++i];
    } else if (args[i] == "--module" && i + 1 < args.size()) {
      module = args[++i];
    } else if (args[i] == "--output" && i + 1 < args.size()) {
      output = args[++i];
    } else if (args[i] == "--lock" && i + 1 < args.size()) {
      lock_dir = args[++i];
    } else if (args[i] == "-h" || args[i] == "--help") {
      std::cout << "Write the typed client of a module.\n\nUsage:\n  host codegen --module "
                   "MODULE --output FILE [--lang "
                << LanguageChoices(false, true)
                << "] [--namespace NS] [--lock DIR]\n\n--lang defaults to cpp. NS (C++ only) "
                   "defaults to deps. With --lock, remote modules are taken at the versions "
                   "DIR/host.lock pins.\nA Node.js client (--lang node) is FILE, a .js, with its "
                   "TypeScript typings beside it\n(FILE with .d.ts for .js).\n";
      return 0;
    } else {
      return Report(Status::Usage("codegen: unexpected '" + args[i] +
                                  "'; usage: host codegen --module MODULE --output FILE"));
    }
  }
  if (module.empty() || output.empty()) {
    return Report(Status::Usage("codegen needs --module MODULE and --output FILE"));
  }
  const ModuleLanguage* language = FindLanguage(lang);
  if (language == nullptr || language->client == nullptr) {
    return Report(Status::Usage("--lang must be one of " + LanguageChoices(false, true) +
                                ", got '" + lang + "'"));
  }
  if (ns != "deps" && language != &kCppLanguage) {
    return Report(Status::Usage("--namespace applies to C++ clients only (--lang cpp)"));
  }
  if (language->companion != nullptr) {
    // The client's own extension (.js), so that the companion (.d.ts) has a name of its own.
    const std::string extension = fs::path(language->client_path("", "x")).extension().string();
    if (fs::path(output).extension() != extension || fs::path(output).stem().empty()) {
      return Report(Status::Usage("--output must name a " + extension + " file for --lang " + lang +
                                  " (its " + language->companion_extension +
                                  " is written beside it), got '" + output + "'"));
    }
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
  const v1::ModuleDef* core = &engine.registry().FindModule("core")->def;
  std::string text = language == &kCppLanguage ? GenerateCppClient((*info)->def, ns, core)
                                               : language->client((*info)->def, core);
  // Unchanged files keep their timestamps, which skips rebuilds.
  const auto write_changed = [](const fs::path& file, const std::string& text) -> Status {
    std::ifstream existing(file, std::ios::binary);
    std::ostringstream old;
    old << existing.rdbuf();
    if (existing && old.str() == text) return {};
    return WriteAtomically(file, text);
  };
  if (language->companion != nullptr) {
    const fs::path companion = CompanionPath(*language, output);
    if (Status s = write_changed(companion, language->companion((*info)->def, core)); !s.ok()) {
      return Report(s);
    }
  }
  return Report(write_changed(output, text));
}

}  // namespace host::cli
