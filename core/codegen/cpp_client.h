// Generates the typed C++ client of a module from its schema, so that another module can write
// deps::pulumi().with_pulumi_token(token).preview(src, "prod") and every call goes through the
// graph.
#ifndef HOST_CODEGEN_CPP_CLIENT_H_
#define HOST_CODEGEN_CPP_CLIENT_H_

#include <string>

#include "host/v1/wire.pb.h"

namespace host {

// The header text of the client of module def. Object and enum types go in namespace ns
// (default deps), the constructor of the main object is ns::<module>() (snake_case). Types of the
// core module (its schema: core) are host::Container and so on, from host/core.h.
std::string GenerateCppClient(const v1::ModuleDef& def, const std::string& ns = "deps",
                              const v1::ModuleDef* core = nullptr);

}  // namespace host

#endif  // HOST_CODEGEN_CPP_CLIENT_H_
