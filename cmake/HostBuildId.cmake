# The build ID: one string stamped into host and into every plugin of the same build, and checked
# when a plugin is loaded (core/base/plugin_library.cc), because host and its plugins pass C++
# types (std::string, Result<T>, classes with virtual functions) to each other. It is a hash of
# every header under core/ (what both sides compile the boundary from), the project's version,
# the compiler and the flags, computed at build time, so an edit to any of them gives a new ID.

set(HOST_BUILD_ID_DIR ${CMAKE_BINARY_DIR}/gen/build_id CACHE INTERNAL "holds host_build_id.h")

file(GLOB_RECURSE host_build_id_inputs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/core/*.h)
list(SORT host_build_id_inputs)
list(APPEND host_build_id_inputs ${PROJECT_SOURCE_DIR}/cmake/WriteBuildId.cmake)
string(TOUPPER "${CMAKE_BUILD_TYPE}" host_build_type)
set(host_build_settings
    "${CMAKE_CXX_COMPILER_ID}|${CMAKE_CXX_COMPILER_VERSION}|${CMAKE_CXX_STANDARD}|"
    "${CMAKE_BUILD_TYPE}|${CMAKE_CXX_FLAGS}|${CMAKE_CXX_FLAGS_${host_build_type}}|"
    "sanitize=${HOST_SANITIZE}|fuzz=${HOST_FUZZ}")
string(JOIN "" host_build_settings ${host_build_settings})
# The inputs go through a file: the command line would be too long for some shells.
file(CONFIGURE OUTPUT ${HOST_BUILD_ID_DIR}/inputs.txt CONTENT "${host_build_id_inputs}")

add_custom_command(
  OUTPUT ${HOST_BUILD_ID_DIR}/build_id.stamp
  BYPRODUCTS ${HOST_BUILD_ID_DIR}/host_build_id.h
  COMMAND ${CMAKE_COMMAND} -DVERSION=${PROJECT_VERSION}
          "-DCOMPILER=${CMAKE_CXX_COMPILER_ID}-${CMAKE_CXX_COMPILER_VERSION}"
          "-DSETTINGS=${host_build_settings}" -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
          -DINPUTS=${HOST_BUILD_ID_DIR}/inputs.txt -DOUTPUT=${HOST_BUILD_ID_DIR}/host_build_id.h
          -P ${PROJECT_SOURCE_DIR}/cmake/WriteBuildId.cmake
  COMMAND ${CMAKE_COMMAND} -E touch ${HOST_BUILD_ID_DIR}/build_id.stamp
  DEPENDS ${host_build_id_inputs}
  COMMENT "Computing the build ID of host and its plugins"
  VERBATIM)
add_custom_target(host_build_id DEPENDS ${HOST_BUILD_ID_DIR}/build_id.stamp)

# Compiles into the plugin target the one entry point every plugin exports, host_plugin_build_id
# (core/base/plugin_build_id.cc), returning the ID of the host_build_id.h found in id_dir: the
# build's own (HOST_BUILD_ID_DIR) for real plugins.
function(host_stamp_plugin target id_dir)
  target_sources(${target} PRIVATE ${PROJECT_SOURCE_DIR}/core/base/plugin_build_id.cc)
  target_include_directories(${target} BEFORE PRIVATE ${id_dir})
  add_dependencies(${target} host_build_id)
endfunction()

# Gives the loader's target (host_base, which holds core/base/build_id.cc) this build's ID.
function(host_stamp_plugin_loader target)
  target_include_directories(${target} PRIVATE ${HOST_BUILD_ID_DIR})
  add_dependencies(${target} host_build_id)
endfunction()
