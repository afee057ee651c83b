#include "core/base/build_id.h"

#include "host_build_id.h"  // generated: HOST_BUILD_ID

namespace host {

const char* BuildId() { return HOST_BUILD_ID; }

}  // namespace host
