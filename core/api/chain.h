// Runs a chain of calls given through the C API: the main object of a module (or an object from
// an earlier call), then one function of each result in turn.
#ifndef HOST_API_CHAIN_H_
#define HOST_API_CHAIN_H_

#include <cstddef>
#include <string_view>

#include "core/base/status.h"
#include "core/engine/engine.h"
#include "host/host.h"
#include "host/v1/wire.pb.h"

namespace host::api {

// Runs steps from the main object of module (a loaded one), or from start when it is not null,
// and returns the last step's value. Unknown names and wrong arguments are usage errors that say
// which step they belong to.
Result<v1::Value> RunChain(const Runtime& engine, std::string_view module, const v1::Value* start,
                           const host_step* steps, size_t step_count);

}  // namespace host::api

#endif  // HOST_API_CHAIN_H_
