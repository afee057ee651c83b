# The CMake package of an installed host. find_package(host) gives:
#   host::host        the runtime for embedding (lib/libhost.so): the C API <host/host.h> and the
#                     C++ API <host/engine.h>; public headers only, no definitions needed;
#   host::sdk         the C++ module SDK (<host/module.h>), host::csdk the C one;
#   host_add_module() the module helper of share/host/cmake/HostModule.cmake.
# HOST_PREFIX is the install prefix, HOST_EXECUTABLE the host binary.
include(CMakeFindDependencyMacro)
get_filename_component(HOST_PREFIX "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
find_dependency(Protobuf)  # the wire types of <host/v1/wire.pb.h>

if(NOT TARGET host::host)
  add_library(host::host SHARED IMPORTED)
  set_target_properties(host::host PROPERTIES
    IMPORTED_LOCATION "${HOST_PREFIX}/lib/libhost.so"
    INTERFACE_INCLUDE_DIRECTORIES "${HOST_PREFIX}/include"
    INTERFACE_LINK_LIBRARIES "protobuf::libprotobuf-lite")
endif()

set(HOST_SDK_DIR "${HOST_PREFIX}/share/host/cmake")
include("${HOST_SDK_DIR}/HostModule.cmake")
