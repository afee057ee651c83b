// An argument's value from what a caller gave: command-line text, JSON, or a value (for the C
// API, an object an earlier call returned).
#ifndef HOST_API_ARG_VALUE_H_
#define HOST_API_ARG_VALUE_H_

#include <string>

#include "core/api/chain.h"
#include "core/base/status.h"
#include "core/engine/engine.h"
#include "host/host.h"
#include "host/v1/wire.pb.h"

namespace host::api {

// The value of arg for the declared argument def; flag names it in errors ('part' gives
// "argument 'part': ..."). Wrong values are usage errors.
Result<v1::Value> ArgValue(const Runtime& engine, const v1::ArgDef& def, const ChainArg& arg,
                           const std::string& flag);

}  // namespace host::api

#endif  // HOST_API_ARG_VALUE_H_
