#include "core/engine/module_builder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <fstream>
#include <vector>

#include "core/base/file_lock.h"
#include "core/base/sha256.h"
#include "core/base/subprocess.h"
#include "core/base/unique_fd.h"

namespace host {
namespace fs = std::filesystem;

std::string SourceDigest(const fs::path& source_dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  std::error_code type_error;  // an entry whose type cannot be read (a link loop) is skipped
  for (auto it = fs::recursive_directory_iterator(source_dir, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    std::string name = it->path().filename().string();
    bool skip = name.rfind(".", 0) == 0 || (it.depth() == 0 && name == "build");
    if (skip) {
      if (it->is_directory(type_error)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(type_error)) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  Sha256 sha;
  std::vector<char> chunk(1 << 16);
  for (const auto& file : files) {
    sha.UpdateField(file.lexically_relative(source_dir).generic_string());
    std::ifstream in(file, std::ios::binary);
    while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
      sha.Update(chunk.data(), static_cast<size_t>(in.gcount()));
    }
  }
  return sha.Digest();
}

int RunLogged(const std::vector<std::string>& argv, const fs::path& log) {
  UniqueFd out(open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (!out.ok()) return 127;
  SubprocessSpec spec;
  spec.argv = argv;
  spec.stdio = {ChildStream::Null(), ChildStream::Fd(out.get()), ChildStream::Fd(out.get())};
  Result<Subprocess> started = Subprocess::Start(spec);
  if (!started.ok()) {
    // The log's tail is what the user is shown: it says which program is missing.
    const std::string line = started.status().message() + "\n";
    (void)!write(out.get(), line.data(), line.size());
    return 127;
  }
  out.reset();
  return started->Wait().ShellCode();
}

namespace {

std::string Tail(const fs::path& log, size_t lines) {
  std::ifstream in(log);
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    last.push_back(line);
    if (last.size() > lines) last.pop_front();
  }
  std::string out;
  for (const auto& line : last) out += "\n  " + line;
  return out;
}

}  // namespace

Status EnsureBuilt(const Manifest& manifest, const BuildOptions& options) {
  const fs::path source = manifest.source_dir();
  std::error_code ec;
  if (!fs::exists(source / "CMakeLists.txt", ec)) return {};
  const fs::path build = manifest.object_path().parent_path();
  const fs::path stamp = build / ".host-source-digest";
  // module.json may sit outside the sources ("source" field): its bytes count too.
  std::ifstream manifest_in(manifest.file, std::ios::binary);
  std::string digest = SourceDigest(source) + "+" +
                       Sha256Hex(std::string((std::istreambuf_iterator<char>(manifest_in)), {}));
  auto up_to_date = [&] {
    std::ifstream in(stamp);
    std::string recorded;
    std::getline(in, recorded);
    return recorded == digest && fs::exists(manifest.object_path(), ec);
  };
  if (up_to_date()) return {};

  fs::create_directories(build, ec);
  if (ec) {
    return Status::Failed("cannot build module '" + manifest.name + "': cannot create " +
                          build.string() + " (" + ec.message() + ")");
  }
  Result<FileLock> lock = FileLock::Acquire(build / ".host-build.lock");
  if (!lock.ok()) return lock.status();
  if (up_to_date()) return {};  // another process built it while we waited

  auto started = std::chrono::steady_clock::now();
  if (options.progress) {
    *options.progress << "host: building module '" << manifest.name << "' from " << source.string()
                      << " with CMake..." << std::endl;
  }
  const fs::path log = build / "host-build.log";
  fs::remove(log, ec);
  if (!fs::exists(build / "CMakeCache.txt", ec)) {
    int rc =
        RunLogged({"cmake", "-S", source.string(), "-B", build.string(),
                   "-DCMAKE_BUILD_TYPE=Release", "-DHOST_SDK_DIR=" + options.sdk_cmake_dir.string(),
                   "-DHOST_MODULE_MANIFEST=" + manifest.file.string()},
                  log);
    if (rc != 0) {
      return Status::Failed("building module '" + manifest.name +
                            "' failed: CMake could not configure it (exit " + std::to_string(rc) +
                            "). Last lines of " + log.string() + ":" + Tail(log, 20));
    }
  }
  int rc = RunLogged({"cmake", "--build", build.string(), "-j2"}, log);
  if (rc != 0) {
    return Status::Failed("building module '" + manifest.name + "' failed (exit " +
                          std::to_string(rc) + "). Last lines of " + log.string() + ":" +
                          Tail(log, 25));
  }
  if (!fs::exists(manifest.object_path(), ec)) {
    return Status::Failed("building module '" + manifest.name + "' produced no " +
                          manifest.object_path().string() +
                          "; module.json's \"object\" must name what the build writes");
  }
  fs::path tmp = stamp;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << digest << "\n";
  }
  fs::rename(tmp, stamp, ec);
  if (options.progress) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", seconds);
    *options.progress << "host: built module '" << manifest.name << "' in " << buf << " s"
                      << std::endl;
  }
  return {};
}

}  // namespace host
