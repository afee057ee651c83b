#include "core/cli/serve_command.h"

#include <sys/stat.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/cli/cli.h"
#include "core/engine/engine.h"
#include "core/engine/engine_backend.h"

namespace host::cli {
namespace {

constexpr char kServeHelp[] =
    R"(Serve the engine over gRPC (the Engine service of host/v1/engine.proto).

Usage:
  host serve [-q] --listen unix:///PATH
  host serve --listen tcp://127.0.0.1:PORT (--token-file FILE | HOST_SERVE_TOKEN=TOKEN)

Clients on tcp must send 'authorization: Bearer TOKEN'. Port 0 picks a free port. The address
served on is printed on stderr as 'host: serving on ADDRESS'. Stops on SIGINT or SIGTERM.
)";

// Prints the address served on, and keeps a unix socket to its owner.
void Listening(const std::string& address) {
  if (address.rfind("unix://", 0) == 0) chmod(address.substr(7).c_str(), 0600);
  std::cerr << "host: serving on " << address << std::endl;
}

// The token from a file, without trailing white space.
Result<std::string> ReadToken(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Usage("cannot read the token file " + path);
  std::stringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  if (token.empty()) return Status::Usage("the token file " + path + " is empty");
  return token;
}

}  // namespace

int RunServe(const std::vector<std::string>& args, RuntimeOptions engine_options) {
  remote::ServeOptions options;
  std::string token_file;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      std::cout << kServeHelp;
      return 0;
    }
    if (a == "-q" || a == "--quiet") {
      engine_options.progress = nullptr;
      engine_options.progress_terminal_columns = 0;
    } else if ((a == "--listen" || a == "--token-file") && i + 1 < args.size()) {
      (a == "--listen" ? options.listen : token_file) = args[++i];
    } else if (a.rfind("--listen=", 0) == 0) {
      options.listen = a.substr(9);
    } else if (a.rfind("--token-file=", 0) == 0) {
      token_file = a.substr(13);
    } else {
      return Report(Status::Usage("serve: unexpected '" + a + "'\nRun 'host serve --help'."));
    }
  }
  if (options.listen.empty()) {
    return Report(Status::Usage("serve needs --listen unix:///PATH or tcp://HOST:PORT"));
  }
  if (!token_file.empty()) {
    Result<std::string> token = ReadToken(token_file);
    if (!token.ok()) return Report(token.status());
    options.token = *token;
  } else if (const char* env = std::getenv("HOST_SERVE_TOKEN"); env && *env) {
    options.token = env;
  }
  if (options.listen.rfind("unix://", 0) == 0) {
    // A socket left by a server that is gone would make binding fail.
    std::error_code error;
    std::filesystem::path socket = options.listen.substr(7);
    if (std::filesystem::is_socket(socket, error)) std::filesystem::remove(socket, error);
  }
  Result<remote::ServeFn> serve = remote::LoadServe();
  if (!serve.ok()) return Report(serve.status());
  // Progress and module logs go to Watch clients, and to stderr as before (progress not with -q).
  remote::EventHub events;
  engine_options.progress = &events.Stream(remote::EngineEvent::Kind::kProgress,
                                           engine_options.progress ? &std::cerr : nullptr);
  engine_options.progress_terminal_columns = 0;  // plain lines: they are sent to clients
  engine_options.log = &events.Stream(remote::EngineEvent::Kind::kLog, &std::cerr);
  Runtime engine(engine_options);
  remote::LocalEngineBackend backend(&engine, &events);
  options.on_listening = &Listening;
  return Report((*serve)(&backend, options));
}

}  // namespace host::cli
