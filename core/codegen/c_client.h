// Generates the typed C client of a module from its schema: one C function per function of each
// object, with typed parameters and an out-parameter for the result, over the C SDK's requests.
#ifndef HOST_CODEGEN_C_CLIENT_H_
#define HOST_CODEGEN_C_CLIENT_H_

#include <string>

#include "host/v1/wire.pb.h"

namespace host {

// The header text of the C client of module def. Names start with the module's name in snake
// case: <module>_<Object>_<function>(call, self, args..., result). Types of the core module
// (core's schema) and of other modules are opaque const hostc_value* handles.
std::string GenerateCClient(const v1::ModuleDef& def, const v1::ModuleDef* core = nullptr);

}  // namespace host

#endif  // HOST_CODEGEN_C_CLIENT_H_
