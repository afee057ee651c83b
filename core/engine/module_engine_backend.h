// The Engine service an engine serves to its module processes.
#ifndef HOST_ENGINE_MODULE_ENGINE_BACKEND_H_
#define HOST_ENGINE_MODULE_ENGINE_BACKEND_H_

#include <memory>

#include "core/remote/grpc_plugin.h"
#include "core/remote/module_host.h"

namespace host {
class Runtime;
}

namespace host::remote {

// The backend of host's Engine service for engine's module processes: their calls and logs run
// in the invoke (known to host) whose context they carry.
std::unique_ptr<EngineBackend> MakeModuleEngineBackend(const Runtime& engine,
                                                       const ModuleHost& host);

}  // namespace host::remote

#endif  // HOST_ENGINE_MODULE_ENGINE_BACKEND_H_
