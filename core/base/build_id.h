// The build ID of this host: a hash of the headers host and its plugins share, the version and
// the compiler (cmake/HostBuildId.cmake). A plugin is used only when its ID is the same.
#ifndef HOST_BASE_BUILD_ID_H_
#define HOST_BASE_BUILD_ID_H_

namespace host {

// The ID of the build this code comes from, such as "0.1.0-GNU-12.2.0-3fa2c1d4e5b6a7f8".
const char* BuildId();

}  // namespace host

#endif  // HOST_BASE_BUILD_ID_H_
