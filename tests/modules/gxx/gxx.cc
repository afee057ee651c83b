// Test module compiled by g++ (libstdc++). It calls a plain-C module and a clang/libc++ module
// through their generated typed clients, and has functions that fail in the ways a module can.
#include <host/module.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "deps/cmod.h"
#include "deps/lcxx.h"
#include "host/core.h"

namespace {
// Counts runs of the tick functions, so tests see whether a call ran or was reused.
std::atomic<int64_t> ticks{0};

// Takes long enough that the engine keeps a persistent result.
int64_t SlowTick() {
  std::this_thread::sleep_for(std::chrono::milliseconds(3));
  return ++ticks;
}
}  // namespace

// The main object.
struct Gxx {
  std::string prefix = "gxx";

  std::string echo(const std::string& a, const std::string& b, const std::string& c) const {
    return a + b + c;
  }
  std::string greet(const std::string& name) const {
    return deps::lcxx().brackets(deps::cmod().shout(name));
  }
  std::string relay(const std::string& text) const { return deps::cmod().relay(text); }
  std::string shout_twice(const std::string& text) const { return deps::lcxx().shout_twice(text); }
  int64_t count(const std::vector<std::string>& items) const { return deps::cmod().count(items); }
  double scale(double value, std::optional<double> factor) const {
    return deps::cmod().scale(value, factor);
  }
  std::string join(const std::vector<std::string>& items) const {
    return deps::lcxx().join(items, std::string("+"));
  }
  Gxx with_prefix(const std::string& p) const {
    Gxx copy = *this;
    copy.prefix = p;
    return copy;
  }
  std::string label(const std::string& text) const { return prefix + ":" + text; }
  std::string fail(const std::string& message) const { throw std::runtime_error(message); }
  // Core types through the SDK: a container from an image, and a directory argument.
  std::string container_echo(const std::string& address, const std::string& text) const {
    return host::core()
        .container()
        .from(address)
        .with_env_variable("X", text)
        .with_exec({"sh", "-c", "echo $X"})
        .stdout();
  }
  int64_t count_files(const host::Directory& dir) const {
    return static_cast<int64_t>(dir.glob("**/*").size());
  }
  // Run counters under each cache policy.
  int64_t slow_tick(const std::string&) const { return SlowTick(); }
  int64_t fast_tick(const std::string&) const { return ++ticks; }
  int64_t session_tick(const std::string&) const { return ++ticks; }
  int64_t never_tick(const std::string&) const { return SlowTick(); }
  int64_t dir_tick(const host::Directory&) const { return SlowTick(); }
  // A core object made in the function and returned: callers chain on it.
  host::Directory subdir(const host::Directory& dir, const std::string& path) const {
    return dir.directory(path);
  }
  std::string call_missing() const { return deps::cmod().shout(""); }
  // Writes a log line and returns the text.
  std::string note(const std::string& text) const {
    host::log("note: " + text);
    return text;
  }
  // Calls itself `depth` more times through the graph, for the nesting limit.
  int64_t descend(int64_t depth) const {
    if (depth <= 0) return 0;
    return 1 + host::client::Call("gxx", "Gxx", "descend").arg("depth", depth - 1).Run<int64_t>();
  }
  // For out-of-process tests: a module process that dies, and one that hangs.
  std::string crash() const { std::abort(); }
  int64_t nap(int64_t ms) const {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    return ms;
  }
};

HOST_MODULE("gxx", m) {
  m.description("Test module built by g++; calls the C and libc++ modules.");
  m.object<Gxx>("Gxx", "The main object.")
      .field("prefix", &Gxx::prefix, "Put before labels.")
      .function("echo", &Gxx::echo, "Concatenates three strings.",
                {host::arg("a"), host::arg("b"), host::arg("c")})
      .function("greet", &Gxx::greet, "Shouts a name (C module) in brackets (libc++ module).",
                {host::arg("name")})
      .function("relay", &Gxx::relay, "C module relays to the libc++ module.", {host::arg("text")})
      .function("shout_twice", &Gxx::shout_twice, "libc++ module calls the C module twice.",
                {host::arg("text")})
      .function("count", &Gxx::count, "Counts items in the C module.", {host::arg("items")})
      .function("scale", &Gxx::scale, "Scales in the C module, its default factor if none.",
                {host::arg("value"), host::arg("factor")})
      .function("join", &Gxx::join, "Joins with '+' in the libc++ module.", {host::arg("items")})
      .function("with_prefix", &Gxx::with_prefix, "Sets the prefix.", {host::arg("p")})
      .function("label", &Gxx::label, "Prefixes a text.", {host::arg("text")})
      .function("fail", &Gxx::fail, "Throws an exception with the message.", {host::arg("message")},
                host::Cache::kNever)
      .function("container_echo", &Gxx::container_echo, "Echoes text from a container.",
                {host::arg("address"), host::arg("text")})
      .function("slow_tick", &Gxx::slow_tick, "Counts runs; takes 3 ms (persistent).",
                {host::arg("tag")})
      .function("fast_tick", &Gxx::fast_tick, "Counts runs; instant (persistent).",
                {host::arg("tag")})
      .function("session_tick", &Gxx::session_tick, "Counts runs (session).", {host::arg("tag")},
                host::Cache::kSession)
      .function("never_tick", &Gxx::never_tick, "Counts runs; takes 3 ms (never cached).",
                {host::arg("tag")}, host::Cache::kNever)
      .function("dir_tick", &Gxx::dir_tick, "Counts runs; takes 3 ms (persistent, by content).",
                {host::arg("dir")})
      .function("subdir", &Gxx::subdir, "The folder at path in dir.",
                {host::arg("dir"), host::arg("path")}, host::Cache::kNever)
      .function("count_files", &Gxx::count_files, "Counts the entries of a directory tree.",
                {host::arg("dir")})
      .function("note", &Gxx::note, "Logs a text and returns it.", {host::arg("text")},
                host::Cache::kNever)
      .function("descend", &Gxx::descend, "Calls itself depth more times.", {host::arg("depth")},
                host::Cache::kNever)
      .function("crash", &Gxx::crash, "Aborts the process (run it isolated).", {},
                host::Cache::kNever)
      .function("nap", &Gxx::nap, "Sleeps for ms milliseconds.", {host::arg("ms")},
                host::Cache::kNever);
}
