// A loaded module's schema as JSON, for programs listing what they can call and for the
// schema part of a published module artifact.
#ifndef HOST_REGISTRY_SCHEMA_JSON_H_
#define HOST_REGISTRY_SCHEMA_JSON_H_

#include <string>

#include "registry/type_registry.h"

namespace host {

// The module's objects (constructor, public fields, functions with their arguments and result
// types) and enums as JSON text; the format is documented in docs/embedding.md.
std::string SchemaJson(const ModuleInfo& module, const TypeRegistry& registry);

}  // namespace host

#endif  // HOST_REGISTRY_SCHEMA_JSON_H_
