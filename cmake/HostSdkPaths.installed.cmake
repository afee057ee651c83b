# Where an installed host keeps the SDK that HostModule.cmake links modules to, found from this
# file's place (<prefix>/share/host/cmake), so the prefix can move.
get_filename_component(_host_sdk_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(HOST_EXECUTABLE "${_host_sdk_prefix}/bin/host")
set(HOST_SDK_INCLUDE_DIRS "${_host_sdk_prefix}/include")
set(HOST_SDK_LIBRARIES "")  # the C++ SDK is header-only
set(HOST_WIRE_LIBRARIES "${_host_sdk_prefix}/lib/libhost_wire.a")
set(HOST_CSDK_INCLUDE_DIRS "${_host_sdk_prefix}/include")
set(HOST_CSDK_LIBRARIES "${_host_sdk_prefix}/lib/libhost_csdk.a")
unset(_host_sdk_prefix)
