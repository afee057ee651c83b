#include "core/images/layer.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <filesystem>
#include <functional>

#include "core/base/sha256.h"
#include "tests/core/images/fixtures.h"

namespace host::images {
namespace {
namespace fs = std::filesystem;
using test::ReadFile;
using test::ScratchDir;
using test::WriteFile;

// One entry of a tar written by the tests.
struct TarEntry {
  std::string path;
  mode_t type = AE_IFREG;
  mode_t mode = 0644;
  std::string data;  // file contents, or the symlink target
  std::string hardlink;
  int64_t uid = 0;
  int64_t gid = 0;
  std::vector<std::pair<std::string, std::string>> xattrs;
};

TarEntry File(std::string path, std::string data, mode_t mode = 0644, int64_t uid = 0,
              int64_t gid = 0) {
  TarEntry e;
  e.path = std::move(path);
  e.data = std::move(data);
  e.mode = mode;
  e.uid = uid;
  e.gid = gid;
  return e;
}

TarEntry Folder(std::string path, mode_t mode, int64_t uid = 0, int64_t gid = 0) {
  TarEntry e = File(std::move(path), "", mode, uid, gid);
  e.type = AE_IFDIR;
  return e;
}

TarEntry Symlink(std::string path, std::string target) {
  TarEntry e = File(std::move(path), std::move(target), 0777);
  e.type = AE_IFLNK;
  return e;
}

TarEntry Hardlink(std::string path, std::string target) {
  TarEntry e;
  e.path = std::move(path);
  e.hardlink = std::move(target);
  return e;
}

TarEntry Special(std::string path, mode_t type, mode_t mode) {
  TarEntry e = File(std::move(path), "", mode);
  e.type = type;
  return e;
}

// A pax tar of entries, optionally compressed ("gzip", "zstd" or "").
std::string MakeTar(const std::vector<TarEntry>& entries, const std::string& filter = "") {
  archive* writer = archive_write_new();
  archive_write_set_format_pax_restricted(writer);
  if (filter == "gzip") archive_write_add_filter_gzip(writer);
  if (filter == "zstd") archive_write_add_filter_zstd(writer);
  archive_write_set_bytes_in_last_block(writer, 1);
  std::vector<char> buffer(size_t{16} << 20);
  size_t used = 0;
  archive_write_open_memory(writer, buffer.data(), buffer.size(), &used);
  for (const auto& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.path.c_str());
    archive_entry_set_uid(entry, e.uid);
    archive_entry_set_gid(entry, e.gid);
    archive_entry_set_mtime(entry, 1000000000, 0);
    if (!e.hardlink.empty()) {
      archive_entry_set_hardlink(entry, e.hardlink.c_str());
    } else {
      archive_entry_set_filetype(entry, e.type);
      archive_entry_set_perm(entry, e.mode);
      if (e.type == AE_IFLNK) archive_entry_set_symlink(entry, e.data.c_str());
      if (e.type == AE_IFREG) archive_entry_set_size(entry, static_cast<la_int64_t>(e.data.size()));
    }
    for (const auto& [name, value] : e.xattrs) {
      archive_entry_xattr_add_entry(entry, name.c_str(), value.data(), value.size());
    }
    archive_write_header(writer, entry);
    if (e.type == AE_IFREG && e.hardlink.empty() && !e.data.empty()) {
      archive_write_data(writer, e.data.data(), e.data.size());
    }
    archive_entry_free(entry);
  }
  archive_write_close(writer);
  archive_write_free(writer);
  return std::string(buffer.data(), used);
}

std::string Blob(const std::string& bytes) {
  std::string path = ScratchDir() + "/blob";
  WriteFile(path, bytes);
  return path;
}

struct stat Lstat(const std::string& path) {
  struct stat st {};
  lstat(path.c_str(), &st);
  return st;
}

std::string Xattr(const std::string& path, const char* name) {
  char value[256];
  ssize_t n = lgetxattr(path.c_str(), name, value, sizeof value);
  return n < 0 ? std::string("<none>") : std::string(value, static_cast<size_t>(n));
}

TEST(Layer, KeepsModesOwnersLinksDevicesAndXattrs) {
  if (geteuid() != 0) GTEST_SKIP() << "ownership and devices need root";
  TarEntry tool_entry = File("./usr/bin/tool", "#!/bin/sh\necho hi\n", 04755, 1000, 1001);
  tool_entry.xattrs = {{"user.note", "hello"}, {"trusted.overlay.redirect", "/etc"}};
  std::vector<TarEntry> entries = {
      Folder("./", 0755),
      Folder("./usr/", 0750, 7, 8),
      tool_entry,
      Hardlink("./usr/bin/again", "./usr/bin/tool"),
      Symlink("./usr/bin/link", "tool"),
      Symlink("./etc/absolute", "/etc/shadow"),
      Special("./dev/null", AE_IFCHR, 0666),
      Special("./run/fifo", AE_IFIFO, 0600),
      File("/abs/file", "inside"),
      Folder("./readonly/", 0500),
      File("./readonly/child", "x"),
  };
  std::string dir = ScratchDir();
  std::string tar = MakeTar(entries);
  Result<std::string> digest = ExtractLayer(Blob(tar), dir);
  ASSERT_TRUE(digest.ok()) << digest.status().message();
  EXPECT_EQ(*digest, "sha256:" + Sha256Hex(tar));

  struct stat tool = Lstat(dir + "/usr/bin/tool");
  EXPECT_TRUE(S_ISREG(tool.st_mode));
  EXPECT_EQ(tool.st_mode & 07777, 04755u);
  EXPECT_EQ(tool.st_uid, 1000u);
  EXPECT_EQ(tool.st_gid, 1001u);
  EXPECT_EQ(tool.st_mtime, 1000000000);
  EXPECT_EQ(ReadFile(dir + "/usr/bin/tool"), "#!/bin/sh\necho hi\n");
  EXPECT_EQ(Xattr(dir + "/usr/bin/tool", "user.note"), "hello");
  EXPECT_EQ(Xattr(dir + "/usr/bin/tool", "trusted.overlay.redirect"), "<none>");  // never taken
  struct stat again = Lstat(dir + "/usr/bin/again");
  EXPECT_EQ(again.st_ino, tool.st_ino);
  EXPECT_EQ(tool.st_nlink, 2u);
  EXPECT_EQ(fs::read_symlink(dir + "/usr/bin/link"), "tool");
  EXPECT_EQ(fs::read_symlink(dir + "/etc/absolute"), "/etc/shadow");
  struct stat usr = Lstat(dir + "/usr");
  EXPECT_EQ(usr.st_mode & 07777, 0750u);
  EXPECT_EQ(usr.st_uid, 7u);
  EXPECT_EQ(usr.st_gid, 8u);
  EXPECT_EQ(usr.st_mtime, 1000000000);  // set after its children were made
  EXPECT_TRUE(S_ISCHR(Lstat(dir + "/dev/null").st_mode));
  EXPECT_TRUE(S_ISFIFO(Lstat(dir + "/run/fifo").st_mode));
  EXPECT_EQ(ReadFile(dir + "/abs/file"), "inside");
  EXPECT_EQ(Lstat(dir + "/readonly").st_mode & 07777, 0500u);
  EXPECT_EQ(ReadFile(dir + "/readonly/child"), "x");
}

TEST(Layer, WhiteoutsBecomeOverlayWhiteouts) {
  if (geteuid() != 0) GTEST_SKIP() << "whiteout devices and trusted xattrs need root";
  std::string dir = ScratchDir();
  std::string tar = MakeTar({
      File("data/.wh.gone", ""),
      File("opaque/.wh..wh..opq", ""),
      File("opaque/new", "new"),
  });
  Result<std::string> digest = ExtractLayer(Blob(tar), dir);
  ASSERT_TRUE(digest.ok()) << digest.status().message();
  struct stat gone = Lstat(dir + "/data/gone");
  EXPECT_TRUE(S_ISCHR(gone.st_mode));
  EXPECT_EQ(major(gone.st_rdev), 0u);
  EXPECT_EQ(minor(gone.st_rdev), 0u);
  EXPECT_FALSE(fs::exists(dir + "/data/.wh.gone"));
  EXPECT_EQ(Xattr(dir + "/opaque", "trusted.overlay.opaque"), "y");
  EXPECT_FALSE(fs::exists(dir + "/opaque/.wh..wh..opq"));
  EXPECT_EQ(ReadFile(dir + "/opaque/new"), "new");
}

TEST(Layer, CompressionIsDetectedAndDiffIdIsOfTheUncompressedTar) {
  std::vector<TarEntry> entries = {File("hello.txt", std::string(300000, 'h'))};
  std::string plain = MakeTar(entries);
  for (const std::string filter : {"", "gzip", "zstd"}) {
    std::string blob = MakeTar(entries, filter);
    if (!filter.empty()) {
      EXPECT_NE(blob, plain);
    }
    std::string dir = ScratchDir();
    Result<std::string> digest = ExtractLayer(Blob(blob), dir);
    ASSERT_TRUE(digest.ok()) << filter << ": " << digest.status().message();
    EXPECT_EQ(*digest, "sha256:" + Sha256Hex(plain)) << filter;
    EXPECT_EQ(ReadFile(dir + "/hello.txt"), std::string(300000, 'h')) << filter;
  }
}

TEST(Layer, EmptyLayers) {
  // Docker's empty layer: a tar of nothing but its end-of-archive blocks, gzip-compressed.
  const std::string empty(1024, '\0');
  for (const std::string filter : {"", "gzip"}) {
    std::string blob = filter.empty() ? empty : MakeTar({}, "gzip");
    std::string dir = ScratchDir();
    Result<std::string> digest = ExtractLayer(Blob(blob), dir);
    ASSERT_TRUE(digest.ok()) << filter << ": " << digest.status().message();
    EXPECT_EQ(test::CountEntries(dir), 0u);
  }
  Result<std::string> digest = ExtractLayer(Blob(empty), ScratchDir());
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(*digest, "sha256:" + Sha256Hex(empty));
}

TEST(Layer, RefusesDotDot) {
  std::string parent = ScratchDir();
  std::string dir = parent + "/layer";
  fs::create_directories(dir);
  Result<std::string> digest = ExtractLayer(Blob(MakeTar({File("../escaped", "bad")})), dir);
  ASSERT_FALSE(digest.ok());
  EXPECT_NE(digest.status().message().find("\"../escaped\" escapes the layer folder"),
            std::string::npos)
      << digest.status().message();
  EXPECT_FALSE(fs::exists(parent + "/escaped"));
}

TEST(Layer, RefusesWritingThroughASymlink) {
  std::string outside = ScratchDir();
  std::string dir = ScratchDir();
  Result<std::string> digest =
      ExtractLayer(Blob(MakeTar({Symlink("evil", outside), File("evil/planted", "bad")})), dir);
  ASSERT_FALSE(digest.ok());
  EXPECT_NE(digest.status().message().find("goes through the symlink \"evil\""), std::string::npos)
      << digest.status().message();
  EXPECT_FALSE(fs::exists(outside + "/planted"));
  // A hardlink may not reach through one either.
  std::string dir2 = ScratchDir();
  Result<std::string> linked = ExtractLayer(
      Blob(MakeTar({Symlink("evil", "/etc"), Hardlink("stolen", "evil/passwd")})), dir2);
  ASSERT_FALSE(linked.ok());
  EXPECT_NE(linked.status().message().find("symlink"), std::string::npos);
}

TEST(Layer, RefusesGarbage) {
  std::string dir = ScratchDir();
  Result<std::string> digest = ExtractLayer(Blob(std::string(5000, 'x')), dir);
  ASSERT_FALSE(digest.ok());
  EXPECT_NE(digest.status().message().find("tar"), std::string::npos) << digest.status().message();
}

TEST(LayerStore, UnpacksOnceAndVerifiesTheDiffId) {
  std::string state = ScratchDir();
  LayerStore store(state);
  std::string tar = MakeTar({File("a", "a")}, "gzip");
  std::string blob = Blob(tar);
  std::string plain_digest = "sha256:" + Sha256Hex(MakeTar({File("a", "a")}));
  EXPECT_FALSE(store.Has(plain_digest));

  const std::string wrong = "sha256:" + std::string(64, 'e');
  Result<fs::path> refused = store.Unpack(blob, wrong);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("unpacks to " + plain_digest), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find(wrong), std::string::npos);
  EXPECT_FALSE(store.Has(wrong));
  EXPECT_EQ(test::CountEntries(state + "/tmp"), 0u);  // nothing half-done left behind

  Result<fs::path> dir = store.Unpack(blob, plain_digest);
  ASSERT_TRUE(dir.ok()) << dir.status().message();
  EXPECT_EQ(*dir, store.Path(plain_digest));
  EXPECT_EQ(dir->string(), state + "/layers/" + plain_digest.substr(7));
  EXPECT_TRUE(store.Has(plain_digest));
  EXPECT_EQ(ReadFile(dir->string() + "/a"), "a");
  // Present: not unpacked again (the blob is not even read).
  fs::remove(blob);
  Result<fs::path> again = store.Unpack(blob, plain_digest);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(test::CountEntries(state + "/tmp"), 0u);
}

}  // namespace
}  // namespace host::images
