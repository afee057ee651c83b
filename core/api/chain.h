// Runs a chain of calls given through the C API or the C++ API (host/engine.h): the main object
// of a module (or an object from an earlier call), then one function of each result in turn.
#ifndef HOST_API_CHAIN_H_
#define HOST_API_CHAIN_H_

#include <cstddef>
#include <string_view>

#include "core/base/status.h"
#include "core/engine/engine.h"
#include "host/host.h"
#include "host/v1/wire.pb.h"

namespace host::api {

// One argument of a step as a caller gave it: a name and exactly one of text, json and value.
struct ChainArg {
  const char* name = nullptr;        // declared or kebab-case
  const char* text = nullptr;        // as on the command line, read by the declared type
  const char* json = nullptr;        // JSON, checked against the declared type
  const v1::Value* value = nullptr;  // a value as it is, checked against the declared type
  bool object_only = false;          // value must be an object (the C API's host_arg::object)
};

// One call of a chain: a function (empty or null: the constructor, first step only) and its
// arguments (args may be null only when arg_count is 0).
struct ChainStep {
  const char* function = nullptr;
  const ChainArg* args = nullptr;
  size_t arg_count = 0;
};

// Runs steps from the main object of module (a loaded one), or from start when it is not null,
// and returns the last step's value. Unknown names and wrong arguments are usage errors that say
// which step they belong to.
Result<v1::Value> RunChain(const Runtime& engine, std::string_view module, const v1::Value* start,
                           const ChainStep* steps, size_t step_count);

// The same for steps given through the C API (host_step, host_arg).
Result<v1::Value> RunChain(const Runtime& engine, std::string_view module, const v1::Value* start,
                           const host_step* steps, size_t step_count);

}  // namespace host::api

#endif  // HOST_API_CHAIN_H_
