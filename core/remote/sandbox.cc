#include "core/remote/sandbox.h"

#include <cstdlib>

namespace host::remote {
namespace fs = std::filesystem;

namespace {

// The system folders programs need to run, shown read-only (symlinks, as merged /usr has them,
// are kept as symlinks).
constexpr const char* kSystemFolders[] = {"/usr",   "/bin",   "/sbin",  "/lib",
                                          "/lib32", "/lib64", "/libx32"};
// The few files of /etc a program needs to start: the dynamic linker's cache and config,
// Debian's alternatives (/usr/bin/cc and such point there), the time zone. Nothing of host's
// config, users or credentials.
constexpr const char* kSystemFiles[] = {"/etc/ld.so.cache",  "/etc/ld.so.conf",
                                        "/etc/ld.so.conf.d", "/etc/alternatives",
                                        "/etc/localtime",    "/etc/nsswitch.conf"};

void Add(std::vector<std::string>* args, std::initializer_list<std::string> more) {
  args->insert(args->end(), more);
}

}  // namespace

std::vector<std::string> SandboxCommand(const SandboxSpec& spec) {
  std::vector<std::string> args = {
      "bwrap",
      // New user, mount, PID, network, IPC, UTS and cgroup namespaces: the network has only an
      // unconfigured loopback, and the process sees only its own processes.
      "--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534",
      // No capabilities even where bubblewrap runs as root.
      "--cap-drop", "ALL",
      // Ends when the runtime's spawner thread (and so bubblewrap) ends.
      "--die-with-parent",
      // A session of its own: no controlling terminal, so /dev/tty cannot read the user's
      // typing or push keystrokes into their shell (TIOCSTI).
      "--new-session"};
  std::error_code error;
  for (const char* folder : kSystemFolders) {
    if (fs::is_symlink(folder, error)) {
      Add(&args, {"--symlink", fs::read_symlink(folder, error).string(), folder});
    } else if (fs::is_directory(folder, error)) {
      Add(&args, {"--ro-bind", folder, folder});
    }
  }
  for (const char* file : kSystemFiles) Add(&args, {"--ro-bind-try", file, file});
  Add(&args, {"--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"});
  // After /tmp: the module's own folders may live under the host's /tmp.
  std::vector<fs::path> shown = spec.read_only;
  if (!spec.dir.empty()) shown.push_back(spec.dir);
  if (!spec.command.empty() && fs::path(spec.command[0]).is_absolute()) {
    shown.push_back(spec.command[0]);
  }
  for (const fs::path& path : shown) {
    // Shown where the command names it (through any symlink of the host's), holding what the
    // symlinks lead to; never the whole root.
    const fs::path real = fs::weakly_canonical(path, error);
    if (error || !fs::exists(real, error) || real == real.root_path()) continue;
    const fs::path where = fs::absolute(path, error).lexically_normal();
    if (error) continue;
    Add(&args, {"--ro-bind", real.string(), where.string()});
  }
  for (const fs::path& path : spec.writable) {
    const fs::path real = fs::weakly_canonical(path, error);
    if (error || !fs::is_directory(real, error) || real == real.root_path()) continue;
    const fs::path where = fs::absolute(path, error).lexically_normal();
    if (error) continue;
    Add(&args, {"--bind", real.string(), where.string()});
  }
  if (!spec.module_socket_dir.empty()) {
    Add(&args, {"--bind", spec.module_socket_dir.string(), kSandboxModuleSocketDir});
  }
  if (!spec.engine_socket.empty()) {
    Add(&args, {"--bind", spec.engine_socket.string(), kSandboxEngineSocket});
  }
  if (!spec.dir.empty())
    Add(&args, {"--chdir", fs::absolute(spec.dir, error).lexically_normal().string()});
  args.push_back("--");
  args.insert(args.end(), spec.command.begin(), spec.command.end());
  return args;
}

namespace {

// A name as the registry matches it whatever its spelling (kebab, snake or camel case):
// lowercase letters and digits only.
std::string Folded(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
  }
  return out;
}

}  // namespace

Status CheckSandboxedCall(const std::string& module, const std::string& object,
                          const std::string& receiver_type, const std::string& function) {
  // The module a call names is not trusted: the registry resolves the object whatever module is
  // named, so the object and function decide, in any spelling. Object type names are global, so
  // no module can define another Host or Query.
  (void)module;
  const std::string type = Folded(object.empty() ? receiver_type : object);
  const std::string receiver = Folded(receiver_type);
  const std::string fn = Folded(function);
  const bool host = type == "host" || receiver == "host" ||
                    ((type == "query" || (type.empty() && receiver.empty())) &&
                     (fn == "host" || fn == "secret" || fn == "setsecret"));
  if (!host && fn != "export") return {};
  const std::string shown = (object.empty() ? receiver_type : object) + "." + function;
  return Status::Usage("a sandboxed module may not call core " + shown +
                       ": it reads or writes the host's files or environment. The module runs "
                       "sandboxed because it is neither pinned in the lock file nor signed by a "
                       "trusted key; install it (host install) or trust its signer "
                       "(trusted_keys) if it needs the host");
}

std::vector<std::string> SandboxEnvironment(bool with_sockets) {
  std::vector<std::string> env = {
      "PATH=/usr/local/bin:/usr/bin:/bin",
      "HOME=/tmp",
      "TMPDIR=/tmp",
      "LANG=C.UTF-8",
  };
  if (with_sockets) {
    env.push_back(std::string("HOST_MODULE_SOCKET=unix://") + kSandboxModuleSocketDir +
                  "/module.sock");
    env.push_back(std::string("HOST_ENGINE_SOCKET=unix://") + kSandboxEngineSocket);
  }
  // Where host's own files are, for `host module-serve`; not a secret, and shown read-only.
  if (const char* prefix = std::getenv("HOST_PREFIX"); prefix != nullptr && *prefix != '\0') {
    env.push_back(std::string("HOST_PREFIX=") + prefix);
  }
  return env;
}

}  // namespace host::remote
