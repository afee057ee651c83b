// Values on the command line: parsing flag text into typed values, and printing results.
#ifndef HOST_REGISTRY_VALUE_TEXT_H_
#define HOST_REGISTRY_VALUE_TEXT_H_

#include <string>
#include <vector>

#include "core/base/status.h"
#include "host/v1/wire.pb.h"
#include "registry/type_registry.h"

namespace host::cli {

// Parses the texts given for one flag (several when the flag is repeated) as a value of type.
// Lists take comma-separated items and repeated flags; booleans take true/false.
Result<v1::Value> ParseFlagValue(const std::vector<std::string>& texts, const v1::TypeRef& type,
                                 const TypeRegistry& registry, const std::string& flag);

// A result as the CLI prints it: scalars as they are, list items one per line, objects as
// Type@ID, nothing for Void. Ends with a newline unless empty.
std::string FormatText(const v1::Value& value);

// A result as JSON (--json); objects show their fields, except internal ones.
std::string FormatJson(const v1::Value& value, const TypeRegistry& registry);

// A value as it appears in help texts (defaults): strings quoted, lists comma-separated.
std::string FormatDefault(const v1::Value& value);

}  // namespace host::cli

#endif  // HOST_REGISTRY_VALUE_TEXT_H_
