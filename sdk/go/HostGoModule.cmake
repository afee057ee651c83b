# Builds a host module written in Go. A Go module's CMakeLists.txt reads:
#   include(${HOST_SDK_DIR}/HostGoModule.cmake)
#   host_add_go_module(NAME)
# and its module.json runs what this builds: "object": "build/NAME", "runtime": {"command":
# ["build/NAME"]}. The build is go build in GOPATH mode (GO111MODULE=off), offline: the SDK's
# package hostsdk comes from HOST_GO_SDK_PATH, gRPC and protobuf from HOST_GO_SYSTEM_PATH, where
# Debian's golang-google-grpc-dev and golang-google-protobuf-dev put them.
# The SDK's GOPATH folder sits beside this file's folder, in a build tree and once installed.
get_filename_component(HOST_GO_SDK_PATH "${CMAKE_CURRENT_LIST_DIR}/../go" ABSOLUTE)
set(HOST_GO_SYSTEM_PATH "/usr/share/gocode" CACHE PATH
    "Where the Go packages of gRPC and protobuf live (GOPATH layout: src/google.golang.org/...)")
find_program(HOST_GO go)

# Compiles the Go package main in the calling folder into ${CMAKE_BINARY_DIR}/NAME.
function(host_add_go_module name)
  if(NOT HOST_GO)
    message(FATAL_ERROR "host_add_go_module(${name}): no 'go' on PATH. Install Go 1.19 or later "
                        "(Debian: apt-get install golang-go golang-google-grpc-dev "
                        "golang-google-protobuf-dev golang-github-golang-protobuf-1-5-dev)")
  endif()
  if(NOT EXISTS ${HOST_GO_SYSTEM_PATH}/src/google.golang.org/grpc)
    message(FATAL_ERROR "host_add_go_module(${name}): gRPC for Go is not in "
                        "${HOST_GO_SYSTEM_PATH}/src/google.golang.org/grpc. Install it (Debian: "
                        "apt-get install golang-google-grpc-dev golang-google-protobuf-dev "
                        "golang-github-golang-protobuf-1-5-dev) or set HOST_GO_SYSTEM_PATH")
  endif()
  set(env GO111MODULE=off GOFLAGS= GOPROXY=off "GOPATH=${HOST_GO_SDK_PATH}:${HOST_GO_SYSTEM_PATH}")
  # Go keeps compiled packages in its cache (under $HOME): without a home, in the build folder.
  if("$ENV{GOCACHE}" STREQUAL "" AND "$ENV{HOME}" STREQUAL "" AND "$ENV{XDG_CACHE_HOME}" STREQUAL "")
    list(APPEND env GOCACHE=${CMAKE_BINARY_DIR}/go-cache)
  endif()
  add_custom_target(${name} ALL
    COMMAND ${CMAKE_COMMAND} -E env ${env} ${HOST_GO} build -o ${CMAKE_BINARY_DIR}/${name} .
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
    COMMENT "Building the Go module ${name}"
    VERBATIM)
endfunction()
