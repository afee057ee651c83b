#include "core/executor/oci_config.h"

#include <nlohmann/json.hpp>

namespace host {
namespace {

// Docker's default capabilities.
const char* const kCapabilities[] = {
    "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
    "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
    "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
    "CAP_KILL",    "CAP_AUDIT_WRITE"};

// Paths of /proc and /sys that leak host details or allow harm, hidden as Docker does.
const char* const kMaskedPaths[] = {"/proc/asound",
                                    "/proc/acpi",
                                    "/proc/kcore",
                                    "/proc/keys",
                                    "/proc/latency_stats",
                                    "/proc/timer_list",
                                    "/proc/timer_stats",
                                    "/proc/sched_debug",
                                    "/proc/scsi",
                                    "/sys/firmware",
                                    "/sys/devices/virtual/powercap"};
const char* const kReadonlyPaths[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                      "/proc/sysrq-trigger"};

}  // namespace

std::vector<OciMount> StandardMounts() {
  return {
      {"/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}},
      {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}},
      {"/dev/pts",
       "devpts",
       "devpts",
       {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
      {"/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
      {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}},
      {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}},
      {"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}},
  };
}

std::string OciConfigJson(const OciConfigInput& input) {
  using nlohmann::json;
  json capabilities = json::array();
  for (const char* cap : kCapabilities) capabilities.push_back(cap);

  json user = {{"uid", input.user.uid}, {"gid", input.user.gid}};
  if (!input.user.additional_gids.empty()) user["additionalGids"] = input.user.additional_gids;

  json mounts = json::array();
  auto add_mount = [&](const OciMount& m) {
    mounts.push_back({{"destination", m.destination},
                      {"type", m.type},
                      {"source", m.source},
                      {"options", m.options}});
  };
  for (const auto& m : StandardMounts()) add_mount(m);
  for (const auto& m : input.mounts) add_mount(m);

  json namespaces =
      json::array({{{"type", "pid"}}, {{"type", "ipc"}}, {{"type", "uts"}}, {{"type", "mount"}}});
  if (!input.host_network) namespaces.push_back({{"type", "network"}});

  json config = {
      {"ociVersion", "1.0.2"},
      {"process",
       {{"terminal", false},
        {"user", user},
        {"args", input.args},
        {"env", input.env},
        {"cwd", input.cwd},
        {"capabilities",
         {{"bounding", capabilities}, {"effective", capabilities}, {"permitted", capabilities}}},
        {"noNewPrivileges", false}}},
      {"root", {{"path", input.rootfs.string()}, {"readonly", false}}},
      {"mounts", mounts},
      {"linux",
       {{"namespaces", namespaces},
        {"resources", {{"devices", json::array({{{"allow", false}, {"access", "rwm"}}})}}},
        {"maskedPaths", kMaskedPaths},
        {"readonlyPaths", kReadonlyPaths}}},
  };
  return config.dump();
}

}  // namespace host
