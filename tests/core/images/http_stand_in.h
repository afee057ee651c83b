// A tiny HTTP/1.1 server on loopback for tests: answers each request with a handler's reply and
// records what it was asked.
#ifndef HOST_TESTS_CORE_IMAGES_HTTP_STAND_IN_H_
#define HOST_TESTS_CORE_IMAGES_HTTP_STAND_IN_H_

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace host::images::test {

// One request as the stand-in received it.
struct HttpRequest {
  std::string method;
  std::string target;                          // path and query, as sent
  std::string path;                            // without the query
  std::string query;                           // after '?', or empty
  std::map<std::string, std::string> headers;  // names in lowercase

  // A header's value, or "" when absent.
  std::string Header(const std::string& lowercase_name) const;
};

// What the stand-in answers.
struct HttpReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Serves on 127.0.0.1 on a free port until destroyed; one connection at a time, each closed after
// its reply. A TLS handshake is answered by closing the connection.
class HttpStandIn {
 public:
  // Starts serving with handler.
  explicit HttpStandIn(std::function<HttpReply(const HttpRequest&)> handler);
  ~HttpStandIn();
  HttpStandIn(const HttpStandIn&) = delete;
  HttpStandIn& operator=(const HttpStandIn&) = delete;

  // "127.0.0.1:PORT".
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // Every request so far, in order.
  std::vector<HttpRequest> requests() const;
  // How many requests so far had a path containing part.
  size_t CountRequests(const std::string& part) const;

 private:
  void Serve();
  void Handle(int connection);

  std::function<HttpReply(const HttpRequest&)> handler_;
  int listener_ = -1;
  int wake_[2] = {-1, -1};
  int port_ = 0;
  mutable std::mutex mutex_;
  std::vector<HttpRequest> requests_;
  std::thread thread_;
};

// A closed port on 127.0.0.1: nothing listens there.
int ClosedPort();

}  // namespace host::images::test

#endif  // HOST_TESTS_CORE_IMAGES_HTTP_STAND_IN_H_
