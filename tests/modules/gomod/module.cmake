# The gomod module's own build (its CMakeLists.txt once copied): host builds it on first use.
cmake_minimum_required(VERSION 3.25)
project(gomod NONE)
include(${HOST_SDK_DIR}/HostGoModule.cmake)
host_add_go_module(gomod)
