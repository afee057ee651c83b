#include "core/index/index_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <condition_variable>
#include <cstring>
#include <ctime>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/base/time_text.h"
#include "core/base/unique_fd.h"
#include "core/index/site_path.h"
#include "core/index/terminal_text.h"

namespace host::index {
namespace fs = std::filesystem;

namespace {

// What every answer carries: the same policy as the pages' own meta tag, so that nothing a module
// wrote can run even in a browser that ignores the tag.
constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
constexpr unsigned kConnectionLimit = 512;
constexpr unsigned kPerAddressLimit = 64;
constexpr unsigned kTimeoutSeconds = 30;
constexpr unsigned kThreads = 4;

// Percent-encodes a decoded path for a Location header: all but unreserved characters and '/'.
std::string EncodePath(std::string_view path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// Opens relative beneath the folder dir_fd, following no link at all; -1 with errno on failure.
int OpenBeneath(int dir_fd, const std::string& relative) {
  open_how how{};
  how.flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
  return static_cast<int>(syscall(SYS_openat2, dir_fd, relative.c_str(), &how, sizeof how));
}

bool TakesGzip(MHD_Connection* connection) {
  const char* accepted =
      MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
  return accepted != nullptr && std::strstr(accepted, "gzip") != nullptr;
}

void AddCommonHeaders(MHD_Response* response) {
  MHD_add_response_header(response, "Content-Security-Policy", kContentSecurityPolicy);
  MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(response, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(response, "X-Frame-Options", "DENY");
  MHD_add_response_header(response, "Cache-Control", "no-cache");
}

MHD_Result Answer(MHD_Connection* connection, unsigned status, const std::string& type,
                  const std::string& body,
                  const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  MHD_Response* response = MHD_create_response_from_buffer(
      body.size(), const_cast<char*>(body.data()), MHD_RESPMEM_MUST_COPY);
  if (response == nullptr) return MHD_NO;
  AddCommonHeaders(response);
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, type.c_str());
  for (const auto& [name, value] : headers) {
    MHD_add_response_header(response, name.c_str(), value.c_str());
  }
  MHD_Result queued = MHD_queue_response(connection, status, response);
  MHD_destroy_response(response);
  return queued;
}

MHD_Result Text(MHD_Connection* connection, unsigned status, const std::string& text) {
  return Answer(connection, status, "text/plain; charset=utf-8", text + "\n");
}

}  // namespace

struct IndexServer::State {
  ServerOptions options;
  MHD_Daemon* daemon = nullptr;
  std::string host;
  int port = 0;

  mutable std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  bool queued = false;
  bool building = false;
  int builds = 0;
  int failures = 0;
  std::string last_error;
  std::string last_build;
  std::chrono::steady_clock::time_point last_start{};
  std::thread builder;

  // The rebuild loop: one build at a time, on request or on the schedule.
  void BuildLoop() {
    std::unique_lock<std::mutex> lock(mutex);
    auto next_scheduled = std::chrono::steady_clock::now() + options.interval;
    while (!stopping) {
      const auto now = std::chrono::steady_clock::now();
      const bool scheduled = options.interval.count() > 0 && now >= next_scheduled;
      const bool requested = queued && now >= last_start + options.min_gap;
      if (!scheduled && !requested) {
        auto until = std::chrono::steady_clock::time_point::max();
        if (options.interval.count() > 0) until = next_scheduled;
        if (queued) until = std::min(until, last_start + options.min_gap);
        if (until == std::chrono::steady_clock::time_point::max()) {
          wake.wait(lock);
        } else {
          wake.wait_until(lock, until);
        }
        continue;
      }
      queued = false;
      building = true;
      last_start = now;
      lock.unlock();
      const auto started = std::chrono::steady_clock::now();
      Status built = options.rebuild();
      const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - started);
      if (options.log != nullptr) {
        *options.log << "host: index " << (built.ok() ? "rebuilt" : "rebuild failed") << " in "
                     << took.count() << " ms"
                     << (built.ok() ? "" : ": " + TerminalSafe(built.message()))
                     << (built.ok() ? "" : " (the previous site is still served)") << std::endl;
      }
      lock.lock();
      building = false;
      ++builds;
      if (!built.ok()) {
        ++failures;
        last_error = built.message();
      } else {
        last_error.clear();
      }
      last_build = Rfc3339Utc();
      next_scheduled = std::chrono::steady_clock::now() + options.interval;
    }
  }

  std::string StatusJson() const {
    std::lock_guard<std::mutex> lock(mutex);
    nlohmann::json status = {{"builds", builds},
                             {"failures", failures},
                             {"building", building},
                             {"queued", queued},
                             {"lastBuild", last_build},
                             {"lastError", last_error},
                             {"rebuilds", static_cast<bool>(options.rebuild)}};
    return status.dump() + "\n";
  }

  MHD_Result ServeFile(MHD_Connection* connection, const std::string& url) {
    Result<std::string> relative = SiteRelativePath(url);
    if (!relative.ok()) return Text(connection, MHD_HTTP_NOT_FOUND, "not found");
    UniqueFd site(open(options.site_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!site.ok()) {
      return Text(connection, MHD_HTTP_SERVICE_UNAVAILABLE, "the site is not built yet");
    }
    UniqueFd file(OpenBeneath(site.get(), *relative));
    struct stat st {};
    if (file.ok() && fstat(file.get(), &st) == 0 && S_ISDIR(st.st_mode)) {
      // A folder's pages link relatively, so they must be asked for with the trailing '/'. The
      // location is the checked path, never the request's: "//evil.example" (or "/%2Fevil...")
      // would otherwise send the browser to another host.
      return Answer(connection, MHD_HTTP_MOVED_PERMANENTLY, "text/plain; charset=utf-8", "",
                    {{MHD_HTTP_HEADER_LOCATION, "/" + EncodePath(*relative) + "/"}});
    }
    if (!file.ok() || !S_ISREG(st.st_mode)) {
      UniqueFd missing(OpenBeneath(site.get(), "404.html"));
      struct stat page {};
      if (missing.ok() && fstat(missing.get(), &page) == 0 && S_ISREG(page.st_mode)) {
        return SendFd(connection, MHD_HTTP_NOT_FOUND, std::move(missing), page, "404.html", false);
      }
      return Text(connection, MHD_HTTP_NOT_FOUND, "not found");
    }
    if (TakesGzip(connection)) {
      UniqueFd packed(OpenBeneath(site.get(), *relative + ".gz"));
      struct stat gz {};
      if (packed.ok() && fstat(packed.get(), &gz) == 0 && S_ISREG(gz.st_mode)) {
        return SendFd(connection, MHD_HTTP_OK, std::move(packed), gz, *relative, true);
      }
    }
    return SendFd(connection, MHD_HTTP_OK, std::move(file), st, *relative, false);
  }

  MHD_Result SendFd(MHD_Connection* connection, unsigned status, UniqueFd fd, const struct stat& st,
                    const std::string& name, bool gzip) {
    MHD_Response* response =
        MHD_create_response_from_fd64(static_cast<uint64_t>(st.st_size), fd.get());
    if (response == nullptr) return MHD_NO;
    (void)fd.release();  // the response closes it
    AddCommonHeaders(response);
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, ContentTypeOf(name).c_str());
    MHD_add_response_header(response, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
    if (gzip) MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
    MHD_Result queued = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return queued;
  }

  MHD_Result Handle(MHD_Connection* connection, const char* url, const char* method,
                    size_t* upload_size, void** request_state) {
    const std::string verb = method;
    if (*request_state == nullptr) {  // the headers: answer once the body (if any) is read
      *request_state = this;
      if (verb == MHD_HTTP_METHOD_GET || verb == MHD_HTTP_METHOD_HEAD) {
        return Route(connection, url, verb);
      }
      return MHD_YES;
    }
    if (*upload_size > 0) {  // a body nobody needs: dropped
      *upload_size = 0;
      return MHD_YES;
    }
    return Route(connection, url, verb);
  }

  MHD_Result Route(MHD_Connection* connection, const std::string& url, const std::string& verb) {
    if (url == "/-/rebuild") {
      if (verb != MHD_HTTP_METHOD_POST) {
        return Answer(connection, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
                      "POST /-/rebuild queues a build\n", {{MHD_HTTP_HEADER_ALLOW, "POST"}});
      }
      // A web page elsewhere may make a visitor's browser POST here (a "simple" request needs
      // no permission): a browser names that page's origin, which must be this server's.
      const char* origin =
          MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_ORIGIN);
      const char* host =
          MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
      if (origin != nullptr &&
          (host == nullptr || (std::string(origin) != std::string("http://") + host &&
                               std::string(origin) != std::string("https://") + host))) {
        return Text(
            connection, MHD_HTTP_FORBIDDEN,
            "a page from another site may not rebuild the index (Origin is not this server)");
      }
      if (!options.rebuild) {
        return Text(connection, MHD_HTTP_CONFLICT,
                    "this server has no registry to rebuild from (start it with --registry)");
      }
      {
        std::lock_guard<std::mutex> lock(mutex);
        queued = true;
      }
      wake.notify_all();
      return Answer(connection, MHD_HTTP_ACCEPTED, "application/json", StatusJson());
    }
    if (verb != MHD_HTTP_METHOD_GET && verb != MHD_HTTP_METHOD_HEAD) {
      return Answer(connection, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
                    "the site is read with GET or HEAD\n", {{MHD_HTTP_HEADER_ALLOW, "GET, HEAD"}});
    }
    if (url == "/-/status")
      return Answer(connection, MHD_HTTP_OK, "application/json", StatusJson());
    return ServeFile(connection, url);
  }
};

namespace {

MHD_Result OnRequest(void* cls, MHD_Connection* connection, const char* url, const char* method,
                     const char* /*version*/, const char* /*upload_data*/, size_t* upload_size,
                     void** request_state) {
  return static_cast<IndexServer::State*>(cls)->Handle(connection, url, method, upload_size,
                                                       request_state);
}

}  // namespace

Result<std::pair<std::string, int>> ParseListenAddress(const std::string& text) {
  auto bad = [&] {
    return Status::Usage(
        "--listen takes HOST:PORT (127.0.0.1:8080, [::1]:8080 or localhost:8080; "
        "port 0 picks a free one), got \"" +
        text + "\"");
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 >= text.size()) return bad();
  std::string host = text.substr(0, colon);
  const std::string port_text = text.substr(colon + 1);
  if (port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos) {
    return bad();
  }
  const int port = std::stoi(port_text);
  if (port > 65535) return bad();
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    in6_addr v6{};
    if (inet_pton(AF_INET6, host.c_str(), &v6) != 1) return bad();
    return std::pair{host, port};
  }
  if (host == "localhost") host = "127.0.0.1";
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) != 1) return bad();
  return std::pair{host, port};
}

IndexServer::IndexServer(std::unique_ptr<State> state) : state_(std::move(state)) {}

IndexServer::~IndexServer() { Stop(); }

Result<std::unique_ptr<IndexServer>> IndexServer::Start(ServerOptions options) {
  Result<std::pair<std::string, int>> address = ParseListenAddress(options.listen);
  if (!address.ok()) return address.status();
  auto state = std::make_unique<State>();
  state->options = std::move(options);
  state->host = address->first;
  state->builds = state->options.builds_before;
  if (state->builds > 0) state->last_build = Rfc3339Utc();
  const bool v6 = state->host.find(':') != std::string::npos;
  sockaddr_in v4{};
  sockaddr_in6 v6addr{};
  const sockaddr* bind_to = nullptr;
  unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD;
  if (v6) {
    v6addr.sin6_family = AF_INET6;
    v6addr.sin6_port = htons(static_cast<uint16_t>(address->second));
    inet_pton(AF_INET6, state->host.c_str(), &v6addr.sin6_addr);
    bind_to = reinterpret_cast<const sockaddr*>(&v6addr);
    flags |= MHD_USE_IPv6;
  } else {
    v4.sin_family = AF_INET;
    v4.sin_port = htons(static_cast<uint16_t>(address->second));
    inet_pton(AF_INET, state->host.c_str(), &v4.sin_addr);
    bind_to = reinterpret_cast<const sockaddr*>(&v4);
  }
  state->daemon = MHD_start_daemon(
      flags, static_cast<uint16_t>(address->second), nullptr, nullptr, &OnRequest, state.get(),
      MHD_OPTION_SOCK_ADDR, bind_to, MHD_OPTION_CONNECTION_LIMIT, kConnectionLimit,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, kPerAddressLimit, MHD_OPTION_CONNECTION_TIMEOUT,
      kTimeoutSeconds, MHD_OPTION_THREAD_POOL_SIZE, kThreads, MHD_OPTION_END);
  if (state->daemon == nullptr) {
    return Status::Failed("cannot listen on " + state->options.listen +
                          " (is the port in use, or the address not this machine's?)");
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(state->daemon, MHD_DAEMON_INFO_BIND_PORT);
  state->port = info != nullptr ? info->port : address->second;
  if (state->options.rebuild) {
    State* raw = state.get();
    state->builder = std::thread([raw] { raw->BuildLoop(); });
  }
  return std::unique_ptr<IndexServer>(new IndexServer(std::move(state)));
}

std::string IndexServer::url() const {
  const bool v6 = state_->host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + state_->host + "]" : state_->host) + ":" +
         std::to_string(state_->port) + "/";
}

void IndexServer::RequestRebuild() {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->queued = true;
  }
  state_->wake.notify_all();
}

int IndexServer::builds() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->builds;
}

void IndexServer::Stop() {
  if (!state_) return;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  if (state_->daemon != nullptr) {
    MHD_stop_daemon(state_->daemon);
    state_->daemon = nullptr;
  }
  if (state_->builder.joinable()) state_->builder.join();
}

}  // namespace host::index
