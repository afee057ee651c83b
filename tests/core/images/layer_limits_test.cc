// Unpacking limits: a small compressed layer cannot create more bytes or entries than configured,
// and a layer refused by a limit leaves nothing behind.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "core/base/sha256.h"
#include "core/images/layer.h"
#include "tests/core/images/fixtures.h"

namespace host::images {
namespace {
namespace fs = std::filesystem;
using test::ScratchDir;
using test::WriteFile;

// One file of a hand-made layer: size bytes of which only the last data.size() are stored when
// sparse, else data repeated up to size.
struct LayerFile {
  std::string path;
  int64_t size = 0;
  bool sparse = false;
  std::string data = "x";
};

// A gzip-compressed pax tar of files; the uncompressed tar's digest goes to diff_id.
std::string GzipLayer(const std::vector<LayerFile>& files, std::string* diff_id = nullptr) {
  std::string out[2];
  for (int gzip = 0; gzip < 2; ++gzip) {
    archive* writer = archive_write_new();
    archive_write_set_format_pax(writer);
    if (gzip) archive_write_add_filter_gzip(writer);
    archive_write_set_bytes_in_last_block(writer, 1);
    std::vector<char> buffer(size_t{64} << 20);
    size_t used = 0;
    archive_write_open_memory(writer, buffer.data(), buffer.size(), &used);
    for (const auto& file : files) {
      archive_entry* entry = archive_entry_new();
      archive_entry_set_pathname(entry, file.path.c_str());
      archive_entry_set_filetype(entry, AE_IFREG);
      archive_entry_set_perm(entry, 0644);
      archive_entry_set_size(entry, file.size);
      const int64_t stored = file.sparse ? static_cast<int64_t>(file.data.size()) : file.size;
      if (file.sparse) archive_entry_sparse_add_entry(entry, file.size - stored, stored);
      archive_write_header(writer, entry);
      std::string chunk;
      for (int64_t left = stored; left > 0; left -= static_cast<int64_t>(chunk.size())) {
        chunk.assign(static_cast<size_t>(std::min<int64_t>(left, 1 << 20)), file.data[0]);
        archive_write_data(writer, chunk.data(), chunk.size());
      }
      archive_entry_free(entry);
    }
    archive_write_close(writer);
    archive_write_free(writer);
    out[gzip].assign(buffer.data(), used);
  }
  if (diff_id != nullptr) *diff_id = "sha256:" + Sha256Hex(out[0]);
  return out[1];
}

std::string BlobFile(const std::string& bytes) {
  std::string path = ScratchDir() + "/blob";
  WriteFile(path, bytes);
  return path;
}

// Limits small enough for tests, named as a config file would name them.
LayerLimits SmallLimits() {
  LayerLimits limits;
  limits.max_layer_size = 1 << 20;
  limits.max_image_size = 3 << 19;
  limits.max_layer_entries = 100;
  limits.config_file = "/etc/host/config.json";
  return limits;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(LayerLimits, AGzipBombIsRefusedWithTheLimitAndItsKeyAndNothingIsKept) {
  std::string diff_id;
  // 8 MiB of one byte: about 8 KB compressed.
  std::string blob = GzipLayer({{"bomb", 8 << 20}}, &diff_id);
  EXPECT_LT(blob.size(), 64u << 10);
  std::string state = ScratchDir();
  LayerStore store(state);
  Result<fs::path> dir = store.Unpack(BlobFile(blob), diff_id, SmallLimits());
  ASSERT_FALSE(dir.ok());
  const std::string& message = dir.status().message();
  EXPECT_TRUE(Contains(message, diff_id)) << message;
  EXPECT_TRUE(Contains(message, "max_layer_size")) << message;
  EXPECT_TRUE(Contains(message, "/etc/host/config.json")) << message;
  EXPECT_TRUE(Contains(message, "\"bomb\"")) << message;
  EXPECT_FALSE(store.Has(diff_id));
  EXPECT_EQ(test::CountEntries(state + "/tmp"), 0u);
  EXPECT_EQ(test::CountEntries(state + "/layers"), 0u);
  // Within the default limits the same layer unpacks.
  Result<fs::path> unpacked = store.Unpack(BlobFile(blob), diff_id);
  ASSERT_TRUE(unpacked.ok()) << unpacked.status().message();
  EXPECT_EQ(fs::file_size(*unpacked / "bomb"), 8u << 20);
}

TEST(LayerLimits, TooManyEntriesAreRefused) {
  std::vector<LayerFile> files;
  for (int i = 0; i < 101; ++i) files.push_back({"f" + std::to_string(i), 1});
  std::string diff_id;
  std::string blob = GzipLayer(files, &diff_id);
  std::string state = ScratchDir();
  LayerStore store(state);
  Result<fs::path> dir = store.Unpack(BlobFile(blob), diff_id, SmallLimits());
  ASSERT_FALSE(dir.ok());
  EXPECT_TRUE(Contains(dir.status().message(), "more than 100 entries")) << dir.status().message();
  EXPECT_TRUE(Contains(dir.status().message(), "max_layer_entries")) << dir.status().message();
  EXPECT_FALSE(store.Has(diff_id));
  files.pop_back();
  blob = GzipLayer(files, &diff_id);
  EXPECT_TRUE(store.Unpack(BlobFile(blob), diff_id, SmallLimits()).ok());
}

TEST(LayerLimits, AHugeSparseFileCountsWithItsHolesAndIsRefusedAtOnce) {
  std::string diff_id;
  std::string blob = GzipLayer({{"sparse", int64_t{8} << 40, true, "abcd"}}, &diff_id);
  EXPECT_LT(blob.size(), 1024u);  // 1 KB holding 8 TB
  std::string state = ScratchDir();
  LayerStore store(state);
  auto started = std::chrono::steady_clock::now();
  Result<fs::path> dir = store.Unpack(BlobFile(blob), diff_id);  // default limits
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  ASSERT_FALSE(dir.ok());
  EXPECT_TRUE(Contains(dir.status().message(), "max_layer_size")) << dir.status().message();
  EXPECT_FALSE(store.Has(diff_id));
  EXPECT_EQ(test::CountEntries(state + "/tmp"), 0u);
}

TEST(LayerLimits, ASparseFileWithinTheLimitStaysSparse) {
  std::string diff_id;
  std::string blob = GzipLayer({{"sparse", 900 << 10, true, "abcd"}}, &diff_id);
  LayerStore store(ScratchDir());
  Result<fs::path> dir = store.Unpack(BlobFile(blob), diff_id, SmallLimits());
  ASSERT_TRUE(dir.ok()) << dir.status().message();
  struct stat st {};
  ASSERT_EQ(stat((*dir / "sparse").c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 900 << 10);
  EXPECT_LT(st.st_blocks * 512, 64 << 10);  // the holes were not written
}

TEST(LayerLimits, TheImageBudgetIsSharedByTheLayersOfAPull) {
  // Each layer fits max_layer_size (1 MiB); together they pass max_image_size (1.5 MiB).
  std::string first_id;
  std::string second_id;
  std::string first = GzipLayer({{"a", 1000 << 10}}, &first_id);
  std::string second = GzipLayer({{"b", 1000 << 10, false, "y"}}, &second_id);
  LayerStore store(ScratchDir());
  const LayerLimits limits = SmallLimits();
  UnpackBudget budget(limits);
  ASSERT_TRUE(store.Unpack(BlobFile(first), first_id, limits, &budget).ok());
  Result<fs::path> dir = store.Unpack(BlobFile(second), second_id, limits, &budget);
  ASSERT_FALSE(dir.ok());
  EXPECT_TRUE(Contains(dir.status().message(), "max_image_size")) << dir.status().message();
  EXPECT_TRUE(Contains(dir.status().message(), second_id)) << dir.status().message();
  EXPECT_FALSE(store.Has(second_id));
  UnpackBudget fresh(limits);  // another pull
  EXPECT_TRUE(store.Unpack(BlobFile(second), second_id, limits, &fresh).ok());
}

// The gzip compression of bytes, whatever they are.
std::string Gzip(const std::string& bytes) {
  archive* writer = archive_write_new();
  archive_write_set_format_raw(writer);
  archive_write_add_filter_gzip(writer);
  std::vector<char> buffer(4 << 20);
  size_t used = 0;
  archive_write_open_memory(writer, buffer.data(), buffer.size(), &used);
  archive_entry* entry = archive_entry_new();
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_write_header(writer, entry);
  archive_write_data(writer, bytes.data(), bytes.size());
  archive_entry_free(entry);
  archive_write_close(writer);
  archive_write_free(writer);
  return std::string(buffer.data(), used);
}

TEST(LayerLimits, BytesAfterTheEndOfTheArchiveCountToo) {
  // An empty tar followed by zeros: the digest must read them all, so they are bounded too (by
  // max_layer_size plus room for headers: 64 MiB and 1 KiB per allowed entry).
  std::string plain(1024, '\0');  // an empty tar: two zero blocks
  LayerLimits limits = SmallLimits();
  limits.max_layer_size = 1;
  limits.max_layer_entries = 1;
  plain.append(size_t{8} << 20, '\0');
  EXPECT_TRUE(LayerStore(ScratchDir())
                  .Unpack(BlobFile(Gzip(plain)), "sha256:" + Sha256Hex(plain), limits)
                  .ok());
  plain.append(size_t{64} << 20, '\0');
  std::string state = ScratchDir();
  Result<fs::path> dir =
      LayerStore(state).Unpack(BlobFile(Gzip(plain)), "sha256:" + Sha256Hex(plain), limits);
  ASSERT_FALSE(dir.ok());
  EXPECT_TRUE(Contains(dir.status().message(), "max_layer_size")) << dir.status().message();
  EXPECT_EQ(test::CountEntries(state + "/layers"), 0u);
}

}  // namespace
}  // namespace host::images
