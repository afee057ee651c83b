# lcxx, the test module built by clang++ against libc++, cannot be compiled by this project's g++:
# tests/modules/lcxx is a sub-project configured with clang and driven here by ExternalProject. It
# writes ${HOST_TEST_MODULES}/lcxx/{liblcxx.so,module.json}; the ALL target `lcxx` builds it.
include(ExternalProject)

if(NOT HOST_TEST_MODULES)
  message(FATAL_ERROR "lcxx.cmake: set HOST_TEST_MODULES before including it")
endif()
find_program(HOST_CLANG clang REQUIRED)
find_program(HOST_CLANGXX clang++ REQUIRED)
get_filename_component(lcxx_sdk_dir ${CMAKE_CURRENT_LIST_DIR}/../../sdk ABSOLUTE)

ExternalProject_Add(lcxx
  SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR}/lcxx
  PREFIX ${CMAKE_CURRENT_BINARY_DIR}/lcxx-prefix
  BINARY_DIR ${CMAKE_CURRENT_BINARY_DIR}/lcxx-build
  CMAKE_ARGS
    -DCMAKE_C_COMPILER=${HOST_CLANG}
    -DCMAKE_CXX_COMPILER=${HOST_CLANGXX}
    -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
    -DHOST_SDK_DIR=${lcxx_sdk_dir}
    -DPROTOC_C=${PROTOC_C}
    -DLCXX_OUTPUT_DIR=${HOST_TEST_MODULES}/lcxx
  INSTALL_COMMAND ""
  # The sub-build tracks its own sources (lcxx.cc, sdk/c); running it every time lets it do so.
  BUILD_ALWAYS ON
  BUILD_BYPRODUCTS ${HOST_TEST_MODULES}/lcxx/liblcxx.so)
