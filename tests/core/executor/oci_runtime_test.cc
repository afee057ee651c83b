#include "core/executor/oci_runtime.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace host {
namespace {

bool MountedAt(const std::string& mount_point, const std::string& type) {
  std::ifstream in("/proc/self/mounts");
  for (std::string device, where, fs_type, rest; in >> device >> where >> fs_type;) {
    std::getline(in, rest);
    if (where == mount_point && fs_type == type) return true;
  }
  return false;
}

TEST(OciRuntimeTest, DetectsHybridCgroups) {
  bool hybrid =
      MountedAt("/sys/fs/cgroup", "tmpfs") && MountedAt("/sys/fs/cgroup/unified", "cgroup2");
  EXPECT_EQ(HasHybridCgroups(), hybrid);
}

TEST(OciRuntimeTest, UnknownRuntimeIsAUsageError) {
  Result<OciRuntime> runtime = FindOciRuntime("docker");
  ASSERT_FALSE(runtime.ok());
  EXPECT_EQ(runtime.status().kind(), ErrorKind::kUsage);
}

TEST(OciRuntimeTest, FindsAnInstalledRuntime) {
  Result<OciRuntime> runtime = FindOciRuntime();
  if (!runtime.ok()) {
    EXPECT_NE(runtime.status().message().find("apt-get install"), std::string::npos);
    GTEST_SKIP() << runtime.status().message();
  }
  EXPECT_TRUE(runtime->binary.is_absolute());
  EXPECT_EQ(access(runtime->binary.c_str(), X_OK), 0);
  EXPECT_EQ(runtime->detach_cgroup2, runtime->name == "crun" && HasHybridCgroups());
}

TEST(OciRuntimeTest, RunsCrunTransparentlyOnHybridHosts) {
  Result<OciRuntime> crun = FindOciRuntime("crun");
  if (!crun.ok()) GTEST_SKIP() << crun.status().message();
  // `crun list` reads cgroup state only when containers exist; `--version` must work everywhere.
  EXPECT_TRUE(RunRuntimeCommand(*crun, {"--version"}).ok());
  Status failed = RunRuntimeCommand(*crun, {"state", "no-such-container-here"});
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.message().find("no-such-container-here"), std::string::npos) << failed.message();
}

}  // namespace
}  // namespace host
