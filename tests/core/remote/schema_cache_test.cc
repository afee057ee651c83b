#include "core/remote/schema_cache.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <thread>

#include "core/types/state_dir.h"
#include "tests/support/run.h"

namespace host::remote {
namespace {
namespace fs = std::filesystem;

// The text of a file.
std::string ReadFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Replaces the text of a file.
void WriteFile(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
}

DescribedModule Described(const std::string& schema, const std::string& build = "node v20") {
  DescribedModule described;
  described.module = schema;
  described.build_info = build;
  return described;
}

class SchemaCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fs::path(test::TempDir()) / "schemas"; }
  void TearDown() override { fs::remove_all(dir_.parent_path()); }

  // The one entry file of the cache.
  fs::path Entry() const {
    for (const auto& entry : fs::directory_iterator(dir_)) return entry.path();
    return {};
  }

  fs::path dir_;
  const std::string key_ = SchemaCache::Key("sha256:abc", {"node", "index.js"});
};

TEST_F(SchemaCacheTest, KeepsWhatWasStoredUnderItsKey) {
  SchemaCache cache(dir_);
  EXPECT_FALSE(cache.Find(key_).has_value());
  const std::string schema("\x0a\x05hello\x00\xff", 9);
  cache.Store(key_, Described(schema));
  std::optional<DescribedModule> found = cache.Find(key_);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->module, schema);
  EXPECT_EQ(found->build_info, "node v20");
  EXPECT_FALSE(cache.Find(SchemaCache::Key("sha256:abd", {"node", "index.js"})).has_value());
}

TEST_F(SchemaCacheTest, KeyDependsOnDigestAndCommand) {
  EXPECT_NE(key_, SchemaCache::Key("sha256:abd", {"node", "index.js"}));
  EXPECT_NE(key_, SchemaCache::Key("sha256:abc", {"node", "main.js"}));
  EXPECT_NE(SchemaCache::Key("sha256:abc", {"a", "bc"}),
            SchemaCache::Key("sha256:abc", {"ab", "c"}));
  EXPECT_EQ(key_, SchemaCache::Key("sha256:abc", {"node", "index.js"}));
}

TEST_F(SchemaCacheTest, DamagedEntriesAreIgnoredAndRemoved) {
  SchemaCache cache(dir_);
  const std::vector<std::function<std::string(std::string)>> damages = {
      [](std::string text) { return text.substr(0, text.size() - 1); },  // cut short
      [](std::string text) {                                             // a flipped byte
        text.back() ^= 1;
        return text;
      },
      [](std::string text) { return text + "x"; },                               // a byte more
      [](std::string) { return std::string(); },                                 // empty
      [](std::string text) { return "host-schema-cache 2" + text.substr(19); },  // another format
      [&](std::string text) {  // the entry of another key, renamed
        const std::string other = SchemaCache::Key("sha256:other", {"node"});
        const size_t at = text.find(key_);
        return text.replace(at, key_.size(), other);
      },
      [](std::string text) {  // sizes that overflow
        const size_t at = text.find('\n', text.find('\n', text.find('\n') + 1) + 1) + 1;
        return text.substr(0, at) + "999999999999999999999\n" + text.substr(at);
      },
  };
  for (size_t i = 0; i < damages.size(); ++i) {
    cache.Store(key_, Described("schema bytes"));
    const fs::path entry = Entry();
    WriteFile(entry, damages[i](ReadFile(entry)));
    EXPECT_FALSE(cache.Find(key_).has_value()) << "damage " << i;
    EXPECT_FALSE(fs::exists(entry)) << "damage " << i;
  }
}

TEST_F(SchemaCacheTest, ASymlinkIsNotFollowed) {
  SchemaCache cache(dir_);
  cache.Store(key_, Described("schema"));
  const fs::path entry = Entry();
  const fs::path elsewhere = dir_.parent_path() / "elsewhere";
  fs::rename(entry, elsewhere);
  fs::create_symlink(elsewhere, entry);
  EXPECT_FALSE(cache.Find(key_).has_value());
}

TEST_F(SchemaCacheTest, ConcurrentStoresNeverShowHalfAnEntry) {
  SchemaCache cache(dir_);
  const std::string small(10, 's');
  const std::string large(1 << 20, 'l');
  cache.Store(key_, Described(small));
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      while (!stop) cache.Store(key_, Described(w == 0 ? small : large));
    });
  }
  // The entry is replaced, never missing nor half written: every read finds one of the two.
  for (int i = 0; i < 1000; ++i) {
    std::optional<DescribedModule> found = cache.Find(key_);
    if (!found) {
      ADD_FAILURE() << "read " << i << " found no entry";
      break;
    }
    EXPECT_TRUE(found->module == small || found->module == large);
  }
  stop = true;
  for (auto& writer : writers) writer.join();
  // No temporary file is left behind.
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().extension(), ".schema") << entry.path();
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST_F(SchemaCacheTest, WhatAKilledHostWasWritingIsRemovedLater) {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  waitpid(child, nullptr, 0);  // a process that is gone, as a killed host is
  fs::create_directories(dir_);
  const fs::path left = dir_ / (key_ + ".tmp" + std::to_string(child) + "-0123");
  const fs::path ours = dir_ / (key_ + ".tmp" + std::to_string(getpid()) + "-0123");
  WriteFile(left, "half an entry");
  WriteFile(ours, "being written");
  RemoveLeftovers(dir_.parent_path());
  EXPECT_FALSE(fs::exists(left));
  EXPECT_TRUE(fs::exists(ours));
}

}  // namespace
}  // namespace host::remote
