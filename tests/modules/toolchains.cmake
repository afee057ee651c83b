# The toolchain matrix: leaf-X and caller-X for X in gxx (this build's g++), clang (clang++ with
# libstdc++) and libcxx (clang++ with libc++). Each caller calls the other two toolchains' leaves,
# cmod and jsmod (which needs Node.js) through typed clients (tests/modules/toolchains). The clang ones are built by
# tests/modules/toolchains as projects of their own (ExternalProject), with this build's
# HostModule.cmake, as a module author builds them; leaves first, then callers.
include(ExternalProject)
include(${CMAKE_CURRENT_LIST_DIR}/toolchains/module.cmake)
find_program(HOST_CLANG clang REQUIRED)
find_program(HOST_CLANGXX clang++ REQUIRED)

set(MODULES_DIR ${HOST_TEST_MODULES})
toolchain_module(gxx leaf)
set_target_properties(leaf-gxx PROPERTIES CXX_STANDARD 17)

# toolchain_project(TOOLCHAIN PART FLAGS DEPENDS...): one clang-built module as an ExternalProject.
function(toolchain_project toolchain part flags)
  ExternalProject_Add(${part}_${toolchain}
    SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR}/toolchains
    PREFIX ${CMAKE_CURRENT_BINARY_DIR}/toolchains/${part}-${toolchain}-prefix
    BINARY_DIR ${CMAKE_CURRENT_BINARY_DIR}/toolchains/${part}-${toolchain}
    CMAKE_ARGS
      -DCMAKE_C_COMPILER=${HOST_CLANG}
      -DCMAKE_CXX_COMPILER=${HOST_CLANGXX}
      -DCMAKE_CXX_FLAGS=${flags}
      -DCMAKE_MODULE_LINKER_FLAGS=${flags}
      -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
      -DTOOLCHAIN=${toolchain}
      -DPART=${part}
      -DHOST_SDK_DIR=${HOST_SDK_CMAKE_DIR}
      -DMODULES_DIR=${HOST_TEST_MODULES}
    INSTALL_COMMAND ""
    BUILD_ALWAYS ON  # the sub-build tracks its own sources and the SDK's headers
    DEPENDS ${ARGN}
    BUILD_BYPRODUCTS ${HOST_TEST_MODULES}/${part}-${toolchain}/lib${part}-${toolchain}.so)
endfunction()

toolchain_project(clang leaf "" host host_core_header)
toolchain_project(libcxx leaf "-stdlib=libc++" host host_core_header)

toolchain_module(gxx caller)
set_target_properties(caller-gxx PROPERTIES CXX_STANDARD 17)
add_dependencies(caller-gxx leaf_clang leaf_libcxx cmod lcxx)
toolchain_project(clang caller "" host host_core_header leaf-gxx leaf_libcxx cmod lcxx)
toolchain_project(libcxx caller "-stdlib=libc++" host host_core_header leaf-gxx leaf_clang cmod
                  lcxx)
