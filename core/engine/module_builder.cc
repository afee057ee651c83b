#include "core/engine/module_builder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <fstream>
#include <string_view>
#include <vector>

#include "core/base/file_lock.h"
#include "core/base/file_write.h"
#include "core/base/install_prefix.h"
#include "core/base/sha256.h"
#include "core/base/subprocess.h"
#include "core/base/unique_fd.h"
#include "core/engine/compiler_choice.h"
#include "core/remote/sandbox.h"

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

int RunLogged(const std::vector<std::string>& argv, const fs::path& log,
              const std::vector<std::string>* env) {
  // The build may have put a link or a fifo where the log goes: never write through it.
  UniqueFd out(
      open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644));
  struct stat st;
  if (!out.ok() || fstat(out.get(), &st) != 0 || !S_ISREG(st.st_mode)) return 127;
  SubprocessSpec spec;
  spec.argv = argv;
  if (env != nullptr) spec.env = *env;
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

// The absolute paths HostSdkPaths.cmake (beside HostModule.cmake) names: the SDK's headers and
// libraries and the host binary, which a build reads.
std::vector<fs::path> SdkPaths(const fs::path& sdk_cmake_dir) {
  std::vector<fs::path> paths;
  std::ifstream in(sdk_cmake_dir / "HostSdkPaths.cmake");
  for (std::string line; std::getline(in, line);) {
    const size_t open = line.find('"');
    const size_t close = line.rfind('"');
    if (open == std::string::npos || close <= open) continue;
    std::string_view list(line.data() + open + 1, close - open - 1);
    while (!list.empty()) {
      const size_t end = std::min(list.find(';'), list.size());
      const std::string_view item = list.substr(0, end);
      if (!item.empty() && item.front() == '/') paths.emplace_back(item);
      list.remove_prefix(std::min(end + 1, list.size()));
    }
  }
  return paths;
}

// Turns a CMake command into one run in the sandbox: the module's sources, its manifest's and
// local dependencies' folders, the SDK and host's own files read-only; build writable.
std::vector<std::string> SandboxedBuild(const Manifest& manifest, const BuildOptions& options,
                                        const fs::path& build, std::vector<std::string> argv) {
  remote::SandboxSpec spec;
  spec.command = std::move(argv);
  spec.dir = build;
  spec.read_only = {manifest.source_dir(),      manifest.dir(),
                    options.sdk_cmake_dir,      InstallPrefix() / "bin",
                    InstallPrefix() / "lib",    InstallPrefix() / "share" / "host",
                    InstallPrefix() / "include"};
  for (const fs::path& path : SdkPaths(options.sdk_cmake_dir)) spec.read_only.push_back(path);
  for (const fs::path& path : options.read_only) spec.read_only.push_back(path);
  for (const auto& dep : manifest.dependencies) {
    // Relative sources are folders beside the module; the engine resolves the others.
    if (!dep.source.empty() && dep.source.front() == '.') {
      spec.read_only.push_back(manifest.dir() / dep.source);
    }
  }
  spec.writable = {build};
  return remote::SandboxCommand(spec);
}

// The first (or, with tail, the last) max_bytes of a regular file host wrote in a build folder; a
// link, fifo or device planted there by a build or a fetched module's folder reads as empty.
std::string ReadBuildFile(const fs::path& file, size_t max_bytes, bool tail = false) {
  UniqueFd fd(open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  struct stat st;
  if (!fd.ok() || fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return "";
  const auto size = static_cast<size_t>(st.st_size);
  const size_t length = std::min(size, max_bytes);
  const off_t start = tail ? static_cast<off_t>(size - length) : 0;
  std::string text(length, '\0');
  size_t got = 0;
  while (got < length) {
    const ssize_t n =
        pread(fd.get(), text.data() + got, length - got, start + static_cast<off_t>(got));
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  text.resize(got);
  return text;
}

// The text of a record host wrote in a build folder: its first 64 KiB, and only from a regular
// file.
std::string ReadRecord(const fs::path& file) { return ReadBuildFile(file, 64 * 1024); }

// Writes a file host keeps in a build folder; a link or other file a build put there is removed
// first, never written through.
void WriteBuildFile(const fs::path& file, std::string_view text) {
  std::error_code ec;
  fs::remove(file, ec);
  (void)CreateWholeFile(file, text);
}

// The value of PATH in env, or in this process's environment when env is null.
std::string SearchPath(const std::vector<std::string>* env) {
  if (env == nullptr) {
    const char* path = std::getenv("PATH");
    return path == nullptr ? "" : path;
  }
  for (const std::string& entry : *env) {
    if (entry.rfind("PATH=", 0) == 0) return entry.substr(5);
  }
  return "";
}

// The last lines of a build log (of its last 64 KiB), each indented for an error message.
std::string Tail(const fs::path& log, size_t lines) {
  const std::string text = ReadBuildFile(log, 64 * 1024, /*tail=*/true);
  std::deque<std::string_view> last;
  std::string_view rest = text;
  while (!rest.empty()) {
    const size_t end = std::min(rest.find('\n'), rest.size());
    last.push_back(rest.substr(0, end));
    if (last.size() > lines) last.pop_front();
    rest.remove_prefix(std::min(end + 1, rest.size()));
  }
  std::string out;
  for (const auto& line : last) out += "\n  " + std::string(line);
  return out;
}

}  // namespace

Status EnsureBuilt(const Manifest& manifest, const BuildOptions& options) {
  const fs::path source = manifest.source_dir();
  std::error_code ec;
  if (!fs::exists(source / "CMakeLists.txt", ec)) return {};
  const fs::path build = manifest.object_path().parent_path();
  const fs::path stamp = build / ".host-source-digest";
  // The compilers and flags CMake was configured with: CMake reads CC, CXX, CFLAGS, CXXFLAGS and
  // LDFLAGS only at the first configure, so a change means configuring afresh.
  const fs::path configured_with = build / ".host-compilers";
  const CompilerChoice compilers = CompilerChoiceFromEnvironment();
  // module.json may sit outside the sources ("source" field): its bytes count too.
  std::ifstream manifest_in(manifest.file, std::ios::binary);
  std::string digest = SourceDigest(source) + "+" +
                       Sha256Hex(std::string((std::istreambuf_iterator<char>(manifest_in)), {}));
  // The stamp: the sources' digest, then the digest of the object built from them.
  std::string recorded_object;
  auto up_to_date = [&] {
    const std::string text = ReadRecord(stamp);
    const size_t newline = text.find('\n');
    const std::string recorded = text.substr(0, newline);
    recorded_object = newline == std::string::npos ? "" : text.substr(newline + 1);
    recorded_object = recorded_object.substr(0, recorded_object.find('\n'));
    // A stamp without the object's digest (written by an older host) means: build again.
    if (options.check_object && recorded_object.empty()) return false;
    return recorded == digest && ReadRecord(configured_with) == compilers.Text() &&
           fs::exists(manifest.object_path(), ec);
  };
  auto object_digest = [&] {
    std::ifstream in(manifest.object_path(), std::ios::binary);
    return Sha256Hex(std::string((std::istreambuf_iterator<char>(in)), {}));
  };
  auto checked = [&]() -> Status {
    if (!options.check_object || recorded_object == object_digest()) return {};
    return Status::Failed("module '" + manifest.name + "': its built object " +
                          manifest.object_path().string() +
                          " was changed since host built it; nothing of it was loaded. Remove " +
                          build.string() + " to build it again");
  };
  if (up_to_date()) return checked();

  fs::create_directories(build, ec);
  if (ec) {
    return Status::Failed("cannot build module '" + manifest.name + "': cannot create " +
                          build.string() + " (" + ec.message() + ")");
  }
  Result<FileLock> lock = FileLock::Acquire(build / ".host-build.lock");
  if (!lock.ok()) return lock.status();
  if (up_to_date()) return checked();  // another process built it while we waited

  auto started = std::chrono::steady_clock::now();
  if (options.progress) {
    const std::string chosen = compilers.Summary();
    *options.progress << "host: building module '" << manifest.name << "' from " << source.string()
                      << " with CMake" << (chosen.empty() ? "" : " (" + chosen + ")") << "..."
                      << std::endl;
  }
  const fs::path log = build / "host-build.log";
  fs::remove(log, ec);
  std::vector<std::string> sandbox_env = remote::SandboxEnvironment(false);
  for (std::string& entry : compilers.Environment()) sandbox_env.push_back(std::move(entry));
  const std::vector<std::string>* env = options.sandboxed ? &sandbox_env : nullptr;
  auto command = [&](std::vector<std::string> argv) {
    return options.sandboxed ? SandboxedBuild(manifest, options, build, std::move(argv)) : argv;
  };
  if (fs::exists(build / "CMakeCache.txt", ec) && ReadRecord(configured_with) != compilers.Text()) {
    // Configured with other compilers or flags (or by a host that did not record them): start
    // from a fresh cache, as `cmake --fresh` does, so that CMake reads them again.
    std::error_code remove_error;
    fs::remove(configured_with, remove_error);
    if (!remove_error) fs::remove(build / "CMakeCache.txt", remove_error);
    if (!remove_error) fs::remove_all(build / "CMakeFiles", remove_error);
    if (remove_error) {
      return Status::Failed(
          "cannot build module '" + manifest.name + "' with " +
          (compilers.Summary().empty() ? "the default compilers" : compilers.Summary()) +
          ": cannot remove the old configuration in " + build.string() + " (" +
          remove_error.message() + "); remove that folder and try again");
    }
  }
  if (!fs::exists(build / "CMakeCache.txt", ec)) {
    int rc = RunLogged(
        command({"cmake", "-S", source.string(), "-B", build.string(), "-DCMAKE_BUILD_TYPE=Release",
                 "-DHOST_SDK_DIR=" + options.sdk_cmake_dir.string(),
                 "-DHOST_MODULE_MANIFEST=" + manifest.file.string()}),
        log, env);
    if (rc != 0) {
      const std::string unrunnable = UnrunnableCompilers(compilers, SearchPath(env));
      return Status::Failed("building module '" + manifest.name +
                            "' failed: CMake could not configure it (exit " + std::to_string(rc) +
                            ")" + (unrunnable.empty() ? "" : ": " + unrunnable) +
                            ". Last lines of " + log.string() + ":" + Tail(log, 20));
    }
    // Best effort: without the record, the next load configures afresh again.
    fs::path record = configured_with;
    record += ".tmp";
    WriteBuildFile(record, compilers.Text());
    fs::rename(record, configured_with, ec);
  }
  // The configure step may have replaced the log with a link: start a new one then.
  if (!fs::is_regular_file(fs::symlink_status(log, ec))) fs::remove(log, ec);
  int rc = RunLogged(command({"cmake", "--build", build.string(), "-j2"}), log, env);
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
  WriteBuildFile(tmp, digest + "\n" + object_digest() + "\n");
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
