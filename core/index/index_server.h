// `host index serve`: an HTTP server for a built index site, which rebuilds the site on a
// schedule and on request while it serves.
#ifndef HOST_INDEX_INDEX_SERVER_H_
#define HOST_INDEX_INDEX_SERVER_H_

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "core/base/status.h"

namespace host::index {

// What to serve, where, and how to rebuild it.
struct ServerOptions {
  std::string listen;                // "127.0.0.1:PORT", "[::1]:PORT", "localhost:PORT"; 0 picks
  std::filesystem::path site_dir;    // the built site (swapped in whole by each build)
  std::function<Status()> rebuild;   // builds the site again; empty: serve only
  std::chrono::seconds interval{0};  // rebuild this often; 0: only on request
  // Requested rebuilds (POST /-/rebuild, which anyone who reaches the server may send, and
  // SIGHUP) start at most this often, so that requests cannot make it crawl without pause.
  std::chrono::seconds min_gap{30};
  std::ostream* log = nullptr;  // one line per build; nothing when null
  int builds_before = 0;        // builds made before the server started (for /-/status)
};

// Serves GET and HEAD of the site's files (a gzip sibling when the client takes one), GET
// /-/status (the builds so far as JSON) and POST /-/rebuild (queues a build; 202). Everything
// else is refused. Files are opened beneath site_dir without following links, per request, so a
// rebuilt site is served from the next request on.
class IndexServer {
 public:
  // Binds the address and starts serving; the error names the address and the reason.
  static Result<std::unique_ptr<IndexServer>> Start(ServerOptions options);
  ~IndexServer();
  IndexServer(const IndexServer&) = delete;
  IndexServer& operator=(const IndexServer&) = delete;

  // "http://HOST:PORT/", with the port bound.
  std::string url() const;

  // Queues a rebuild (coalesced with one already queued).
  void RequestRebuild();

  // The number of builds finished so far (successful or not).
  int builds() const;

  // Stops serving and waits for a running build to finish.
  void Stop();

  struct State;

 private:
  explicit IndexServer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Parses "HOST:PORT" for Start: an IPv4 literal, "[IPv6]" or "localhost", and a port 0-65535.
// The error says what form is expected.
Result<std::pair<std::string, int>> ParseListenAddress(const std::string& text);

}  // namespace host::index

#endif  // HOST_INDEX_INDEX_SERVER_H_
