# host_add_module(NAME [SOURCES src...] [MANIFEST module.json] [OUTPUT_DIR dir] [LANGUAGE CXX|C])
#
# Builds a host module: a shared object exporting only the entry symbol, with the C++ SDK
# (LANGUAGE CXX, the default: header-only, C++17 or later, any compiler and standard library) or
# the C SDK (LANGUAGE C). For each dependency in module.json it
# generates a typed C++ client, included as "deps/<name>.h". With OUTPUT_DIR, the object and a copy
# of module.json naming it are written there (a ready-to-load module folder); without it, the
# object is written to the build folder, where module.json's "object" field (default
# build/lib<name>.so) points.
include_guard(GLOBAL)
set(HOST_SDK_CMAKE_DIR ${CMAKE_CURRENT_LIST_DIR})

if(NOT TARGET host_sdk AND NOT TARGET host::sdk)
  include(${CMAKE_CURRENT_LIST_DIR}/HostSdkPaths.cmake)
  # The C++ SDK is header-only: any C++17 compiler and standard library, no protobuf runtime.
  add_library(host::sdk INTERFACE IMPORTED)
  set_target_properties(host::sdk PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${HOST_SDK_INCLUDE_DIRS}")
  # The C++ wire types (host/v1/wire.pb.h) and protobuf-lite, for a module on the raw ABI.
  add_library(host::wire INTERFACE IMPORTED)
  set_target_properties(host::wire PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${HOST_SDK_INCLUDE_DIRS}"
    INTERFACE_LINK_LIBRARIES "${HOST_WIRE_LIBRARIES};protobuf-lite")
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(HOST_PROTOBUF_C REQUIRED IMPORTED_TARGET libprotobuf-c)
  add_library(host::csdk INTERFACE IMPORTED)
  set_target_properties(host::csdk PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${HOST_CSDK_INCLUDE_DIRS}"
    INTERFACE_LINK_LIBRARIES "${HOST_CSDK_LIBRARIES};PkgConfig::HOST_PROTOBUF_C")
endif()

function(host_add_module name)
  cmake_parse_arguments(ARG "" "MANIFEST;OUTPUT_DIR;LANGUAGE" "SOURCES" ${ARGN})
  if(NOT ARG_MANIFEST AND HOST_MODULE_MANIFEST)
    set(ARG_MANIFEST ${HOST_MODULE_MANIFEST})  # passed by host when module.json names a "source"
  elseif(NOT ARG_MANIFEST)
    set(ARG_MANIFEST ${CMAKE_CURRENT_SOURCE_DIR}/module.json)
  endif()
  if(NOT ARG_LANGUAGE)
    set(ARG_LANGUAGE CXX)
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${ARG_MANIFEST})
  file(READ ${ARG_MANIFEST} manifest)
  get_filename_component(manifest_dir ${ARG_MANIFEST} DIRECTORY)

  add_library(${name} MODULE ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES
    PREFIX "lib"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${name} PRIVATE
    -Wl,--version-script=${HOST_SDK_CMAKE_DIR}/module.map -Wl,--no-undefined)
  if(ARG_LANGUAGE STREQUAL "C")
    target_link_libraries(${name} PRIVATE host::csdk)
  else()
    target_link_libraries(${name} PRIVATE host::sdk)
  endif()

  if(ARG_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIR})
    string(JSON manifest SET "${manifest}" object "\"lib${name}.so\"")
    file(GENERATE OUTPUT ${ARG_OUTPUT_DIR}/module.json CONTENT "${manifest}\n")
    set(resolve_dir ${ARG_OUTPUT_DIR})
  else()
    set(resolve_dir ${manifest_dir})
  endif()

  if(TARGET host_core_header)
    add_dependencies(${name} host_core_header)  # host/core.h
  endif()
  if(TARGET host)
    set(host_exe $<TARGET_FILE:host>)
    set(host_dep host)
  else()
    set(host_exe ${HOST_EXECUTABLE})
    set(host_dep ${HOST_EXECUTABLE})
  endif()

  string(JSON ndeps ERROR_VARIABLE no_deps LENGTH "${manifest}" dependencies)
  if(NOT no_deps AND ndeps GREATER 0 AND NOT ARG_LANGUAGE STREQUAL "C")
    set(gen ${CMAKE_CURRENT_BINARY_DIR}/host_gen/${name})
    math(EXPR last "${ndeps} - 1")
    foreach(i RANGE ${last})
      string(JSON dep_name GET "${manifest}" dependencies ${i} name)
      string(JSON dep_source ERROR_VARIABLE no_source GET "${manifest}" dependencies ${i} source)
      if(no_source)
        set(dep_source ${dep_name})
      endif()
      if(dep_source MATCHES "^\\.")
        set(dep_source ${resolve_dir}/${dep_source})
      endif()
      set(depends ${host_dep})
      if(TARGET ${dep_name})
        list(APPEND depends ${dep_name})
      endif()
      add_custom_command(
        OUTPUT ${gen}/deps/${dep_name}.h
        COMMAND ${host_exe} codegen --module ${dep_source} --output ${gen}/deps/${dep_name}.h
                --lock ${manifest_dir}
        DEPENDS ${depends}
        COMMENT "Generating the typed client of module ${dep_name} for ${name}")
      target_sources(${name} PRIVATE ${gen}/deps/${dep_name}.h)
    endforeach()
    target_include_directories(${name} PRIVATE ${gen})
  endif()
endfunction()
