// The command line's own grammar, with no side effects: global options (-m, -o, --json, ...) and
// the chain of a `call` (functions and their --flags, checked against a module's schema).
#ifndef HOST_CLI_CALL_CHAIN_H_
#define HOST_CLI_CALL_CHAIN_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "registry/type_registry.h"

namespace host::cli {

// What stands before the command: the module and output options.
struct GlobalOptions {
  std::string module;
  bool json = false;
  bool quiet = false;
  bool help = false;
  bool isolate = false;   // --isolate or HOST_ISOLATE=1: shared-object modules in processes
  std::string output;     // -o: where to export a resulting Container, Directory or File
  std::string engine;     // --engine: the address of a remote engine (else HOST_ENGINE)
  bool locked = false;    // --locked or HOST_LOCKED=1: remote modules only as host.lock pins them
  std::string git_token;  // --git-token: a secret URI for git servers (else HOST_GIT_TOKEN)
};

// One step of a chain: the member called and the flag texts given to it.
struct Step {
  const MemberInfo* member = nullptr;
  std::map<std::string, std::vector<std::string>> flags;  // kebab name -> texts
};

// "host COMMAND", or "host -m MODULE COMMAND", for usage lines and errors.
std::string Usage(const GlobalOptions& options, const std::string& command);

// The error for an option given an empty text, such as -o "".
Status EmptyValue(const std::string& option, std::string_view needs);

// Takes a global option at args[*i] if there is one (advancing *i past its value); false when
// args[*i] is not a global option.
Result<bool> TakeGlobal(const std::vector<std::string>& args, size_t* i, GlobalOptions* options);

// The object a member's result is, or nullptr when it is not an object.
const ObjectInfo* ResultObject(const TypeRegistry& registry, const MemberInfo& member);

// The member of object called name (any spelling KebabCase maps to it), or a usage error with
// a suggestion.
Result<const MemberInfo*> FindMember(const TypeRegistry& registry, const ObjectInfo& object,
                                     const std::string& name, const std::string& usage);

// Parses the tokens of `call` into steps, checking names against the schema as it goes; the
// first step is the module's constructor. -o, -q and --json met on the way set *options; a
// --help stops the parse and sets *help to the help text of the step it follows.
Result<std::vector<Step>> ParseChain(const std::vector<std::string>& args, const ModuleInfo& module,
                                     const TypeRegistry& registry, GlobalOptions* options,
                                     std::string* help);

}  // namespace host::cli

#endif  // HOST_CLI_CALL_CHAIN_H_
