# Unit tests of the built-in modules' helpers (modules/<name>/), compiled from the modules' own
# sources: gh's command line splitting, iac's comment and refs, pulumi's project reading.
add_executable(host_module_helper_tests
  ${CMAKE_CURRENT_LIST_DIR}/gh/command_line_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/iac/comment_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/pulumi/project_test.cc
  ${PROJECT_SOURCE_DIR}/modules/gh/command_line.cc
  ${PROJECT_SOURCE_DIR}/modules/iac/comment.cc
  ${PROJECT_SOURCE_DIR}/modules/pulumi/project.cc)
target_include_directories(host_module_helper_tests PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(host_module_helper_tests PRIVATE GTest::gtest_main)
gtest_discover_tests(host_module_helper_tests DISCOVERY_MODE PRE_TEST PROPERTIES TIMEOUT 60)
