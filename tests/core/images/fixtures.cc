#include "tests/core/images/fixtures.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "core/base/sha256.h"
#include "tests/support/run.h"

namespace host::images::test {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string Script(const std::string& name) {
  return std::string(HOST_SOURCE_DIR) + "/tests/fixtures/images/" + name;
}

std::string Trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::mutex scratch_mutex;
std::vector<std::string> scratch_dirs;
LocalRegistry* started_registry = nullptr;

// Stops the registry and removes scratch folders when the tests end.
class Cleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    if (started_registry != nullptr && !started_registry->address.empty()) {
      host::test::Run({Script("registry.sh"), "stop", started_registry->state_dir});
    }
    std::lock_guard<std::mutex> lock(scratch_mutex);
    std::error_code ec;
    for (const auto& dir : scratch_dirs) fs::remove_all(dir, ec);
  }
};

[[maybe_unused]] ::testing::Environment* const cleanup =
    ::testing::AddGlobalTestEnvironment(new Cleanup);

}  // namespace

std::string ScratchDir() {
  std::string dir = host::test::TempDir();
  std::lock_guard<std::mutex> lock(scratch_mutex);
  scratch_dirs.push_back(dir);
  return dir;
}

namespace {

// Builds the images into dir/layout; the digests go to dir/digests, one a line.
std::string BuildImages(const std::string& dir) {
  const std::string layout = dir + "/layout";
  host::test::Ran busybox = host::test::Run({Script("make-busybox-image.sh"), layout, "latest"});
  if (busybox.exit_code != 0) return "make-busybox-image.sh failed: " + busybox.err;
  host::test::Ran whiteout =
      host::test::Run({Script("make-whiteout-image.sh"), layout, "whiteout"});
  if (whiteout.exit_code != 0) return "make-whiteout-image.sh failed: " + whiteout.err;
  WriteFile(dir + "/digests", Trim(busybox.out) + "\n" + Trim(whiteout.out) + "\n");
  return "";
}

}  // namespace

const BuiltImages& TestImages() {
  // The images are deterministic, so test processes share one build, keyed by the scripts' text
  // and published by an atomic rename.
  static const BuiltImages images = [] {
    BuiltImages built;
    std::string scripts;
    for (const char* name : {"oci-layout.sh", "make-busybox-image.sh", "make-whiteout-image.sh"}) {
      scripts += ReadFile(Script(name));
    }
    const std::string cache =
        std::string(HOST_IMAGES_FIXTURE_CACHE) + "/" + Sha256Hex(scripts).substr(0, 16);
    std::error_code ec;
    if (!fs::exists(cache + "/digests", ec)) {
      fs::create_directories(HOST_IMAGES_FIXTURE_CACHE, ec);
      std::string temp = cache + ".tmp-XXXXXX";
      if (mkdtemp(temp.data()) == nullptr) {
        built.error = "cannot create a folder next to " + cache;
        return built;
      }
      built.error = BuildImages(temp);
      if (!built.error.empty()) {
        fs::remove_all(temp, ec);
        return built;
      }
      if (rename(temp.c_str(), cache.c_str()) != 0) fs::remove_all(temp, ec);  // another won
    }
    std::istringstream digests(ReadFile(cache + "/digests"));
    built.layout = cache + "/layout";
    std::getline(digests, built.busybox_digest);
    std::getline(digests, built.whiteout_digest);
    if (built.whiteout_digest.empty()) built.error = "the image cache " + cache + " is incomplete";
    return built;
  }();
  return images;
}

const LocalRegistry& TestRegistry() {
  static LocalRegistry registry = [] {
    LocalRegistry local;
    local.installed = access("/usr/bin/docker-registry", X_OK) == 0;
    if (!local.installed) return local;
    const BuiltImages& images = TestImages();
    if (!images.error.empty()) {
      local.error = images.error;
      return local;
    }
    local.state_dir = ScratchDir() + "/registry";
    host::test::Ran started = host::test::Run({Script("registry.sh"), "start", local.state_dir});
    if (started.exit_code != 0) {
      local.error = "registry.sh start failed: " + started.err;
      return local;
    }
    local.address = Trim(started.out);
    const std::pair<const char*, const char*> pushes[] = {{"latest", "busybox:latest"},
                                                          {"latest", "library/busybox:latest"},
                                                          {"whiteout", "whiteout:latest"}};
    for (const auto& [tag, target] : pushes) {
      host::test::Ran pushed =
          host::test::Run({"skopeo", "copy", "-q", "oci:" + images.layout + ":" + tag,
                           "docker://" + local.address + "/" + target, "--dest-tls-verify=false"});
      if (pushed.exit_code != 0) {
        local.error = "skopeo copy to " + std::string(target) + " failed (exit " +
                      std::to_string(pushed.exit_code) + "): " + pushed.err;
        return local;
      }
    }
    return local;
  }();
  started_registry = &registry;
  return registry;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFile(const std::string& path, const std::string& contents) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  std::ofstream(path, std::ios::binary) << contents;
}

size_t CountEntries(const std::string& dir) {
  std::error_code ec;
  size_t count = 0;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) ++count;
  return count;
}

std::string LayoutBlob(const std::string& layout, const std::string& digest) {
  return ReadFile(layout + "/blobs/sha256/" + digest.substr(7));
}

HttpReply ServeLayout(const std::string& layout, const HttpRequest& request) {
  HttpReply reply;
  if (request.path == "/v2/" || request.path == "/v2") {
    reply.body = "{}";
    return reply;
  }
  auto not_found = [](const std::string& code) {
    HttpReply missing;
    missing.status = 404;
    missing.headers.push_back({"Content-Type", "application/json"});
    missing.body = R"({"errors":[{"code":")" + code + R"(","message":"not here"}]})";
    return missing;
  };
  auto manifests = request.path.find("/manifests/");
  auto blobs = request.path.find("/blobs/");
  if (manifests != std::string::npos) {
    std::string ref = request.path.substr(manifests + 11);
    std::string digest = ref;
    std::string media_type;
    json index = json::parse(ReadFile(layout + "/index.json"), nullptr, false);
    if (index.is_object()) {
      for (const auto& entry : index["manifests"]) {
        std::string name = entry["annotations"].value("org.opencontainers.image.ref.name", "");
        if (name == ref || entry.value("digest", "") == ref) {
          digest = entry.value("digest", "");
          media_type = entry.value("mediaType", "");
        }
      }
    }
    if (digest.rfind("sha256:", 0) != 0) return not_found("MANIFEST_UNKNOWN");
    std::string body = LayoutBlob(layout, digest);
    if (body.empty()) return not_found("MANIFEST_UNKNOWN");
    if (media_type.empty()) {
      json parsed = json::parse(body, nullptr, false);
      media_type = parsed.is_object() ? parsed.value("mediaType", "") : "";
    }
    reply.headers.push_back({"Content-Type", media_type});
    reply.headers.push_back({"Docker-Content-Digest", digest});
    reply.body = std::move(body);
    return reply;
  }
  if (blobs != std::string::npos) {
    std::string digest = request.path.substr(blobs + 7);
    std::string path = layout + "/blobs/sha256/" + (digest.size() > 7 ? digest.substr(7) : "");
    std::error_code ec;
    if (digest.rfind("sha256:", 0) != 0 || !fs::is_regular_file(path, ec)) {
      return not_found("BLOB_UNKNOWN");
    }
    reply.headers.push_back({"Content-Type", "application/octet-stream"});
    reply.body = ReadFile(path);
    return reply;
  }
  return not_found("NAME_UNKNOWN");
}

}  // namespace host::images::test
