#include "core/images/registry_client.h"

#include <curl/curl.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "core/base/best_effort.h"
#include "core/base/file_lock.h"
#include "core/base/file_write.h"
#include "core/images/digest.h"
#include "core/images/link_header.h"

namespace host::images {
using nlohmann::json;

namespace {

// Manifests, configs and error bodies are small; anything bigger is refused.
constexpr size_t kMaxDocumentSize = size_t{4} << 20;
constexpr long kReceiveBufferSize = 1L << 20;
constexpr char kUserAgent[] = "host/0.1";
// A request answered 429, 500, 502, 503 or 504 is tried this many times in all, waiting what the
// registry's Retry-After says (in seconds, at most kMaxRetryAfter), else kFirstBackoff, doubled
// after each try. Repeating is safe: a GET or HEAD, a PUT of content named by its digest, or a
// POST that opens another upload.
constexpr int kMaxTries = 4;
constexpr std::chrono::milliseconds kFirstBackoff{500};
constexpr std::chrono::seconds kMaxRetryAfter{30};
// A repository list or tag list holds at most this many names, read in at most this many pages.
constexpr size_t kMaxListedNames = 100000;
constexpr int kMaxListPages = 10000;

// Where requests for a registry go: a mirror, or the registry itself.
struct Endpoint {
  std::string base;  // "https://registry-1.docker.io" or a mirror URL; no scheme for insecure
                     // registries, whose scheme is found by trying https, then http
  std::string host;  // "host[:port]", for credentials and insecure lookups
  bool mirror = false;
  bool insecure = false;       // TLS is not verified and plain HTTP is allowed
  const char* kind = nullptr;  // how messages call it; "mirror" or "registry" when unset

  std::string Name() const {
    if (kind != nullptr) return std::string(kind) + " " + host;
    return mirror ? "mirror " + base : "registry " + host;
  }
};

// How a request proves who it is.
struct Authorization {
  std::string bearer;  // "Authorization: Bearer <bearer>" when set
  std::string username;
  std::string password;  // Basic authentication when username is set
};

// What a request sends besides a GET: its method and body (pushes only).
struct Outgoing {
  const char* method = "GET";  // "HEAD", "POST" or "PUT"
  std::string_view body;
  std::string content_type;  // of body; empty: none
};

// What came back from one HTTP exchange.
struct Response {
  long status = 0;
  std::string body;  // small bodies only: documents and errors
  std::string content_type;
  std::string www_authenticate;
  std::string retry_after;  // the Retry-After header, or empty
  std::string location;     // the Location header (uploads), or empty
  std::string digest;       // the Docker-Content-Digest header, or empty
  std::string link;         // the Link header (list pagination), or empty
  std::string url;          // the effective URL, after redirects
  bool timed_out = false;   // the transfer failed because the server went silent
  int tries = 1;            // how many times the request was sent
};

// True for the answers of a registry that is busy or failing for a while: worth another try.
bool IsRetryable(long status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

// How long to wait before try number tries + 1: Retry-After in seconds when the registry sent it
// (capped), else the exponential backoff.
std::chrono::milliseconds RetryDelay(const std::string& retry_after, int tries) {
  const std::chrono::milliseconds backoff = kFirstBackoff * (1 << (tries - 1));
  if (retry_after.empty() || retry_after.find_first_not_of("0123456789 ") != std::string::npos) {
    return backoff;  // missing, or the HTTP-date form: our own backoff
  }
  const std::string digits = retry_after.substr(0, std::min<size_t>(retry_after.size(), 6));
  const std::chrono::seconds asked{std::strtol(digits.c_str(), nullptr, 10)};
  return std::min<std::chrono::milliseconds>(asked, kMaxRetryAfter);
}

// Where the body of a response goes.
struct WriteContext {
  CURL* handle = nullptr;
  Response* response = nullptr;
  BlobWriter* sink = nullptr;  // successful bodies go here when set
  int64_t limit = -1;          // the most bytes the sink may take; -1 for no limit
  bool decided = false;
  bool to_sink = false;
  Status error;
};

size_t OnWrite(char* data, size_t size, size_t count, void* user) {
  auto* context = static_cast<WriteContext*>(user);
  const size_t total = size * count;
  if (!context->decided) {
    long status = 0;
    curl_easy_getinfo(context->handle, CURLINFO_RESPONSE_CODE, &status);
    context->to_sink = context->sink != nullptr && status >= 200 && status < 300;
    context->decided = true;
  }
  if (context->to_sink) {
    if (context->limit >= 0 &&
        context->sink->size() + total > static_cast<uint64_t>(context->limit)) {
      context->error =
          Status::Failed("the registry sent more than the " + std::to_string(context->limit) +
                         " bytes the manifest lists; nothing was stored");
      return 0;
    }
    context->error = context->sink->Write(data, total);
    return context->error.ok() ? total : 0;
  }
  if (context->response->body.size() + total > kMaxDocumentSize) {
    context->error = Status::Failed("the response is larger than " +
                                    std::to_string(kMaxDocumentSize) + " bytes");
    return 0;
  }
  context->response->body.append(data, total);
  return total;
}

std::string Header(CURL* handle, const char* name) {
  curl_header* header = nullptr;
  if (curl_easy_header(handle, name, 0, CURLH_HEADER, -1, &header) != CURLHE_OK) return {};
  return header->value;
}

// A string member of a JSON object, or "" when it is missing or not a string.
std::string StringMember(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "CODE: message; CODE: message" from a registry's JSON error body, else the start of the body.
std::string ErrorSummary(const std::string& body) {
  json root = json::parse(body, nullptr, false);
  std::string out;
  if (root.is_object()) {
    if (auto errors = root.find("errors"); errors != root.end() && errors->is_array()) {
      for (const auto& error : *errors) {
        if (!error.is_object()) continue;
        std::string code = StringMember(error, "code");
        std::string message = StringMember(error, "message");
        out += (out.empty() ? "" : "; ") + code + (message.empty() ? "" : ": " + message);
      }
    }
    // Token servers answer {"details": "..."} or {"error": "..."}.
    for (const char* key : {"details", "error", "message"}) {
      if (out.empty()) out = StringMember(root, key);
    }
  }
  if (out.empty()) {
    out = body.substr(0, 200);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) {
      out.pop_back();
    }
    if (out.empty()) out = "(no details)";
  }
  return out;
}

// The parameters of a "Bearer realm=...,service=...,scope=..." or "Basic realm=..." challenge.
struct Challenge {
  std::string scheme;
  std::map<std::string, std::string> params;
};

Challenge ParseChallenge(std::string_view text) {
  Challenge challenge;
  auto space = text.find(' ');
  challenge.scheme = std::string(text.substr(0, space));
  for (char& c : challenge.scheme)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (space == std::string_view::npos) return challenge;
  std::string_view rest = text.substr(space + 1);
  while (!rest.empty()) {
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == ',')) rest.remove_prefix(1);
    auto equals = rest.find('=');
    if (equals == std::string_view::npos) break;
    std::string key(rest.substr(0, equals));
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    rest.remove_prefix(equals + 1);
    std::string value;
    if (!rest.empty() && rest.front() == '"') {
      rest.remove_prefix(1);
      while (!rest.empty() && rest.front() != '"') {
        if (rest.front() == '\\' && rest.size() > 1) rest.remove_prefix(1);
        value += rest.front();
        rest.remove_prefix(1);
      }
      if (!rest.empty()) rest.remove_prefix(1);
    } else {
      auto comma = rest.find(',');
      value = std::string(rest.substr(0, comma));
      rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma);
    }
    challenge.params[key] = value;
  }
  return challenge;
}

// The "host[:port]" of a URL.
std::string HostOfUrl(std::string_view url) {
  if (auto scheme = url.find("://"); scheme != std::string_view::npos) {
    url.remove_prefix(scheme + 3);
  }
  return std::string(url.substr(0, url.find('/')));
}

// True for the "not found" usage errors of a 404.
bool IsNotFoundStatus(const Status& status) {
  return status.kind() == ErrorKind::kUsage && status.message().rfind("not found", 0) == 0;
}

// Reusable curl handles: a handle keeps its connections, so requests to one registry share them.
class HandlePool {
 public:
  HandlePool() = default;
  HandlePool(const HandlePool&) = delete;
  HandlePool& operator=(const HandlePool&) = delete;
  ~HandlePool() {
    for (CURL* handle : free_) curl_easy_cleanup(handle);
  }
  CURL* Take() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!free_.empty()) {
        CURL* handle = free_.back();
        free_.pop_back();
        return handle;
      }
    }
    return curl_easy_init();
  }
  void Give(CURL* handle) {
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(handle);
  }

 private:
  std::mutex mutex_;
  std::vector<CURL*> free_;
};

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

struct RegistryClient::State {
  explicit State(Config c) : config(std::move(c)) {}

  Config config;
  HandlePool handles;
  std::mutex mutex;                                 // guards the two maps below
  std::map<std::string, std::string> schemes;       // insecure host -> the scheme that answered
  std::map<std::string, Authorization> authorized;  // host + scope -> what worked last
  std::filesystem::path scheme_memory;              // where schemes outlive the process, or empty

  // The file remembering host's scheme.
  std::filesystem::path SchemeFile(const std::string& host) const {
    std::string name = host;
    for (char& c : name) {
      if (c == ':' || c == '/') c = '_';
    }
    return scheme_memory / name;
  }

  // The mirrors of a registry, in order, then the registry itself.
  std::vector<Endpoint> EndpointsFor(const std::string& registry) const;
  // One HTTP GET; a non-2xx answer is a response, only a transport failure is an error.
  Status Transfer(const std::string& url, const Endpoint& endpoint,
                  const std::vector<std::string>& headers, const Authorization& auth,
                  BlobWriter* sink, int64_t limit, Response* response,
                  std::string_view unreachable_note = "", const Outgoing* out = nullptr);
  // Transfer to an endpoint, finding the scheme of an insecure registry.
  Status Send(const Endpoint& endpoint, const std::string& path, const std::string& accept,
              const Authorization& auth, BlobWriter* sink, int64_t limit, Response* response,
              const Outgoing* out = nullptr);
  // Send with authentication: answers a 401 challenge once, then remembers what worked.
  // out, when set, makes it a push: the token asks for the push scope too.
  Result<Response> Request(const Endpoint& endpoint, const ImageReference& ref,
                           const std::string& path, const std::string& accept, BlobWriter* sink,
                           int64_t limit, const Outgoing* out = nullptr);
  // Request with the token scope given ("registry:catalog:*").
  Result<Response> RequestScoped(const Endpoint& endpoint, const std::string& scope,
                                 const std::string& path, const std::string& accept,
                                 BlobWriter* sink, int64_t limit, const Outgoing* out = nullptr);
  // Every name of a paginated list (the catalog or a repository's tags): GET first_path, then
  // each rel="next" page on the same endpoint, the array member of each page appended.
  Result<std::vector<std::string>> List(const Endpoint& endpoint, const std::string& scope,
                                        const std::string& first_path, const char* member,
                                        const std::string& what);
  int page_size = 1000;  // the n asked per page
  // What answers a WWW-Authenticate challenge: Basic credentials, or a token from the realm.
  Result<Authorization> Authenticate(const Endpoint& endpoint, const std::string& challenge_text,
                                     const std::string& scope);
  // The error for a 401 or 403 that authentication did not cure.
  Status AuthFailure(const Endpoint& endpoint, const Response& response) const;
  // The error for any other unexpected HTTP status.
  Status HttpFailure(const Endpoint& endpoint, const Response& response) const;
};

std::vector<Endpoint> RegistryClient::State::EndpointsFor(const std::string& registry) const {
  std::vector<Endpoint> endpoints;
  for (const auto& url : config.MirrorsFor(registry)) {
    Endpoint mirror;
    mirror.base = url;
    mirror.host = HostOfUrl(url);
    mirror.mirror = true;
    mirror.insecure = config.IsInsecure(mirror.host);
    endpoints.push_back(std::move(mirror));
  }
  Endpoint self;
  self.host = registry;
  self.insecure = config.IsInsecure(registry);
  const std::string api_host = registry == "docker.io" ? "registry-1.docker.io" : registry;
  self.base = self.insecure ? api_host : "https://" + api_host;
  endpoints.push_back(std::move(self));
  return endpoints;
}

Status RegistryClient::State::Transfer(const std::string& url, const Endpoint& endpoint,
                                       const std::vector<std::string>& headers,
                                       const Authorization& auth, BlobWriter* sink, int64_t limit,
                                       Response* response, std::string_view unreachable_note,
                                       const Outgoing* out) {
  CURL* handle = handles.Take();
  if (handle == nullptr) return Status::Failed("cannot initialize libcurl");
  curl_easy_reset(handle);
  char error_buffer[CURL_ERROR_SIZE] = {0};
  WriteContext context;
  context.handle = handle;
  context.response = response;
  context.sink = sink;
  context.limit = limit;
  curl_slist* header_list = nullptr;
  for (const auto& header : headers) header_list = curl_slist_append(header_list, header.c_str());
  if (out != nullptr && !out->content_type.empty()) {
    header_list = curl_slist_append(header_list, ("Content-Type: " + out->content_type).c_str());
  }
  header_list = curl_slist_append(header_list, "Expect:");  // no 100-continue round trip
  if (!auth.bearer.empty()) {
    header_list = curl_slist_append(header_list, ("Authorization: Bearer " + auth.bearer).c_str());
  }
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, header_list);
  curl_easy_setopt(handle, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(handle, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  // A silent server (not connecting, not answering, or stalling) is given up on after the timeout.
  const long timeout = static_cast<long>(config.registry_timeout.count());
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, timeout);
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, timeout);
  curl_easy_setopt(handle, CURLOPT_BUFFERSIZE, kReceiveBufferSize);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, OnWrite);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &context);
  const std::string method = out != nullptr ? out->method : "GET";
  if (method == "HEAD") {
    curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
  } else if (method != "GET") {
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, out->method);
    // Never null: a null body would make libcurl read the request body from stdin.
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, out->body.empty() ? "" : out->body.data());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(out->body.size()));
  }
  if (!auth.username.empty()) {
    curl_easy_setopt(handle, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(handle, CURLOPT_USERNAME, auth.username.c_str());
    curl_easy_setopt(handle, CURLOPT_PASSWORD, auth.password.c_str());
  }
  if (endpoint.insecure) {
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  CURLcode code = curl_easy_perform(handle);
  Status status;
  if (!context.error.ok()) {
    status = context.error;
  } else if (code != CURLE_OK) {
    std::string detail = error_buffer;
    if (code == CURLE_OPERATION_TIMEDOUT) {
      response->timed_out = true;
      const std::string where =
          config.source.empty() ? std::string("the config file") : config.source.string();
      const std::string what =
          context.decided ? " stopped sending for " : " did not answer within ";
      status = Status::Failed(endpoint.Name() + what + std::to_string(timeout) + " s" +
                              std::string(unreachable_note) + ": " + method + " " + url +
                              "; raise \"registry_timeout\" in " + where + " to wait longer");
    }
    bool unreachable = code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
                       code == CURLE_COULDNT_RESOLVE_PROXY || code == CURLE_SSL_CONNECT_ERROR ||
                       code == CURLE_PEER_FAILED_VERIFICATION;
    if (status.ok()) {
      status = Status::Failed(
          endpoint.Name() +
          (unreachable ? " unreachable" + std::string(unreachable_note) + ": " : ": ") + method +
          " " + url + ": " + (detail.empty() ? std::string(curl_easy_strerror(code)) : detail));
    }
  } else {
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response->status);
    char* effective = nullptr;
    curl_easy_getinfo(handle, CURLINFO_EFFECTIVE_URL, &effective);
    response->url = effective != nullptr ? effective : url;
    response->content_type = Header(handle, "Content-Type");
    response->www_authenticate = Header(handle, "WWW-Authenticate");
    response->retry_after = Header(handle, "Retry-After");
    response->location = Header(handle, "Location");
    response->digest = Header(handle, "Docker-Content-Digest");
    response->link = Header(handle, "Link");
  }
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(header_list);
  handles.Give(handle);
  return status;
}

Status RegistryClient::State::Send(const Endpoint& endpoint, const std::string& path,
                                   const std::string& accept, const Authorization& auth,
                                   BlobWriter* sink, int64_t limit, Response* response,
                                   const Outgoing* out) {
  const std::vector<std::string> headers = {"Accept: " + accept};
  // An absolute path is an upload URL the registry gave (Location), used as it is.
  if (path.rfind("http://", 0) == 0 || path.rfind("https://", 0) == 0) {
    return Transfer(path, endpoint, headers, auth, sink, limit, response, "", out);
  }
  if (endpoint.mirror || !endpoint.insecure) {
    return Transfer(endpoint.base + path, endpoint, headers, auth, sink, limit, response, "", out);
  }
  // An insecure registry: https without verification first, then plain http, as Docker does; the
  // scheme that answers is remembered.
  std::vector<std::string> schemes = {"https", "http"};
  std::string remembered;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto known = this->schemes.find(endpoint.host); known != this->schemes.end()) {
      schemes = {known->second};
    } else if (!scheme_memory.empty()) {
      std::ifstream in(SchemeFile(endpoint.host));
      std::getline(in, remembered);
      // Try the remembered scheme first, then the other: a registry may have changed.
      if (remembered == "http") schemes = {"http", "https"};
    }
  }
  for (const auto& scheme : schemes) {
    *response = Response();
    const bool last = scheme == schemes.back();
    Status status =
        Transfer(scheme + "://" + endpoint.base + path, endpoint, headers, auth, sink, limit,
                 response, last && schemes.size() > 1 ? " over https and http" : "", out);
    if (status.ok()) {
      std::lock_guard<std::mutex> lock(mutex);
      this->schemes[endpoint.host] = scheme;
      if (!scheme_memory.empty() && remembered != scheme) {
        std::error_code ec;
        std::filesystem::create_directories(scheme_memory, ec);
        std::filesystem::path file = SchemeFile(endpoint.host);
        std::filesystem::path tmp = file.string() + ".tmp" + std::to_string(getpid());
        // Only a hint for the next run: one not written whole is not renamed in, and a missing
        // one means both schemes are tried again.
        if (WriteWholeFile(tmp, scheme + "\n").ok()) std::filesystem::rename(tmp, file, ec);
        if (ec) RemoveBestEffort(tmp);
      }
      return status;
    }
    // Bytes flowed, so the scheme was right; or nothing is left to try; or the scheme that
    // worked before went silent, so the registry is not answering (an unknown registry that is
    // silent over https is still tried over http: a plain-http server may not answer a TLS hello).
    if (last || (sink != nullptr && sink->size() > 0) ||
        (response->timed_out && !remembered.empty())) {
      return status;
    }
  }
  return Status::Failed("no scheme to try");
}

Result<Response> RegistryClient::State::Request(const Endpoint& endpoint, const ImageReference& ref,
                                                const std::string& path, const std::string& accept,
                                                BlobWriter* sink, int64_t limit,
                                                const Outgoing* out) {
  const std::string scope =
      "repository:" + ref.repository + (out != nullptr ? ":pull,push" : ":pull");
  return RequestScoped(endpoint, scope, path, accept, sink, limit, out);
}

Result<Response> RegistryClient::State::RequestScoped(const Endpoint& endpoint,
                                                      const std::string& scope,
                                                      const std::string& path,
                                                      const std::string& accept, BlobWriter* sink,
                                                      int64_t limit, const Outgoing* out) {
  const std::string key = endpoint.base + " " + scope;
  Authorization auth;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto known = authorized.find(key); known != authorized.end()) {
      auth = known->second;
    } else if (const RegistryCredentials* credentials = config.CredentialsFor(endpoint.host);
               credentials != nullptr && !credentials->token.empty()) {
      auth.bearer = credentials->token;
    }
  }
  for (int attempt = 0;; ++attempt) {
    Response response;
    for (int tries = 1;; ++tries) {
      response = Response();
      if (Status s = Send(endpoint, path, accept, auth, sink, limit, &response, out); !s.ok()) {
        return s;
      }
      response.tries = tries;
      if (!IsRetryable(response.status) || tries == kMaxTries) break;
      std::this_thread::sleep_for(RetryDelay(response.retry_after, tries));
    }
    if (response.status != 401 || attempt > 0 || response.www_authenticate.empty()) {
      return response;
    }
    Result<Authorization> fresh = Authenticate(endpoint, response.www_authenticate, scope);
    if (!fresh.ok()) return fresh.status();
    auth = *fresh;
    std::lock_guard<std::mutex> lock(mutex);
    authorized[key] = auth;
  }
}

Result<Authorization> RegistryClient::State::Authenticate(const Endpoint& endpoint,
                                                          const std::string& challenge_text,
                                                          const std::string& scope) {
  const std::string failed = "authentication to " + endpoint.Name() + " failed: ";
  const RegistryCredentials* credentials = config.CredentialsFor(endpoint.host);
  const std::string where =
      config.source.empty() ? std::string("the config file") : config.source.string();
  Challenge challenge = ParseChallenge(challenge_text);
  if (challenge.scheme == "basic") {
    if (credentials == nullptr || credentials->username.empty()) {
      return Status::Failed(failed + "it asks for a username and password, and " + where +
                            " has none for \"" + endpoint.host + "\" in \"auths\"");
    }
    Authorization auth;
    auth.username = credentials->username;
    auth.password = credentials->password;
    return auth;
  }
  if (challenge.scheme != "bearer") {
    return Status::Failed(failed + "unsupported authentication scheme in \"" + challenge_text +
                          "\"");
  }
  if (credentials != nullptr && !credentials->token.empty()) {
    return Status::Failed(failed + "the token for \"" + endpoint.host + "\" in " + where +
                          " was refused");
  }
  const std::string realm = challenge.params["realm"];
  if (realm.rfind("http://", 0) != 0 && realm.rfind("https://", 0) != 0) {
    return Status::Failed(failed + "the token realm \"" + realm + "\" is not an http(s) URL");
  }
  std::string url = realm + (realm.find('?') == std::string::npos ? "?" : "&");
  auto escape = [](const std::string& text) {
    char* escaped = curl_easy_escape(nullptr, text.c_str(), static_cast<int>(text.size()));
    std::string out = escaped != nullptr ? escaped : "";
    curl_free(escaped);
    return out;
  };
  if (!challenge.params["service"].empty()) {
    url += "service=" + escape(challenge.params["service"]) + "&";
  }
  url += "scope=" + escape(challenge.params["scope"].empty() ? scope : challenge.params["scope"]);
  Authorization basic;
  if (credentials != nullptr) {
    basic.username = credentials->username;
    basic.password = credentials->password;
  }
  Endpoint token_server;
  token_server.host = HostOfUrl(realm);
  token_server.kind = "token server";
  token_server.insecure = config.IsInsecure(token_server.host);
  Response response;
  for (int tries = 1;; ++tries) {
    response = Response();
    if (Status s = Transfer(url, token_server, {"Accept: application/json"}, basic, nullptr, -1,
                            &response);
        !s.ok()) {
      return Status::Failed(failed + s.message());
    }
    if (!IsRetryable(response.status) || tries == kMaxTries) break;
    std::this_thread::sleep_for(RetryDelay(response.retry_after, tries));
  }
  if (response.status != 200) {
    std::string hint =
        credentials != nullptr
            ? "; the credentials for \"" + endpoint.host + "\" in " + where + " were refused"
            : "; " + where + " has no credentials for \"" + endpoint.host + "\"";
    return Status::Failed(failed + "token server " + realm + " answered HTTP " +
                          std::to_string(response.status) + ": " + ErrorSummary(response.body) +
                          hint);
  }
  json root = json::parse(response.body, nullptr, false);
  Authorization auth;
  if (root.is_object()) {
    for (const char* key : {"token", "access_token"}) {
      if (auth.bearer.empty()) auth.bearer = StringMember(root, key);
    }
  }
  if (auth.bearer.empty()) {
    return Status::Failed(failed + "token server " + realm + " answered without a token");
  }
  return auth;
}

Status RegistryClient::State::AuthFailure(const Endpoint& endpoint,
                                          const Response& response) const {
  const std::string where =
      config.source.empty() ? std::string("the config file") : config.source.string();
  std::string hint =
      config.CredentialsFor(endpoint.host) != nullptr
          ? "the credentials for \"" + endpoint.host + "\" in " + where + " were refused"
          : where + " has no credentials for \"" + endpoint.host + "\"";
  return Status::Failed("authentication to " + endpoint.Name() + " failed: it answered HTTP " +
                        std::to_string(response.status) + " " + ErrorSummary(response.body) +
                        " for " + response.url + "; " + hint);
}

Status RegistryClient::State::HttpFailure(const Endpoint& endpoint,
                                          const Response& response) const {
  std::string tries;
  if (response.tries > 1) tries = " (the last of " + std::to_string(response.tries) + " tries)";
  return Status::Failed(endpoint.Name() + " answered HTTP " + std::to_string(response.status) +
                        tries + " for " + response.url + ": " + ErrorSummary(response.body));
}

namespace {

// The error of the last endpoint tried, with what the mirrors before it said.
Status CombineFailures(const std::vector<Status>& failures) {
  Status last = failures.back();
  if (failures.size() == 1) return last;
  std::string mirrors;
  for (size_t i = 0; i + 1 < failures.size(); ++i) {
    mirrors += (i == 0 ? "" : "; ") + failures[i].message();
  }
  return Status(last.kind(), last.message() + " (tried first: " + mirrors + ")");
}

}  // namespace

RegistryClient::RegistryClient(Config config, std::filesystem::path scheme_memory)
    : state_(std::make_unique<State>(std::move(config))) {
  state_->scheme_memory = std::move(scheme_memory);
  InitCurlOnce();
}

RegistryClient::~RegistryClient() = default;

const Config& RegistryClient::config() const { return state_->config; }

Result<FetchedManifest> RegistryClient::GetManifest(const ImageReference& ref,
                                                    std::string_view identifier) {
  const bool by_digest = IsSha256Digest(identifier);
  const std::string path = "/v2/" + ref.repository + "/manifests/" + std::string(identifier);
  std::vector<Status> failures;
  for (const Endpoint& endpoint : state_->EndpointsFor(ref.registry)) {
    Result<Response> response =
        state_->Request(endpoint, ref, path, ManifestAcceptHeader(), nullptr, -1);
    if (!response.ok()) {
      failures.push_back(response.status());
      continue;
    }
    if (response->status == 404) {
      failures.push_back(Status::Usage("not found: " + endpoint.Name() + " answered HTTP 404 " +
                                       ErrorSummary(response->body) + " for " + response->url));
      continue;
    }
    if (response->status == 401 || response->status == 403) {
      failures.push_back(state_->AuthFailure(endpoint, *response));
      continue;
    }
    if (response->status != 200) {
      failures.push_back(state_->HttpFailure(endpoint, *response));
      continue;
    }
    FetchedManifest manifest;
    manifest.digest = DigestOf(response->body);
    if (by_digest && manifest.digest != identifier) {
      failures.push_back(Status::Failed("manifest from " + response->url + " does not match its " +
                                        "digest: expected " + std::string(identifier) + ", got " +
                                        manifest.digest));
      continue;
    }
    manifest.body = std::move(response->body);
    manifest.media_type = std::move(response->content_type);
    manifest.url = std::move(response->url);
    return manifest;
  }
  return CombineFailures(failures);
}

Status RegistryClient::FetchBlob(const ImageReference& ref, const Descriptor& blob,
                                 const ContentStore& store) {
  if (Status s = CheckDigest(blob.digest); !s.ok()) return s;
  if (store.Has(blob.digest)) return {};
  // One download per blob at a time across threads and processes; the others then find it stored.
  Result<FileLock> lock = FileLock::Acquire(store.LockPath("blob", blob.digest));
  if (!lock.ok()) return lock.status();
  if (store.Has(blob.digest)) return {};
  store.RemoveLeftovers(blob.digest);  // of killed downloads: nobody else holds the lock
  const std::string path = "/v2/" + ref.repository + "/blobs/" + blob.digest;
  std::vector<Status> failures;
  for (const Endpoint& endpoint : state_->EndpointsFor(ref.registry)) {
    Result<std::unique_ptr<BlobWriter>> writer = store.NewWriter(blob.digest);
    if (!writer.ok()) return writer.status();
    Result<Response> response =
        state_->Request(endpoint, ref, path, "*/*", writer->get(), blob.size);
    if (!response.ok()) {
      failures.push_back(response.status().Prefixed("blob " + blob.digest + ": "));
      continue;
    }
    if (response->status == 401 || response->status == 403) {
      failures.push_back(state_->AuthFailure(endpoint, *response));
      continue;
    }
    if (response->status != 200) {
      failures.push_back(state_->HttpFailure(endpoint, *response)
                             .Prefixed("blob " + blob.digest + " of " + ref.String() + ": "));
      continue;
    }
    const std::string from = "blob " + blob.digest + " from " + response->url + ": ";
    if (blob.size >= 0 && (*writer)->size() != static_cast<uint64_t>(blob.size)) {
      failures.push_back(Status::Failed(from + "got " + std::to_string((*writer)->size()) +
                                        " bytes, the manifest says " + std::to_string(blob.size) +
                                        "; nothing was stored"));
      continue;
    }
    Status committed = (*writer)->Commit(blob.digest);
    if (committed.ok()) return committed;
    failures.push_back(committed.Prefixed(from));
  }
  return CombineFailures(failures);
}

namespace {

// The upload URL a registry's Location names, made absolute against the URL that was asked.
std::string AbsoluteLocation(const std::string& location, const std::string& asked) {
  if (location.rfind("http://", 0) == 0 || location.rfind("https://", 0) == 0) return location;
  const auto scheme = asked.find("://");
  const auto path = asked.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return asked.substr(0, path) + (location.empty() || location[0] != '/' ? "/" : "") + location;
}

}  // namespace

Result<bool> RegistryClient::HasBlob(const ImageReference& ref, std::string_view digest) {
  if (Status s = CheckDigest(digest); !s.ok()) return s;
  const Endpoint endpoint = state_->EndpointsFor(ref.registry).back();
  Outgoing head;
  head.method = "HEAD";
  Result<Response> response =
      state_->Request(endpoint, ref, "/v2/" + ref.repository + "/blobs/" + std::string(digest),
                      "*/*", nullptr, -1, &head);
  if (!response.ok()) return response.status();
  if (response->status == 200) return true;
  if (response->status == 404) return false;
  if (response->status == 401 || response->status == 403) {
    return state_->AuthFailure(endpoint, *response);
  }
  return state_->HttpFailure(endpoint, *response);
}

Status RegistryClient::PushBlob(const ImageReference& ref, std::string_view digest,
                                std::string_view bytes) {
  if (Status s = CheckDigest(digest); !s.ok()) return s;
  if (DigestOf(bytes) != digest) {
    return Status::Failed("blob to push does not match its digest " + std::string(digest));
  }
  Result<bool> has = HasBlob(ref, digest);
  if (!has.ok()) return has.status().Prefixed("blob " + std::string(digest) + ": ");
  if (*has) return {};
  const Endpoint endpoint = state_->EndpointsFor(ref.registry).back();
  const std::string what =
      "pushing blob " + std::string(digest) + " to " + ref.registry + "/" + ref.repository + ": ";
  Outgoing post;
  post.method = "POST";
  Result<Response> opened = state_->Request(
      endpoint, ref, "/v2/" + ref.repository + "/blobs/uploads/", "*/*", nullptr, -1, &post);
  if (!opened.ok()) return opened.status().Prefixed(what);
  if (opened->status == 401 || opened->status == 403) {
    return state_->AuthFailure(endpoint, *opened).Prefixed(what);
  }
  if (opened->status != 202 || opened->location.empty()) {
    return state_->HttpFailure(endpoint, *opened).Prefixed(what + "opening the upload: ");
  }
  std::string url = AbsoluteLocation(opened->location, opened->url);
  url += (url.find('?') == std::string::npos ? "?" : "&") + std::string("digest=") +
         std::string(digest);
  Outgoing put;
  put.method = "PUT";
  put.body = bytes;
  put.content_type = "application/octet-stream";
  Result<Response> stored = Status::Failed("not sent");
  if (HostOfUrl(url) == endpoint.host) {
    stored = state_->Request(endpoint, ref, url, "*/*", nullptr, -1, &put);
  } else {
    // An upload URL on another host (a storage service): it gets no credentials of ours.
    Response response;
    Status sent = state_->Transfer(url, endpoint, {"Accept: */*"}, Authorization{}, nullptr, -1,
                                   &response, "", &put);
    stored = sent.ok() ? Result<Response>(std::move(response)) : Result<Response>(sent);
  }
  if (!stored.ok()) return stored.status().Prefixed(what);
  if (stored->status == 401 || stored->status == 403) {
    return state_->AuthFailure(endpoint, *stored).Prefixed(what);
  }
  if (stored->status != 201) return state_->HttpFailure(endpoint, *stored).Prefixed(what);
  return {};
}

Result<std::string> RegistryClient::PutManifest(const ImageReference& ref, std::string_view tag,
                                                std::string_view media_type,
                                                std::string_view body) {
  const Endpoint endpoint = state_->EndpointsFor(ref.registry).back();
  const std::string digest = DigestOf(body);
  const std::string identifier = tag.empty() ? digest : std::string(tag);
  const std::string what = "pushing manifest " + digest + " to " + ref.registry + "/" +
                           ref.repository + ":" + identifier + ": ";
  Outgoing put;
  put.method = "PUT";
  put.body = body;
  put.content_type = std::string(media_type);
  Result<Response> response =
      state_->Request(endpoint, ref, "/v2/" + ref.repository + "/manifests/" + identifier, "*/*",
                      nullptr, -1, &put);
  if (!response.ok()) return response.status().Prefixed(what);
  if (response->status == 401 || response->status == 403) {
    return state_->AuthFailure(endpoint, *response).Prefixed(what);
  }
  if (response->status != 201) return state_->HttpFailure(endpoint, *response).Prefixed(what);
  if (!response->digest.empty() && response->digest != digest) {
    return Status::Failed(what + "the registry stored it as " + response->digest +
                          "; it changed the document, so its digest cannot be pinned");
  }
  return digest;
}

Result<std::vector<std::string>> RegistryClient::State::List(const Endpoint& endpoint,
                                                             const std::string& scope,
                                                             const std::string& first_path,
                                                             const char* member,
                                                             const std::string& what) {
  std::vector<std::string> names;
  std::string path = first_path;
  for (int page = 0;; ++page) {
    if (page == kMaxListPages) {
      return Status::Failed(what + ": " + endpoint.Name() + " sent more than " +
                            std::to_string(kMaxListPages) + " pages; the list is not read");
    }
    Result<Response> response =
        RequestScoped(endpoint, scope, path, "application/json", nullptr, -1);
    if (!response.ok()) return response.status().Prefixed(what + ": ");
    if (response->status == 404) {
      return Status::Usage("not found: " + endpoint.Name() + " answered HTTP 404 " +
                           ErrorSummary(response->body) + " for " + response->url);
    }
    if (response->status == 401 || response->status == 403) {
      return AuthFailure(endpoint, *response).Prefixed(what + ": ");
    }
    if (response->status != 200) return HttpFailure(endpoint, *response).Prefixed(what + ": ");
    json root = json::parse(response->body, nullptr, false);
    if (!root.is_object()) {
      return Status::Failed(what + ": " + response->url + " answered with no JSON object");
    }
    auto list = root.find(member);
    size_t added = 0;
    if (list != root.end() && !list->is_null()) {  // distribution sends "tags": null when none
      if (!list->is_array()) {
        return Status::Failed(what + ": \"" + member + "\" of " + response->url +
                              " is not an array");
      }
      if (names.size() + list->size() > kMaxListedNames) {
        return Status::Failed(what + ": " + endpoint.Name() + " lists more than " +
                              std::to_string(kMaxListedNames) + " names; the list is not read");
      }
      for (const json& name : *list) {
        if (!name.is_string()) {
          return Status::Failed(what + ": " + response->url + " lists a name that is no string");
        }
        names.push_back(name.get<std::string>());
        ++added;
      }
    }
    Result<std::string> next = NextPagePath(response->link, HostOfUrl(endpoint.base), path);
    if (!next.ok()) return next.status().Prefixed(what + ": ");
    if (next->empty()) return names;
    if (added == 0) {
      return Status::Failed(what + ": " + response->url +
                            " sent an empty page that links to another; the list is not read");
    }
    path = std::move(*next);
  }
}

void RegistryClient::set_page_size(int n) { state_->page_size = n < 1 ? 1 : n; }

Result<std::vector<std::string>> RegistryClient::ListRepositories(const std::string& registry) {
  if (registry.empty() || registry.find_first_of("/?# ") != std::string::npos) {
    return Status::Usage("\"" + registry + "\" is not a registry name (HOST[:PORT])");
  }
  const Endpoint endpoint = state_->EndpointsFor(registry).back();
  const std::string what = "listing the repositories of " + endpoint.Name();
  Result<std::vector<std::string>> names =
      state_->List(endpoint, "registry:catalog:*",
                   "/v2/_catalog?n=" + std::to_string(state_->page_size), "repositories", what);
  if (!names.ok() && IsNotFoundStatus(names.status())) {
    return Status::Usage(what + ": it has no catalog API (" + names.status().message() +
                         "); name the repositories to read instead");
  }
  return names;
}

Result<std::vector<std::string>> RegistryClient::ListTags(const ImageReference& repo) {
  if (!IsRepositoryPath(repo.repository)) {
    return Status::Usage("\"" + repo.repository + "\" is not a repository name");
  }
  const Endpoint endpoint = state_->EndpointsFor(repo.registry).back();
  return state_->List(
      endpoint, "repository:" + repo.repository + ":pull",
      "/v2/" + repo.repository + "/tags/list?n=" + std::to_string(state_->page_size), "tags",
      "listing the tags of " + repo.registry + "/" + repo.repository);
}

}  // namespace host::images
