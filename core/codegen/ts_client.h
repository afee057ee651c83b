// Generates the typed client of a module for Node.js modules: a small .js that hands the module's
// schema to the SDK's client runtime (@host/sdk's dependency()), and a .d.ts that types it, so
// that a JavaScript or TypeScript module writes
//   const {cmod} = require('./deps/cmod');
//   await cmod().withGreeting('Hi').shout('you');
// and every call goes through the host's graph.
#ifndef HOST_CODEGEN_TS_CLIENT_H_
#define HOST_CODEGEN_TS_CLIENT_H_

#include <string>

#include "host/v1/wire.pb.h"

namespace host {

// The .js text of the client of module def. Names are those of the .d.ts GenerateTsTypings
// writes for the same def: camelCase members and arguments, renamed where a name is reserved or
// clashes.
std::string GenerateNodeClient(const v1::ModuleDef& def, const v1::ModuleDef* core);

// The .d.ts text typing the client of module def (see GenerateNodeClient). Objects of the core
// module and of other modules are typed as the SDK's HostObject.
std::string GenerateTsTypings(const v1::ModuleDef& def, const v1::ModuleDef* core);

// The name the client of module exports its constructor under ("my-mod" -> "myMod").
std::string NodeClientConstructor(const std::string& module);

}  // namespace host

#endif  // HOST_CODEGEN_TS_CLIENT_H_
