// A loaded module's schema as JSON, for programs listing what they can call.
#ifndef HOST_API_SCHEMA_JSON_H_
#define HOST_API_SCHEMA_JSON_H_

#include <string>

#include "registry/type_registry.h"

namespace host::api {

// The module's objects (constructor, public fields, functions with their arguments and result
// types) and enums as JSON text; the format is documented in docs/embedding.md.
std::string SchemaJson(const ModuleInfo& module, const TypeRegistry& registry);

}  // namespace host::api

#endif  // HOST_API_SCHEMA_JSON_H_
