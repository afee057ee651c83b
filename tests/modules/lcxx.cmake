# lcxx, the test module built by clang++ against libc++, cannot be compiled by this project's g++:
# tests/modules/lcxx is a project of its own, configured with clang and driven here by
# ExternalProject, that builds it with this build's HostModule.cmake as a module author would. It
# writes ${HOST_TEST_MODULES}/lcxx/{liblcxx.so,module.json}; the ALL target `lcxx` builds it.
include(ExternalProject)

if(NOT HOST_TEST_MODULES)
  message(FATAL_ERROR "lcxx.cmake: set HOST_TEST_MODULES before including it")
endif()
find_program(HOST_CLANG clang REQUIRED)
find_program(HOST_CLANGXX clang++ REQUIRED)

ExternalProject_Add(lcxx
  SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR}/lcxx
  PREFIX ${CMAKE_CURRENT_BINARY_DIR}/lcxx-prefix
  BINARY_DIR ${CMAKE_CURRENT_BINARY_DIR}/lcxx-build
  CMAKE_ARGS
    -DCMAKE_C_COMPILER=${HOST_CLANG}
    -DCMAKE_CXX_COMPILER=${HOST_CLANGXX}
    -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
    -DHOST_SDK_DIR=${HOST_SDK_CMAKE_DIR}
    -DLCXX_OUTPUT_DIR=${HOST_TEST_MODULES}/lcxx
  INSTALL_COMMAND ""
  # The sub-build tracks its own sources and the SDK's headers; running it every time lets it.
  BUILD_ALWAYS ON
  DEPENDS host host_core_header cmod
  BUILD_BYPRODUCTS ${HOST_TEST_MODULES}/lcxx/liblcxx.so)
