#include "core/base/plugin_library.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>

#include "core/base/build_id.h"
#include "core/containers/image_transfer.h"
#include "core/remote/grpc_plugin.h"
#include "core/types/container_backend.h"

namespace host {
namespace {

namespace fs = std::filesystem;
using AnswerFn = int (*)();

TEST(BuildId, NamesTheVersionAndTheCompilerThenAHash) {
  const std::string id = BuildId();
  EXPECT_TRUE(std::regex_match(
      id, std::regex(std::string(HOST_PROJECT_VERSION) + "-[A-Za-z]+-[0-9.]+-[0-9a-f]{16}")))
      << id;
}

TEST(PluginLibrary, LoadsAPluginOfThisBuild) {
  Result<AnswerFn> answer =
      LoadPluginEntry<AnswerFn>(HOST_TEST_PLUGIN_THIS_BUILD, "host_test_plugin_answer", "the test");
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_EQ((*answer)(), 42);
}

TEST(PluginLibrary, RefusesAPluginOfAnotherBuildNamingTheFileBothIdsAndTheFix) {
  Result<AnswerFn> answer = LoadPluginEntry<AnswerFn>(HOST_TEST_PLUGIN_OTHER_BUILD,
                                                      "host_test_plugin_answer", "the test plugin");
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().kind(), ErrorKind::kFailed);
  EXPECT_EQ(answer.status().message(),
            std::string("the test plugin ") + HOST_TEST_PLUGIN_OTHER_BUILD +
                " comes from another build of host (plugin build " + HOST_OTHER_BUILD_ID +
                ", host build " + BuildId() +
                "); reinstall host so that host and its plugins come from one build");
  // Asked again, with the library loaded already: still refused.
  EXPECT_FALSE(
      LoadPluginSymbol(HOST_TEST_PLUGIN_OTHER_BUILD, "host_test_plugin_answer", "it").ok());
}

TEST(PluginLibrary, RefusesALibraryWithoutBuildId) {
  Result<void*> found =
      LoadPluginSymbol(HOST_TEST_PLUGIN_UNSTAMPED, "host_test_plugin_answer", "the test plugin");
  ASSERT_FALSE(found.ok());
  EXPECT_NE(found.status().message().find(std::string(HOST_TEST_PLUGIN_UNSTAMPED) +
                                          " comes from another build of host (the plugin has no "
                                          "build ID: it exports no host_plugin_build_id, host "
                                          "build " +
                                          BuildId() + "); reinstall host"),
            std::string::npos)
      << found.status().message();
}

TEST(PluginLibrary, TheRealPluginsComeFromThisBuild) {
  const fs::path plugins = (fs::path(HOST_BINARY).parent_path() / ".." / "lib" / "host");
  for (const auto& [file, symbol] : {std::pair{"libhost-containers.so", kContainerBackendSymbol},
                                     std::pair{"libhost-transfer.so", kImageTransferSymbol},
                                     std::pair{"libhost-grpc.so", remote::kConnectSymbol}}) {
    Result<void*> found = LoadPluginSymbol(plugins / file, symbol, "the plugin");
    EXPECT_TRUE(found.ok()) << found.status().message();
  }
}

}  // namespace
}  // namespace host
