#include "core/cli/dependency_commands.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/base/names.h"
#include "core/cli/authoring.h"
#include "core/cli/cli.h"
#include "core/cli/remote_options.h"
#include "core/codegen/languages.h"
#include "core/engine/engine.h"
#include "core/engine/remote_modules.h"
#include "core/modules/lock_file.h"
#include "core/modules/module_ref.h"
#include "registry/manifest.h"

namespace host::cli {
namespace fs = std::filesystem;
namespace {

// The module folder a command works on: -m DIR, else the current folder.
Result<fs::path> ModuleFolder(const GlobalOptions& options) {
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (ec) {
    return Status::Failed("cannot read the current folder (" + ec.message() +
                          "); cd into an existing folder");
  }
  if (options.module.empty()) return cwd;
  const fs::path dir = options.module;
  return dir.is_absolute() ? dir : cwd / dir;
}

Result<RuntimeOptions> EngineOptions(const GlobalOptions& options, bool refresh) {
  RuntimeOptions engine;
  engine.progress = options.quiet ? nullptr : &std::cerr;
  if (Status s = ApplyRemoteOptions(options, &engine); !s.ok()) return s;
  engine.refresh_remote = refresh;
  engine.trust_remote = true;  // installing or updating is how a remote module is trusted
  return engine;
}

// The module a command works on: its folder, its module.json and its host.lock.
struct ModuleFiles {
  fs::path dir;
  fs::path manifest_file;
  Manifest manifest;
  modules::LockFile lock;
};

Result<ModuleFiles> ReadModuleFiles(const GlobalOptions& options) {
  Result<fs::path> dir = ModuleFolder(options);
  if (!dir.ok()) return dir.status();
  ModuleFiles files;
  files.dir = *dir;
  files.manifest_file = *dir / "module.json";
  Result<Manifest> manifest = LoadManifest(files.manifest_file);
  if (!manifest.ok()) return manifest.status();
  files.manifest = std::move(*manifest);
  Result<modules::LockFile> lock = modules::LoadLockFile(*dir);
  if (!lock.ok()) return lock.status();
  files.lock = std::move(*lock);
  return files;
}

// Reads module.json as JSON, to change its dependencies and write it back.
Result<nlohmann::json> ReadManifestJson(const fs::path& file) {
  std::ifstream in(file);
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) {
    return Status::Failed(file.string() + " changed while it was read; try again");
  }
  return doc;
}

// Writes module.json after checking that it is still valid.
Status WriteManifestJson(const fs::path& file, const nlohmann::json& doc) {
  const std::string text = doc.dump(2) + "\n";
  if (Result<Manifest> check = ParseManifest(text, file); !check.ok()) return check.status();
  return WriteAtomically(file, text);
}

// The language of a module, from its manifest's "sdk" (C++ when it names none).
const ModuleLanguage* LanguageOf(const Manifest& manifest) {
  const ModuleLanguage* language = FindLanguage(manifest.sdk.empty() ? "cpp" : manifest.sdk);
  return language != nullptr && language->client != nullptr ? language : nullptr;
}

// Where a dependency's typed client is generated for a module; empty when its language has none.
fs::path ClientPath(const Manifest& manifest, const std::string& dep_name) {
  const ModuleLanguage* language = LanguageOf(manifest);
  if (language == nullptr) return {};
  const fs::path base =
      manifest.command.empty() ? manifest.object_path().parent_path() : manifest.dir();
  return base / language->client_path(manifest.name, dep_name);
}

// Writes the typed client of dep for the module, in the module's language (none for a language
// without clients).
Status WriteClient(const Manifest& manifest, const Runtime& engine, const ModuleInfo& dep) {
  const ModuleLanguage* language = LanguageOf(manifest);
  if (language == nullptr) return {};
  const v1::ModuleDef* core = &engine.registry().FindModule("core")->def;
  const fs::path client = ClientPath(manifest, dep.def.name());
  if (language->companion != nullptr) {
    Status s =
        WriteAtomically(CompanionPath(*language, client), language->companion(dep.def, core));
    if (!s.ok()) return s;
  }
  return WriteAtomically(client, language->client(dep.def, core));
}

// The lock after this run: the pins the engine resolved, over those kept from before.
modules::LockFile MergedLock(const modules::LockFile& before, const Runtime& engine) {
  modules::LockFile after = before;
  for (const auto& [ref, module] : engine.remote_modules()) after.entries[ref] = module->entry;
  return after;
}

// "probe/v1.1.0 (3f2a9c1e0b7d)": a pin as the commands print it.
std::string Shown(const modules::LockEntry& entry) {
  const std::string pin = entry.pin.rfind("sha256:", 0) == 0 ? entry.pin.substr(7) : entry.pin;
  return entry.resolved + " (" + pin.substr(0, 12) + ")";
}

// Writes the lock when it changed; with --locked a change is an error and nothing is written.
Status SaveLock(const fs::path& dir, const modules::LockFile& before,
                const modules::LockFile& after, const GlobalOptions& options) {
  if (after == before) return {};
  if (LockedMode(options)) {
    return Status::Usage("--locked: " + (dir / modules::kLockFileName).string() +
                         " would change; run without --locked to change it");
  }
  return modules::SaveLockFile(dir, after);
}

}  // namespace

int RunInstall(const std::vector<std::string>& args, const GlobalOptions& options) {
  if (args.size() != 1 || args[0].rfind("-", 0) == 0) {
    if (args.size() == 1 && (args[0] == "-h" || args[0] == "--help")) {
      std::cout << "Add a dependency to a module, pin it and generate its typed client.\n\n"
                   "Usage:\n  host [-m DIR] install SOURCE\n\nSOURCE is a module name on the "
                   "module path, a folder holding module.json, a git reference\n"
                   "(github.com/OWNER/REPO[/SUBPATH][@VERSION]) or an OCI reference\n"
                   "(oci://REGISTRY/NAMESPACE/NAME:TAG). A remote SOURCE is pinned in host.lock "
                   "beside module.json.\n";
      return 0;
    }
    return Report(Status::Usage("usage: host [-m DIR] install SOURCE"));
  }
  Result<ModuleFiles> files = ReadModuleFiles(options);
  if (!files.ok()) return Report(files.status());
  const fs::path& dir = files->dir;
  const fs::path& manifest_file = files->manifest_file;
  const Manifest& manifest = files->manifest;
  const modules::LockFile& lock = files->lock;

  Result<RuntimeOptions> engine_options = EngineOptions(options, /*refresh=*/false);
  if (!engine_options.ok()) return Report(engine_options.status());
  Runtime engine(std::move(*engine_options));
  if (Status s = engine.UseLockOf(dir); !s.ok()) return Report(s);
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  std::string source = args[0];
  fs::path as_path = fs::path(source).is_absolute() ? fs::path(source) : cwd / source;
  // A path (folder or shared object) is recorded relative to module.json; a name or a remote
  // reference as it is.
  const bool is_path = fs::exists(as_path, ec) &&
                       (fs::is_directory(as_path, ec) || source.find('/') != std::string::npos ||
                        source.rfind(".", 0) == 0);
  Result<const ModuleInfo*> dep = engine.Load(is_path ? as_path.string() : source);
  if (!dep.ok()) return Report(dep.status());
  const std::string dep_name = (*dep)->def.name();
  if (dep_name == manifest.name) {
    return Report(Status::Usage("a module cannot depend on itself"));
  }
  std::string recorded = is_path ? fs::relative(as_path, dir, ec).generic_string() : source;
  if (is_path && recorded.rfind(".", 0) != 0) recorded = "./" + recorded;

  Result<nlohmann::json> doc = ReadManifestJson(manifest_file);
  if (!doc.ok()) return Report(doc.status());
  nlohmann::json& deps = (*doc)["dependencies"];
  if (!deps.is_array()) deps = nlohmann::json::array();
  bool replaced = false;
  for (auto& d : deps) {
    if (d.value("name", "") == dep_name) {
      d["source"] = recorded;
      replaced = true;
    }
  }
  if (!replaced) deps.push_back({{"name", dep_name}, {"source", recorded}});
  const modules::LockFile after = MergedLock(lock, engine);
  if (Status s = SaveLock(dir, lock, after, options); !s.ok()) return Report(s);
  if (auto s = WriteClient(manifest, engine, **dep); !s.ok()) return Report(s);
  if (auto s = WriteManifestJson(manifest_file, *doc); !s.ok()) return Report(s);
  std::cout << (replaced ? "Updated" : "Added") << " dependency '" << dep_name << "' (" << recorded
            << ") in " << manifest_file.string() << "\n";
  if (auto it = engine.remote_modules().find(recorded); it != engine.remote_modules().end()) {
    std::cout << "Pinned " << Shown(it->second->entry) << " in "
              << (dir / modules::kLockFileName).string() << "\n";
  }
  if (const ModuleLanguage* language = LanguageOf(manifest)) {
    std::cout << language->usage(dep_name) << "\n";
  }
  return 0;
}

int RunUpdate(const std::vector<std::string>& args, const GlobalOptions& options) {
  if (args.size() > 1 || (args.size() == 1 && args[0].rfind("-", 0) == 0)) {
    if (args.size() == 1 && (args[0] == "-h" || args[0] == "--help")) {
      std::cout << "Move the pins of remote dependencies to the newest versions their references "
                   "allow.\n\nUsage:\n  host [-m DIR] update [NAME]\n\nEach reference is resolved "
                   "at its source again: @v1 moves to the highest v1.x.y release,\na branch to its "
                   "newest commit; an exact version stays. Prints old -> new.\n";
      return 0;
    }
    return Report(Status::Usage("usage: host [-m DIR] update [NAME]"));
  }
  Result<ModuleFiles> files = ReadModuleFiles(options);
  if (!files.ok()) return Report(files.status());
  const fs::path& dir = files->dir;
  const fs::path& manifest_file = files->manifest_file;
  const Manifest& manifest = files->manifest;
  const modules::LockFile& lock = files->lock;
  const std::string only = args.empty() ? "" : args[0];
  Result<RuntimeOptions> engine_options = EngineOptions(options, /*refresh=*/true);
  if (!engine_options.ok()) return Report(engine_options.status());
  Runtime engine(std::move(*engine_options));
  if (Status s = engine.UseLockOf(dir); !s.ok()) return Report(s);
  bool found = only.empty();
  modules::LockFile after = lock;
  for (const auto& dep : manifest.dependencies) {
    if (!modules::IsRemoteRef(dep.source) || (!only.empty() && dep.name != only)) continue;
    found = true;
    Result<const ModuleInfo*> loaded = engine.Load(dep.source);
    if (!loaded.ok()) return Report(loaded.status());
    const auto& resolved = engine.remote_modules();
    auto it = resolved.find(dep.source);
    if (it == resolved.end()) continue;
    auto old = lock.entries.find(dep.source);
    if (old == lock.entries.end()) {
      std::cout << dep.name << ": pinned " << Shown(it->second->entry) << "\n";
    } else if (old->second.pin == it->second->entry.pin) {
      std::cout << dep.name << ": " << Shown(old->second) << " is the newest\n";
    } else if (old->second.resolved == it->second->entry.resolved) {
      std::cout << dep.name << ": " << Shown(old->second) << " -> " << Shown(it->second->entry)
                << " (" << old->second.resolved << " was moved at its source)\n";
    } else {
      std::cout << dep.name << ": " << Shown(old->second) << " -> " << Shown(it->second->entry)
                << "\n";
    }
    if (auto s = WriteClient(manifest, engine, **loaded); !s.ok()) return Report(s);
  }
  if (!found) {
    return Report(Status::Usage("module '" + manifest.name + "' has no remote dependency '" + only +
                                "'; see the dependencies in " + manifest_file.string()));
  }
  after = MergedLock(after, engine);
  if (Status s = SaveLock(dir, lock, after, options); !s.ok()) return Report(s);
  return 0;
}

int RunUninstall(const std::vector<std::string>& args, const GlobalOptions& options) {
  if (args.size() != 1 || args[0].rfind("-", 0) == 0) {
    if (args.size() == 1 && (args[0] == "-h" || args[0] == "--help")) {
      std::cout << "Remove a dependency, its pins and its typed client.\n\nUsage:\n  host [-m DIR] "
                   "uninstall NAME\n";
      return 0;
    }
    return Report(Status::Usage("usage: host [-m DIR] uninstall NAME"));
  }
  const std::string name = args[0];
  Result<ModuleFiles> files = ReadModuleFiles(options);
  if (!files.ok()) return Report(files.status());
  const fs::path& dir = files->dir;
  const fs::path& manifest_file = files->manifest_file;
  const Manifest& manifest = files->manifest;
  const modules::LockFile& lock = files->lock;
  Result<nlohmann::json> doc = ReadManifestJson(manifest_file);
  if (!doc.ok()) return Report(doc.status());
  nlohmann::json& deps = (*doc)["dependencies"];
  std::string source;
  if (deps.is_array()) {
    for (auto it = deps.begin(); it != deps.end(); ++it) {
      if (it->value("name", "") == name) {
        source = it->value("source", name);
        deps.erase(it);
        break;
      }
    }
  }
  if (source.empty()) {
    return Report(Status::Usage("module '" + manifest.name + "' has no dependency '" + name +
                                "'; see the dependencies in " + manifest_file.string()));
  }
  modules::LockFile after = lock;
  after.entries.erase(source);
  if (Status s = SaveLock(dir, lock, after, options); !s.ok()) return Report(s);
  if (auto s = WriteManifestJson(manifest_file, *doc); !s.ok()) return Report(s);
  std::error_code ec;
  if (fs::path client = ClientPath(manifest, name); !client.empty()) {
    fs::remove(client, ec);
    const ModuleLanguage* language = LanguageOf(manifest);
    if (language->companion != nullptr) fs::remove(CompanionPath(*language, client), ec);
  }
  std::cout << "Removed dependency '" << name << "' (" << source << ") from "
            << manifest_file.string() << "\n";
  return 0;
}

}  // namespace host::cli
