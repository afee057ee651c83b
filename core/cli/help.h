// Help texts and function listings, generated from module schemas.
#ifndef HOST_CLI_HELP_H_
#define HOST_CLI_HELP_H_

#include <string>

#include "registry/type_registry.h"

namespace host::cli {

// The help of the host command itself.
std::string GeneralHelp();

// The `Name  Description` table of an object's functions and fields, sorted by name.
std::string FunctionsTable(const ObjectInfo& object);

// Help for calling a member (a function, or the constructor when it starts a chain): what it does,
// its arguments with types, defaults and which are required, and what it returns. `usage` is the
// command line that reached it.
std::string MemberHelp(const MemberInfo& member, const std::string& usage);

}  // namespace host::cli

#endif  // HOST_CLI_HELP_H_
