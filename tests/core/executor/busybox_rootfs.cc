#include "tests/core/executor/busybox_rootfs.h"

#include <elf.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <vector>

namespace host::test {
namespace fs = std::filesystem;

namespace {

// True when the ELF executable at path has no program interpreter (is statically linked).
bool IsStatic(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  Elf64_Ehdr header;
  if (!in.read(reinterpret_cast<char*>(&header), sizeof header)) return false;
  if (std::string(reinterpret_cast<char*>(header.e_ident), 4) != ELFMAG) return false;
  for (int i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr program;
    in.seekg(static_cast<std::streamoff>(header.e_phoff + i * header.e_phentsize));
    if (!in.read(reinterpret_cast<char*>(&program), sizeof program)) return false;
    if (program.p_type == PT_INTERP) return false;
  }
  return true;
}

void WriteText(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

fs::path FindStaticBusybox() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "";
  size_t begin = 0;
  while (begin <= dirs.size()) {
    size_t end = dirs.find(':', begin);
    if (end == std::string::npos) end = dirs.size();
    fs::path candidate = fs::path(dirs.substr(begin, end - begin)) / "busybox";
    std::error_code ec;
    if (candidate.is_absolute() && fs::is_regular_file(candidate, ec) && IsStatic(candidate)) {
      return fs::canonical(candidate, ec);
    }
    begin = end + 1;
  }
  return {};
}

std::string BuildBusyboxRootfs(const fs::path& busybox, const fs::path& dir) {
  std::error_code ec;
  for (const char* sub : {"bin", "etc", "proc", "dev", "sys", "tmp", "root", "home/builder"}) {
    fs::create_directories(dir / sub, ec);
    if (ec) return "cannot create " + (dir / sub).string() + ": " + ec.message();
  }
  chmod((dir / "tmp").c_str(), 01777);
  if (chown((dir / "home/builder").c_str(), 1000, 1000) != 0) return "cannot chown home/builder";
  fs::copy_file(busybox, dir / "bin/busybox", ec);
  if (ec) return "cannot copy busybox: " + ec.message();
  FILE* list = popen((busybox.string() + " --list").c_str(), "r");
  if (list == nullptr) return "cannot run busybox --list";
  char line[256];
  int applets = 0;
  while (fgets(line, sizeof line, list) != nullptr) {
    std::string name = line;
    while (!name.empty() && (name.back() == '\n' || name.back() == '\r')) name.pop_back();
    if (name.empty() || name == "busybox" || name.find('/') != std::string::npos) continue;
    fs::create_symlink("busybox", dir / "bin" / name, ec);
    if (ec) return "cannot link applet " + name + ": " + ec.message();
    ++applets;
  }
  pclose(list);
  if (applets < 50) return "busybox --list gave only " + std::to_string(applets) + " applets";
  WriteText(dir / "etc/passwd",
            "root:x:0:0:root:/root:/bin/sh\n"
            "builder:x:1000:1000:Builder:/home/builder:/bin/sh\n");
  WriteText(dir / "etc/group",
            "root:x:0:\n"
            "builder:x:1000:\n"
            "tools:x:2000:builder\n");
  return {};
}

}  // namespace host::test
