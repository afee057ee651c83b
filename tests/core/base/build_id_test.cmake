# cmake -P test of cmake/WriteBuildId.cmake (SCRIPT), in the folder WORK: the ID changes when a
# listed file, the compiler or the version changes, and stays (file untouched) otherwise.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
file(WRITE ${WORK}/boundary.h "struct Boundary { int a; };\n")
file(WRITE ${WORK}/inputs.txt "${WORK}/boundary.h")

function(build_id version compiler out)
  execute_process(
    COMMAND ${CMAKE_COMMAND} -DVERSION=${version} -DCOMPILER=${compiler} -DSETTINGS=flags
            -DSOURCE_DIR=${WORK} -DINPUTS=${WORK}/inputs.txt -DOUTPUT=${WORK}/host_build_id.h
            -P ${SCRIPT}
    RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "WriteBuildId.cmake failed")
  endif()
  file(READ ${WORK}/host_build_id.h header)
  if(NOT header MATCHES "#define HOST_BUILD_ID \"([^\"]+)\"")
    message(FATAL_ERROR "no HOST_BUILD_ID in: ${header}")
  endif()
  set(${out} ${CMAKE_MATCH_1} PARENT_SCOPE)
endfunction()

function(expect_different a b why)
  if(a STREQUAL b)
    message(FATAL_ERROR "the build ID did not change when ${why}: ${a}")
  endif()
endfunction()

build_id(1.0.0 GNU-12 first)
if(NOT first MATCHES "^1\\.0\\.0-GNU-12-[0-9a-f]+$")
  message(FATAL_ERROR "unexpected build ID ${first}")
endif()
file(TIMESTAMP ${WORK}/host_build_id.h written "%s")
execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1.1)
build_id(1.0.0 GNU-12 again)
file(TIMESTAMP ${WORK}/host_build_id.h rewritten "%s")
if(NOT first STREQUAL again OR NOT written STREQUAL rewritten)
  message(FATAL_ERROR "the same inputs gave ${again} (was ${first}) or rewrote the header")
endif()

file(WRITE ${WORK}/boundary.h "struct Boundary { int a; int b; };\n")
build_id(1.0.0 GNU-12 edited)
expect_different(${first} ${edited} "a boundary header changed")
build_id(1.0.0 Clang-16 compiler)
expect_different(${edited} ${compiler} "the compiler changed")
build_id(1.0.1 GNU-12 version)
expect_different(${edited} ${version} "the version changed")
message(STATUS "build IDs: ${first} ${edited} ${compiler} ${version}")
