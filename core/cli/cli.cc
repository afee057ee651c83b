#include "core/cli/cli.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/base/names.h"
#include "core/cli/authoring.h"
#include "core/cli/cache_command.h"
#include "core/cli/call_chain.h"
#include "core/cli/call_target.h"
#include "core/cli/dependency_commands.h"
#include "core/cli/help.h"
#include "core/cli/index_command.h"
#include "core/cli/module_serve_command.h"
#include "core/cli/publish_command.h"
#include "core/cli/remote_options.h"
#include "core/cli/serve_command.h"
#include "core/cli/yank_command.h"
#include "core/engine/core_object_text.h"
#include "core/engine/engine.h"
#include "registry/value_text.h"

namespace host::cli {
namespace {

// Loads the module named by -m; without -m, the engine's core types.
Result<const ModuleInfo*> LoadModule(CallTarget* engine, const GlobalOptions& options) {
  return engine->Load(options.module);
}

RuntimeOptions MakeEngineOptions(const GlobalOptions& options) {
  RuntimeOptions engine_options;
  engine_options.progress = options.quiet ? nullptr : &std::cerr;
  const char* isolate = std::getenv("HOST_ISOLATE");
  engine_options.isolate = options.isolate || (isolate && std::string_view(isolate) == "1");
  winsize size{};
  if (!options.quiet && isatty(STDERR_FILENO) == 1) {  // a terminal: a live status line
    const bool known = ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0;
    engine_options.progress_terminal_columns = known ? size.ws_col : 80;
  }
  return engine_options;
}

// The engine calls run on: the remote one of --engine or HOST_ENGINE (token from
// HOST_ENGINE_TOKEN), else one in this process.
Result<std::unique_ptr<CallTarget>> OpenEngine(const GlobalOptions& options) {
  const char* from_environment = std::getenv("HOST_ENGINE");
  std::string address =
      options.engine.empty() && from_environment ? from_environment : options.engine;
  if (address.empty()) {
    RuntimeOptions engine = MakeEngineOptions(options);
    if (Status s = ApplyRemoteOptions(options, &engine); !s.ok()) return s;
    return LocalTarget(std::move(engine));
  }
  const char* token = std::getenv("HOST_ENGINE_TOKEN");
  return RemoteTarget(address, token ? token : "");
}

int RunFunctions(const std::vector<std::string>& args, GlobalOptions options) {
  std::vector<std::string> chain;
  for (size_t i = 0; i < args.size(); ++i) {
    Result<bool> global = TakeGlobal(args, &i, &options);
    if (!global.ok()) return Report(global.status());
    if (!*global) chain.push_back(args[i]);
  }
  if (options.help) {
    std::cout << "List the functions of a module's main object, or of the object returned by a "
                 "chain of functions.\n\nUsage:\n  host -m MODULE functions [FUNCTION...]\n";
    return 0;
  }
  Result<std::unique_ptr<CallTarget>> opened = OpenEngine(options);
  if (!opened.ok()) return Report(opened.status());
  CallTarget& engine = **opened;
  Result<const ModuleInfo*> module = LoadModule(&engine, options);
  if (!module.ok()) return Report(module.status());
  const ObjectInfo* object = (*module)->main;
  for (const auto& name : chain) {
    if (name.rfind("-", 0) == 0) {
      return Report(Status::Usage("'functions' takes function names, not flags like " + name));
    }
    Result<const MemberInfo*> member =
        FindMember(engine.registry(), *object, name, Usage(options, "call"));
    if (!member.ok()) return Report(member.status());
    const ObjectInfo* next = ResultObject(engine.registry(), **member);
    if (next == nullptr) {
      return Report(Status::Usage("function '" + (*member)->cli_name + "' returns " +
                                  TypeRegistry::TypeName((*member)->return_type()) +
                                  ", which has no functions"));
    }
    object = next;
  }
  const auto modes = engine.RunModes();
  if (options.json) {
    nlohmann::json modules = nlohmann::json::array();
    for (const auto& [name, mode] : modes) modules.push_back({{"name", name}, {"mode", mode}});
    nlohmann::json functions = nlohmann::json::array();
    for (const auto& [cli_name, member] : object->members) {
      functions.push_back({{"name", cli_name}, {"description", member.description()}});
    }
    std::cout << nlohmann::json{{"object", object->def->name()},
                                {"remoteModules", modules},
                                {"functions", functions}}
                     .dump(2)
              << "\n";
    return 0;
  }
  for (const auto& [name, mode] : modes) std::cout << "Module " << name << ": " << mode << "\n";
  if (!modes.empty()) std::cout << "\n";
  std::cout << FunctionsTable(*object);
  return 0;
}

// A core object made from command-line text (see CoreObjectFromText in core/engine).
Result<v1::Value> CoreObjectFromFlag(const CallTarget& engine, const v1::TypeRef& type,
                                     const std::vector<std::string>& texts,
                                     const std::string& flag) {
  if (texts.size() > 1) return Status::Usage("argument " + flag + " is given more than once");
  return CoreObjectFromText([&engine](v1::Call call) { return engine.Call(std::move(call)); }, type,
                            texts.front(), "argument " + flag);
}

// Builds the Call of a step (its receiver is the previous step's result), parsing its flag texts
// by type.
Result<v1::Call> MakeCall(const Step& step, const CallTarget& engine) {
  const TypeRegistry& registry = engine.registry();
  v1::Call call;
  const ObjectInfo& object = *step.member->object;
  call.set_module(object.module->def.name());
  call.set_object(object.def->name());
  if (step.member->kind == MemberInfo::Kind::kField) {
    call.set_function(step.member->field->name());
  } else if (step.member->kind == MemberInfo::Kind::kFunction) {
    call.set_function(step.member->function->name());
  }
  for (const auto& [key, texts] : step.flags) {
    auto index = std::find(step.member->arg_keys.begin(), step.member->arg_keys.end(), key) -
                 step.member->arg_keys.begin();
    const v1::ArgDef& def = step.member->args().Get(static_cast<int>(index));
    Result<v1::Value> value = def.type().kind() == v1::TYPE_KIND_OBJECT
                                  ? CoreObjectFromFlag(engine, def.type(), texts, "--" + key)
                                  : ParseFlagValue(texts, def.type(), registry, "--" + key);
    if (!value.ok()) return value.status();
    // A path of the core types is never empty; say so here rather than let "" reach the file
    // system as "the current folder" or worse.
    const bool path_arg = key == "path" || key.ends_with("-path");
    if (path_arg && object.module->def.name() == "core" &&
        value->kind_case() == v1::Value::kStringValue && value->string_value().empty()) {
      return Status::Usage("argument --" + key + " needs a path, got an empty text");
    }
    auto* named = call.add_args();
    named->set_name(def.name());
    *named->mutable_value() = std::move(*value);
  }
  return call;
}

int RunCall(const std::vector<std::string>& args, GlobalOptions options) {
  // Options before the first function belong to the command when they are global ones.
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    bool module_flag = args[i] == "-m" || args[i] == "--mod" || args[i].rfind("--mod=", 0) == 0;
    if (module_flag && options.module.empty()) {
      Result<bool> global = TakeGlobal(args, &i, &options);
      if (!global.ok()) return Report(global.status());
      continue;
    }
    rest.push_back(args[i]);
  }
  Result<std::unique_ptr<CallTarget>> opened = OpenEngine(options);
  if (!opened.ok()) return Report(opened.status());
  CallTarget& engine = **opened;
  Result<const ModuleInfo*> module = LoadModule(&engine, options);
  if (!module.ok()) return Report(module.status());
  std::string help;
  if (options.help) rest.insert(rest.begin(), "--help");
  Result<std::vector<Step>> steps = ParseChain(rest, **module, engine.registry(), &options, &help);
  if (!steps.ok()) return Report(steps.status());
  if (!help.empty()) {
    std::cout << help;
    return 0;
  }
  // Every step's call, then the chain at once (one round trip to a remote engine). As if the steps
  // ran one by one, those before an argument error run first, and their failure wins.
  std::vector<v1::Call> calls;
  Status unmade;
  for (const Step& step : *steps) {
    Result<v1::Call> call = MakeCall(step, engine);
    if (!call.ok()) {
      unmade = call.status();
      break;
    }
    calls.push_back(std::move(*call));
  }
  Result<v1::Value> result =
      calls.empty() ? Result<v1::Value>(unmade) : engine.CallChain(std::move(calls));
  if (!result.ok()) return Report(result.status());
  if (!unmade.ok()) return Report(unmade);
  v1::Value value = std::move(*result);
  if (!options.output.empty()) {
    const std::string type = value.kind_case() == v1::Value::kObjectValue
                                 ? value.object_value().type_name()
                                 : std::string();
    if (type != "Container" && type != "Directory" && type != "File") {
      return Report(
          Status::Usage("-o exports a Container, a Directory or a File, but the chain ends on " +
                        (type.empty() ? std::string("a value") : "a " + type)));
    }
    v1::Call export_call;
    export_call.set_module("core");
    export_call.set_object(type);
    export_call.set_function("export");
    *export_call.mutable_receiver() = value.object_value();
    auto* path = export_call.add_args();
    path->set_name("path");
    path->mutable_value()->set_string_value(options.output);
    Result<v1::Value> written = engine.Call(std::move(export_call));
    if (!written.ok()) return Report(written.status());
    value = std::move(*written);
  }
  std::cout << (options.json ? FormatJson(value, engine.registry()) : FormatText(value));
  std::cout.flush();
  return 0;
}

}  // namespace

int Report(const Status& status) {
  if (status.ok()) return 0;
  std::cerr << "Error: " << status.message() << std::endl;
  return status.kind() == ErrorKind::kUsage ? 2 : 1;
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  GlobalOptions options;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    if (args[i] == "--version") {
      std::cout << "host " << HOST_VERSION << "\n";
      return 0;
    }
    Result<bool> global = TakeGlobal(args, &i, &options);
    if (!global.ok()) return Report(global.status());
    if (!*global) break;
  }
  if (i == args.size()) {
    if (options.help) {
      std::cout << GeneralHelp();
      return 0;
    }
    std::cerr << GeneralHelp();
    return 2;
  }
  const std::string command = args[i];
  std::vector<std::string> rest(args.begin() + static_cast<long>(i) + 1, args.end());
  if (command == "functions") return RunFunctions(rest, options);
  if (command == "call") return RunCall(rest, options);
  if (command == "init") return RunInit(rest);
  if (command == "install") return RunInstall(rest, options);
  if (command == "update") return RunUpdate(rest, options);
  if (command == "uninstall") return RunUninstall(rest, options);
  if (command == "publish") return RunPublish(rest, options);
  if (command == "index") return RunIndex(rest);
  if (command == "yank") return RunYank(rest, options);
  if (command == "codegen") return RunCodegen(rest, options.quiet);
  if (command == "cache") return RunCache(rest);
  if (command == "serve") return RunServe(rest, MakeEngineOptions(options));
  if (command == "module-serve") return RunModuleServe(rest);
  return Report(Status::Usage(
      "unknown command '" + command + "'" +
      DidYouMean(command, {"functions", "call", "init", "install", "update", "uninstall", "publish",
                           "index", "yank", "codegen", "cache", "serve"}) +
      "\nRun 'host --help' for the commands."));
}

}  // namespace host::cli
