#include "core/cli/call_chain.h"

#include <algorithm>
#include <cctype>

#include "core/base/names.h"
#include "core/cli/help.h"

namespace host::cli {
namespace {

// A global option that takes a value: `SHORT VALUE`, `LONG VALUE` or, with equals, `LONG=VALUE`.
struct ValueOption {
  std::string_view short_name;  // empty: none
  std::string_view long_name;
  bool equals;
  const char* needs;  // what the value is, for the error when it is missing
  std::string GlobalOptions::*field;
};

constexpr ValueOption kValueOptions[] = {
    {"-m", "--mod", true, "a module name or path", &GlobalOptions::module},
    {"-o", "--output", false, "a host path", &GlobalOptions::output},
    {"", "--engine", true, "unix:///PATH or tcp://HOST:PORT", &GlobalOptions::engine},
    {"", "--git-token", true, "a secret such as env://GITHUB_TOKEN", &GlobalOptions::git_token},
};

}  // namespace

std::string Usage(const GlobalOptions& options, const std::string& command) {
  return options.module.empty() ? "host " + command : "host -m " + options.module + " " + command;
}

Status EmptyValue(const std::string& option, std::string_view needs) {
  return Status::Usage(option + " needs " + std::string(needs) + ", got an empty text");
}

Result<bool> TakeGlobal(const std::vector<std::string>& args, size_t* i, GlobalOptions* options) {
  const std::string& a = args[*i];
  for (const ValueOption& option : kValueOptions) {
    if ((!option.short_name.empty() && a == option.short_name) || a == option.long_name) {
      if (*i + 1 >= args.size()) return Status::Usage(a + " needs " + option.needs);
      if (args[*i + 1].empty()) return EmptyValue(a, option.needs);
      options->*option.field = args[++*i];
      return true;
    }
    if (option.equals && a.size() > option.long_name.size() && a.starts_with(option.long_name) &&
        a[option.long_name.size()] == '=') {
      if (a.size() == option.long_name.size() + 1) {
        return EmptyValue(std::string(option.long_name), option.needs);
      }
      options->*option.field = a.substr(option.long_name.size() + 1);
      return true;
    }
  }
  if (a == "--json") return options->json = true;
  if (a == "-q" || a == "--quiet") return options->quiet = true;
  if (a == "-h" || a == "--help") return options->help = true;
  if (a == "--isolate") return options->isolate = true;
  if (a == "--locked") return options->locked = true;
  return false;
}

const ObjectInfo* ResultObject(const TypeRegistry& registry, const MemberInfo& member) {
  const v1::TypeRef& type = member.return_type();
  if (type.kind() != v1::TYPE_KIND_OBJECT) return nullptr;
  return registry.FindObject(type.name());
}

Result<const MemberInfo*> FindMember(const TypeRegistry& registry, const ObjectInfo& object,
                                     const std::string& name, const std::string& usage) {
  auto it = object.members.find(KebabCase(name));
  if (it != object.members.end()) return &it->second;
  std::vector<std::string> names;
  for (const auto& [n, m] : object.members) names.push_back(n);
  (void)registry;
  return Status::Usage(object.def->name() + " has no function '" + name + "'" +
                       DidYouMean(KebabCase(name), names) + "\nRun '" + usage +
                       " --help' to list them.");
}

Result<std::vector<Step>> ParseChain(const std::vector<std::string>& args, const ModuleInfo& module,
                                     const TypeRegistry& registry, GlobalOptions* options,
                                     std::string* help) {
  std::vector<Step> steps(1);
  steps[0].member = &module.main->constructor;
  std::string usage = Usage(*options, "call");
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    Step& step = steps.back();
    if (a == "-h" || a == "--help") {
      *help = MemberHelp(*step.member,
                         steps.size() == 1 ? usage : usage + " ... " + step.member->cli_name);
      return steps;
    }
    if (a.rfind("--", 0) == 0 && a.size() > 2) {
      std::string name = a.substr(2);
      std::string text;
      bool has_text = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        text = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_text = true;
      }
      std::string key = KebabCase(name);
      const auto& keys = step.member->arg_keys;
      auto found = std::find(keys.begin(), keys.end(), key);
      if (found == keys.end()) {
        if (key == "json" && !has_text) {
          options->json = true;
          continue;
        }
        if (key == "quiet" && !has_text) {
          options->quiet = true;
          continue;
        }
        if (key == "output" && i + 1 < args.size() && !has_text) {
          if (args[i + 1].empty()) return EmptyValue("--output", "a host path");
          options->output = args[++i];
          continue;
        }
        std::string subject = step.member->kind == MemberInfo::Kind::kConstructor
                                  ? "module '" + module.def.name() + "'"
                                  : "function '" + step.member->cli_name + "'";
        return Status::Usage(subject + " has no argument --" + key + DidYouMean(key, keys) +
                             "\nRun '" + usage +
                             (steps.size() == 1 ? "" : " ... " + step.member->cli_name) +
                             " --help' to list its arguments.");
      }
      const v1::ArgDef& def = step.member->args().Get(static_cast<int>(found - keys.begin()));
      if (!has_text) {
        if (def.type().kind() == v1::TYPE_KIND_BOOLEAN) {
          bool literal = i + 1 < args.size() && (args[i + 1] == "true" || args[i + 1] == "false");
          text = literal ? args[++i] : "true";
        } else if (i + 1 < args.size()) {
          text = args[++i];
        } else {
          return Status::Usage("argument --" + key + " needs a value (" +
                               TypeRegistry::TypeName(def.type()) + ")");
        }
      }
      step.flags[key].push_back(text);
      continue;
    }
    if (a.rfind("-", 0) == 0 && a.size() > 1 && !std::isdigit(static_cast<unsigned char>(a[1]))) {
      if (a == "-q") {
        options->quiet = true;
        continue;
      }
      if (a == "-o" && i + 1 < args.size()) {
        if (args[i + 1].empty()) return EmptyValue("-o", "a host path");
        options->output = args[++i];
        continue;
      }
      return Status::Usage("unknown option " + a + "; arguments are written --name value");
    }
    const ObjectInfo* object = ResultObject(registry, *step.member);
    if (object == nullptr) {
      return Status::Usage("function '" + step.member->cli_name + "' returns " +
                           TypeRegistry::TypeName(step.member->return_type()) +
                           ", so nothing can be chained after it (got '" + a + "')");
    }
    Result<const MemberInfo*> member = FindMember(registry, *object, a, usage);
    if (!member.ok()) return member.status();
    steps.push_back(Step{*member, {}});
  }
  if (steps.size() == 1) {
    return Status::Usage("no function given to call\nRun '" + usage +
                         " --help' to list the functions of module '" + module.def.name() + "'.");
  }
  return steps;
}

}  // namespace host::cli
