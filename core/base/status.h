// Errors as values for the runtime: the public host::Status and host::Result<T> (host/status.h,
// installed for embedders), so that the runtime and its embedders share one Status type. Named
// from the source root, as every core header is, so that any target that finds this one finds it.
#ifndef HOST_BASE_STATUS_H_
#define HOST_BASE_STATUS_H_

#include "sdk/cpp/include/host/status.h"

#endif  // HOST_BASE_STATUS_H_
