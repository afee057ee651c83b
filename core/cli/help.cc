#include "core/cli/help.h"

#include <algorithm>

#include "registry/value_text.h"

namespace host::cli {
namespace {

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

// Lines of two columns, the first padded to the widest.
std::string Table(const std::vector<std::pair<std::string, std::string>>& rows) {
  size_t width = 0;
  for (const auto& [left, right] : rows) width = std::max(width, left.size());
  std::string out;
  for (const auto& [left, right] : rows) {
    std::string line = "  " + left + std::string(width - left.size() + 3, ' ') + right;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace

std::string GeneralHelp() {
  return R"(host runs pipelines written as typed functions in modules.

Usage:
  host -m MODULE functions [FUNCTION...]
  host -m MODULE call [ARGUMENTS] FUNCTION [ARGUMENTS] [FUNCTION [ARGUMENTS]]...
  host init --name NAME [--sdk cpp|c|node|python|go] [DIR]
  host [-m MODULE] install SOURCE
  host [-m MODULE] update [NAME]
  host [-m MODULE] uninstall NAME
  host [-m DIR] publish oci://REGISTRY/NS/NAME:VERSION [--allow-dirty] [--force] [--sign KEY]
  host index build --registry REGISTRY[/NS] ... [--out DIR]
  host index serve --listen HOST:PORT [--registry REGISTRY[/NS] ...] [--out DIR]
  host yank [--undo] oci://REGISTRY/NS/NAME:VERSION [--reason TEXT]
  host codegen --module MODULE --output FILE [--lang cpp|c|node|python|go]
  host cache du | prune [--keep SIZE] | verify [--repair]
  host serve --listen unix:///PATH | tcp://127.0.0.1:PORT [--token-file FILE]
  host module-serve OBJECT

Commands:
  functions   List the functions of a module's main object, or of the object a chain returns
  call        Call a function, or a chain of functions, and print the result
  init        Create a new module that builds and runs as it is
  install     Add a dependency to a module, pin it in host.lock, generate its typed client
  update      Move remote dependencies' pins to the newest versions their references allow
  uninstall   Remove a dependency, its pins and its typed client
  publish     Publish a module (files, schema, this platform's binary) to an OCI registry
  index       Build or serve the module index web site from OCI registries
  yank        Mark a published version yanked, with a reason (--undo restores it)
  codegen     Write the typed client of a module, in any module language
  cache       Show or reduce what the state folder holds
  serve       Serve the engine over gRPC to other processes (host --engine, embedders)
  module-serve  Serve one shared-object module in a process of its own (started by --isolate)

Options:
  -m, --mod MODULE   A module name on the module path, a folder holding module.json, a
                     shared object, a git reference (github.com/OWNER/REPO[/SUB][@VERSION])
                     or an OCI reference (oci://REGISTRY/NAMESPACE/NAME:TAG)
  --json             Print the result as JSON
  -o, --output PATH  Write a resulting Container (as an OCI image tarball), Directory or File
                     to the host
  -q, --quiet        Print no progress
  --engine ADDRESS   Run functions and call on the engine of a 'host serve' at unix:///PATH
                     or tcp://HOST:PORT (default: $HOST_ENGINE; else an engine in-process)
  --isolate          Run every shared-object module in a process of its own, so a module
                     that crashes fails its calls instead of host (also HOST_ISOLATE=1)
  --locked           Use remote modules only as host.lock pins them; fail if a command
                     would change the lock (also HOST_LOCKED=1)
  -h, --help         Show help; after a function name, that function's help
  --version          Print the version

Environment:
  HOST_MODULE_PATH   ':'-separated folders searched for modules by name, before the installed
                     and built-in ones
  HOST_ENGINE        The address of a remote engine, as --engine
  HOST_ENGINE_TOKEN  The bearer token sent to a remote engine on tcp
  HOST_SERVE_TOKEN   The token 'host serve' requires on tcp (or --token-file)
  HOST_ISOLATE       1: as --isolate
  HOST_LOCKED        1: as --locked

Exit codes: 0 success, 1 a function or module failed, 2 usage error.
)";
}

std::string FunctionsTable(const ObjectInfo& object) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& [name, member] : object.members) {
    rows.emplace_back(name, FirstLine(member.description()));
  }
  size_t width = 4;
  for (const auto& [left, right] : rows) width = std::max(width, left.size());
  std::string out = "Name" + std::string(width - 4 + 3, ' ') + "Description\n";
  for (const auto& [left, right] : rows) {
    std::string line = left + std::string(width - left.size() + 3, ' ') + right;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string MemberHelp(const MemberInfo& member, const std::string& usage) {
  const bool is_constructor = member.kind == MemberInfo::Kind::kConstructor;
  std::string description =
      is_constructor ? member.object->module->def.description() : member.description();
  if (is_constructor && description.empty()) description = member.object->def->description();
  std::string out = description.empty() ? "" : description + "\n\n";
  out += "Usage:\n  " + usage + (member.args().empty() ? "" : " [ARGUMENTS]");
  out += is_constructor ? " FUNCTION [ARGUMENTS]...\n" : "\n";
  if (!member.args().empty()) {
    std::vector<std::pair<std::string, std::string>> rows;
    for (int i = 0; i < member.args().size(); ++i) {
      const v1::ArgDef& arg = member.args().Get(i);
      std::string left =
          "--" + member.arg_keys[static_cast<size_t>(i)] + " " + TypeRegistry::TypeName(arg.type());
      std::string right = FirstLine(arg.description());
      std::string note;
      if (arg.has_default_value() && arg.default_value().kind_case() != v1::Value::KIND_NOT_SET) {
        note = "default: " + FormatDefault(arg.default_value());
      } else if (!arg.type().optional()) {
        note = "required";
      }
      if (!note.empty()) right += (right.empty() ? "(" : " (") + note + ")";
      rows.emplace_back(left, right);
    }
    out += "\nArguments:\n" + Table(rows);
  }
  if (is_constructor) {
    out += "\nFunctions:\n";
    std::string table = FunctionsTable(*member.object);
    size_t start = 0;
    while (start < table.size()) {
      size_t end = table.find('\n', start);
      out += "  " + table.substr(start, end - start) + "\n";
      start = end + 1;
    }
    out += "\nRun '" + usage + " FUNCTION --help' for a function's arguments.\n";
  } else if (member.return_type().kind() != v1::TYPE_KIND_VOID) {
    out += "\nReturns " + TypeRegistry::TypeName(member.return_type()) + ".\n";
    if (member.return_type().kind() == v1::TYPE_KIND_OBJECT) {
      out += "Chain another function after it; list them with '" +
             usage.substr(0, usage.find(" call ")) + " functions " + member.cli_name + "'.\n";
    }
  }
  return out;
}

}  // namespace host::cli
