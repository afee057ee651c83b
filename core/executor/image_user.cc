#include "core/executor/image_user.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <optional>
#include <sstream>

#include "core/base/unique_fd.h"

namespace host {
namespace {

// One line of /etc/passwd or /etc/group split at ':'.
std::vector<std::string> SplitFields(const std::string& line, char separator) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, separator)) fields.push_back(field);
  if (!line.empty() && line.back() == separator) fields.emplace_back();
  return fields;
}

std::optional<uint32_t> ParseId(const std::string& text) {
  uint32_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return {};
  if (value == static_cast<uint32_t>(-1)) return {};
  return value;
}

// The file at path inside the root at rootfs_fd; empty when it is missing.
std::string ReadInRoot(int rootfs_fd, const char* path) {
  open_how how = {};
  how.flags = O_RDONLY | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  UniqueFd fd(static_cast<int>(syscall(SYS_openat2, rootfs_fd, path, &how, sizeof how)));
  if (!fd.ok() && errno == ENOSYS)
    fd.reset(openat(rootfs_fd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.ok()) return {};
  std::string text;
  char buffer[8192];
  ssize_t n;
  while ((n = read(fd.get(), buffer, sizeof buffer)) > 0)
    text.append(buffer, static_cast<size_t>(n));
  return text;
}

// Lines of a colon-separated database with at least min_fields fields.
std::vector<std::vector<std::string>> ReadDatabase(int rootfs_fd, const char* path,
                                                   size_t min_fields) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(ReadInRoot(rootfs_fd, path));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    auto fields = SplitFields(line, ':');
    if (fields.size() >= min_fields) rows.push_back(std::move(fields));
  }
  return rows;
}

}  // namespace

Result<ImageUser> ResolveImageUser(int rootfs_fd, const std::string& user) {
  std::string user_part = user.empty() ? "0" : user;
  std::string group_part;
  if (size_t colon = user_part.find(':'); colon != std::string::npos) {
    group_part = user_part.substr(colon + 1);
    user_part.resize(colon);
    if (user_part.empty() || group_part.empty()) {
      return Status::Usage("bad user '" + user + "': use uid[:gid] or name[:group]");
    }
  }

  // passwd: name:password:uid:gid:gecos:home:shell
  auto passwd = ReadDatabase(rootfs_fd, "etc/passwd", 6);
  ImageUser result;
  std::string name;
  std::optional<uint32_t> uid = ParseId(user_part);
  for (const auto& row : passwd) {
    bool match = uid ? ParseId(row[2]) == uid : row[0] == user_part;
    if (!match) continue;
    std::optional<uint32_t> row_uid = ParseId(row[2]);
    std::optional<uint32_t> row_gid = ParseId(row[3]);
    if (!row_uid || !row_gid) continue;
    name = row[0];
    result.uid = *row_uid;
    result.gid = *row_gid;
    if (!row[5].empty()) result.home = row[5];
    break;
  }
  if (uid) {
    result.uid = *uid;
  } else if (name.empty()) {
    return Status::Usage("user '" + user_part + "' is not in the image's /etc/passwd");
  }

  // group: name:password:gid:member,member
  auto groups = ReadDatabase(rootfs_fd, "etc/group", 3);
  if (!group_part.empty()) {
    std::optional<uint32_t> gid = ParseId(group_part);
    if (!gid) {
      for (const auto& row : groups) {
        if (row[0] == group_part) gid = ParseId(row[2]);
        if (gid) break;
      }
      if (!gid) return Status::Usage("group '" + group_part + "' is not in the image's /etc/group");
    }
    result.gid = *gid;
  }
  if (!name.empty()) {
    for (const auto& row : groups) {
      if (row.size() < 4) continue;
      auto members = SplitFields(row[3], ',');
      if (std::find(members.begin(), members.end(), name) == members.end()) continue;
      std::optional<uint32_t> gid = ParseId(row[2]);
      if (gid && *gid != result.gid &&
          std::find(result.additional_gids.begin(), result.additional_gids.end(), *gid) ==
              result.additional_gids.end()) {
        result.additional_gids.push_back(*gid);
      }
    }
  }
  return result;
}

}  // namespace host
