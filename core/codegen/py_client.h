// Generates the typed Python client of a module from its schema, so that a Python module can
// write counter().add(2).value() and every call goes through the graph.
#ifndef HOST_CODEGEN_PY_CLIENT_H_
#define HOST_CODEGEN_PY_CLIENT_H_

#include <string>

#include "host/v1/wire.pb.h"

namespace host {

// The Python source of the client of module def: a class per object type (a subclass of
// host_sdk.ClientObject), an enum.Enum per enum, and a function named after the module that
// constructs its main object. Types of the core module (core: its schema) are the classes of
// host_sdk.core, the core's own client; objects of other modules are host_sdk.ClientObject
// values and their enums strings.
std::string GeneratePyClient(const v1::ModuleDef& def, const v1::ModuleDef* core);

// A Python identifier for a name of a schema: characters other than letters, digits and '_'
// become '_', a leading digit gets a letter before it, and a Python keyword gets '_' after it.
std::string PyIdentifier(const std::string& name);

// A Python string literal holding text (valid UTF-8 or not), on one line.
std::string PyString(const std::string& text);

}  // namespace host

#endif  // HOST_CODEGEN_PY_CLIENT_H_
