#include "modules/pulumi/project.h"

#include <gtest/gtest.h>

#include <string>

namespace pulumi {
namespace {

TEST(ParseProjectFile, ReadsNameRuntimeAndBackend) {
  const ProjectFile project = ParseProjectFile(
      "name: infra\n"
      "runtime: go\n"
      "description: A Pulumi program\n"
      "backend:\n"
      "  url: file:///state\n");
  EXPECT_EQ(project.name, "infra");
  EXPECT_EQ(project.runtime, "go");
  EXPECT_EQ(project.backend_url, "file:///state");
}

TEST(ParseProjectFile, ReadsARuntimeWithOptions) {
  const ProjectFile project = ParseProjectFile(
      "name: web\n"
      "runtime:\n"
      "  name: nodejs\n"
      "  options:\n"
      "    typescript: false\n"
      "    name: not-the-runtime\n"
      "description: |\n"
      "  runtime: python\n"
      "  name: not-the-project\n");
  EXPECT_EQ(project.name, "web");
  EXPECT_EQ(project.runtime, "nodejs");
  EXPECT_EQ(project.backend_url, "");
}

TEST(ParseProjectFile, QuotesCommentsAndBlankLinesAreNotPartOfValues) {
  const ProjectFile project = ParseProjectFile(
      "# a project\n"
      "\n"
      "name: \"quoted\"   # its name\n"
      "runtime: 'python'\n"
      "backend:   # where state lives\n"
      "    # the url below\n"
      "    url: \"s3://bucket/a #b\"\n");
  EXPECT_EQ(project.name, "quoted");
  EXPECT_EQ(project.runtime, "python");
  EXPECT_EQ(project.backend_url, "s3://bucket/a #b");
}

TEST(ParseProjectFile, WindowsLineEndings) {
  const ProjectFile project = ParseProjectFile(
      "name: app\r\nruntime: \r\n  name: dotnet\r\nbackend:\r\n  url: file://~\r\n");
  EXPECT_EQ(project.name, "app");
  EXPECT_EQ(project.runtime, "dotnet");
  EXPECT_EQ(project.backend_url, "file://~");
}

TEST(ParseProjectFile, NestedKeysOfOtherSectionsAreIgnored) {
  const ProjectFile project = ParseProjectFile(
      "name: app\n"
      "runtime: go\n"
      "config:\n"
      "  url: not-a-backend\n"
      "  runtime: not-a-runtime\n"
      "template:\n"
      "  name: not-the-name\n");
  EXPECT_EQ(project.name, "app");
  EXPECT_EQ(project.runtime, "go");
  EXPECT_EQ(project.backend_url, "");
}

TEST(ParseProjectFile, WhatIsNotThereIsEmpty) {
  // The module turns an empty runtime into an error naming the runtimes it runs.
  for (const std::string text : {"", "\n\n", "---\n", "name: only\n", "runtime:\n", "{{ garbage",
                                 "runtime\n  name: go\n", ":\n: :\n"}) {
    const ProjectFile project = ParseProjectFile(text);
    EXPECT_EQ(project.runtime, "") << text;
    EXPECT_EQ(project.backend_url, "") << text;
  }
}

TEST(LocalBackendPath, FileUrlsGiveTheFolderToKeep) {
  std::string error;
  EXPECT_EQ(LocalBackendPath("file:///state", &error), "/state");
  EXPECT_EQ(LocalBackendPath("file://~", &error), "/root/.pulumi");
  EXPECT_EQ(LocalBackendPath("file://", &error), "/root/.pulumi");
  EXPECT_EQ(LocalBackendPath("file://~/", &error), "/root/.pulumi");
  EXPECT_EQ(LocalBackendPath("file://~/pulumi-state", &error), "/root/pulumi-state");
  EXPECT_EQ(error, "");
}

TEST(LocalBackendPath, OtherBackendsHaveNoFolder) {
  std::string error;
  for (const std::string url :
       {"", "s3://bucket", "https://api.pulumi.com", "azblob://c", "gs://b", "FILE:///state"}) {
    EXPECT_EQ(LocalBackendPath(url, &error), "") << url;
  }
  EXPECT_EQ(error, "");
}

TEST(LocalBackendPath, RelativeFileUrlsAreErrorsSayingWhatToUse) {
  for (const std::string url : {"file://state", "file://./state", "file://~user/state"}) {
    std::string error;
    EXPECT_EQ(LocalBackendPath(url, &error), "") << url;
    EXPECT_NE(error.find("'" + url + "' is relative"), std::string::npos) << error;
    EXPECT_NE(error.find("file:///state"), std::string::npos) << error;
  }
}

TEST(LocalBackendPath, TheRootIsNotAFolderToKeep) {
  // A cache mounted on / would hide the image: Pulumi keeps a root backend in /.pulumi.
  for (const std::string url : {"file:///", "file:////", "file:///state/..", "file://~/.."}) {
    std::string error;
    const std::string path = LocalBackendPath(url, &error);
    EXPECT_EQ(error, "") << url;
    EXPECT_EQ(path, "/.pulumi") << url;
  }
}

}  // namespace
}  // namespace pulumi
