// The schema of the built-in "core" module: the root object Query and the core types.
#ifndef HOST_TYPES_CORE_SCHEMA_H_
#define HOST_TYPES_CORE_SCHEMA_H_

#include "host/v1/wire.pb.h"

namespace host {

// The core module's schema (built once).
const v1::ModuleDef& CoreSchema();

}  // namespace host

#endif  // HOST_TYPES_CORE_SCHEMA_H_
