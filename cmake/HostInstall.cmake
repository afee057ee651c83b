# What `cmake --install BUILD --prefix PREFIX` puts under PREFIX:
#   bin/host                               the command line
#   lib/host/modules/<name>/               the built-in modules (module.json and the .so)
#   lib/host/*.so                          the container plugins
#   lib/libhost.so*                        the runtime for embedding (C API and C++ API)
#   lib/libhost_wire.a, libhost_csdk.a     the C++ wire types (for modules on the raw ABI) and the
#                                          C SDK; the C++ SDK is header-only
#   include/host/                          host.h (C API), engine.h (C++ API), status.h, abi.h, the
#                                          SDK headers, the wire types, core.h: public headers only
#   share/host/cmake/                      HostModule.cmake, for building modules
#   share/host/proto/host/v1/              the .proto files: wire types, Engine and Module services
#   share/host/node/                       the Node.js SDK (npm package @host/sdk), with a copy
#                                          of the .proto files in proto/
#   lib/cmake/host/                        hostConfig.cmake: find_package(host)
#   lib/pkgconfig/host.pc                  pkg-config host
include(CMakePackageConfigHelpers)

install(TARGETS host RUNTIME DESTINATION bin)
# Every module folder and shared object the build writes to lib/host (modules, plugins).
install(DIRECTORY ${CMAKE_BINARY_DIR}/lib/host/ DESTINATION lib/host USE_SOURCE_PERMISSIONS
        FILES_MATCHING PATTERN "*.so" PATTERN "module.json")
install(TARGETS host_library LIBRARY DESTINATION lib)
install(TARGETS host_wire host_csdk ARCHIVE DESTINATION lib)

install(FILES ${PROJECT_SOURCE_DIR}/core/api/include/host/host.h
              ${PROJECT_SOURCE_DIR}/core/api/include/host/engine.h
              ${PROJECT_SOURCE_DIR}/sdk/include/host/abi.h
              ${HOST_GEN_DIR}/host/core.h
        DESTINATION include/host)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/sdk/cpp/include/ ${PROJECT_SOURCE_DIR}/sdk/c/include/
        DESTINATION include FILES_MATCHING PATTERN "*.h")
install(FILES ${HOST_GEN_DIR}/host/v1/wire.pb.h ${HOST_GEN_DIR}/c/host/v1/wire.pb-c.h
        DESTINATION include/host/v1)

install(FILES ${PROJECT_SOURCE_DIR}/sdk/cmake/HostModule.cmake
              ${PROJECT_SOURCE_DIR}/sdk/cmake/module.map
        DESTINATION share/host/cmake)
install(FILES ${PROJECT_SOURCE_DIR}/cmake/HostSdkPaths.installed.cmake
        DESTINATION share/host/cmake RENAME HostSdkPaths.cmake)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/sdk/proto/ DESTINATION share/host/proto
        FILES_MATCHING PATTERN "*.proto")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/sdk/node/ DESTINATION share/host/node
        PATTERN node_modules EXCLUDE)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/sdk/proto/ DESTINATION share/host/node/proto
        FILES_MATCHING PATTERN "*.proto")

write_basic_package_version_file(${CMAKE_BINARY_DIR}/cmake/hostConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_SOURCE_DIR}/cmake/hostConfig.cmake
              ${CMAKE_BINARY_DIR}/cmake/hostConfigVersion.cmake
        DESTINATION lib/cmake/host)
configure_file(${PROJECT_SOURCE_DIR}/cmake/host.pc.in ${CMAKE_BINARY_DIR}/cmake/host.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/cmake/host.pc DESTINATION lib/pkgconfig)
