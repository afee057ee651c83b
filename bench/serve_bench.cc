// `host serve` under load: 8 clients on loopback tcp, each on its own channel, run the chain
// `semver(version: 1.4.2).next(commits: ["feat: x"]).tag` as one Call request, back to back.
// Figures: at least 1,000 chains per second with no error, and the server's memory flat (RSS at
// the end at most 10% above RSS after warm-up). Usage: serve_bench [SECONDS] (default 60).
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "host/v1/engine.grpc.pb.h"
#include "host/v1/wire.pb.h"
#include "tests/support/serve_process.h"

namespace {

constexpr int kClients = 8;
constexpr double kMinCallsPerSecond = 1000;
constexpr double kMaxRssGrowth = 0.10;
constexpr char kToken[] = "bench-token";

// The server's resident memory in KiB, from /proc.
long RssKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

// One step of the chain, as the CLI builds it.
host::v1::Step Step(const std::string& function, const std::string& arg, bool list,
                    const std::string& text, bool on_previous) {
  host::v1::Call call;
  call.set_module("semver");
  call.set_object("Semver");
  call.set_function(function);
  if (!arg.empty()) {
    auto* named = call.add_args();
    named->set_name(arg);
    if (list) {
      named->mutable_value()->mutable_list_value()->add_items()->set_string_value(text);
    } else {
      named->mutable_value()->set_string_value(text);
    }
  }
  host::v1::Step step;
  step.set_call(call.SerializeAsString());
  step.set_on_previous(on_previous);
  return step;
}

}  // namespace

int main(int argc, char** argv) {
  const int seconds = argc > 1 ? std::atoi(argv[1]) : 60;
  char dir_pattern[] = "/tmp/host-serve-bench-XXXXXX";
  const std::string dir = mkdtemp(dir_pattern);
  host::test::ServeProcess server(
      HOST_BINARY, {"--quiet", "--listen", "tcp://127.0.0.1:0"},
      {"HOST_SERVE_TOKEN=" + std::string(kToken), "HOST_STATE_DIR=" + dir + "/state"},
      dir + "/serve.log");
  if (server.address().empty()) {
    std::fprintf(stderr, "serve_bench: host serve did not start:\n%s", server.log().c_str());
    return 1;
  }
  const std::string target = server.address().substr(6);
  host::v1::CallRequest chain;
  *chain.add_steps() = Step("", "version", false, "1.4.2", false);
  *chain.add_steps() = Step("next", "commits", true, "feat: x", true);
  *chain.add_steps() = Step("tag", "", false, "", true);

  std::atomic<bool> measuring{false}, stop{false};
  std::atomic<long> calls{0}, errors{0};
  std::string first_error;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      grpc::ChannelArguments args;
      args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection of its own per client
      auto stub = host::v1::Engine::NewStub(
          grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
      if (c == 0) {
        grpc::ClientContext context;
        context.AddMetadata("authorization", std::string("Bearer ") + kToken);
        host::v1::LoadRequest load;
        load.set_ref("semver");
        host::v1::LoadResponse loaded;
        stub->Load(&context, load, &loaded);
      }
      while (!stop) {
        grpc::ClientContext context;
        context.AddMetadata("authorization", std::string("Bearer ") + kToken);
        host::v1::CallResponse response;
        grpc::Status status = stub->Call(&context, chain, &response);
        bool good = status.ok() && response.has_value();
        if (good) {
          host::v1::Value value;
          good = value.ParseFromString(response.value()) && value.string_value() == "v1.5.0";
        }
        if (!measuring) continue;
        calls += good ? 1 : 0;
        if (!good && errors++ == 0) {
          first_error = status.ok() ? response.failure().message() : status.error_message();
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(3));  // warm-up: load, connect, caches
  const long rss_start = RssKib(server.pid());
  measuring = true;
  auto start = std::chrono::steady_clock::now();
  for (int s = 10; s < seconds; s += 10) {
    std::this_thread::sleep_for(std::chrono::seconds(10));
    std::printf("serve_bench: after %ds, server RSS %ld KiB\n", s, RssKib(server.pid()));
    std::fflush(stdout);
  }
  std::this_thread::sleep_until(start + std::chrono::seconds(seconds));
  measuring = false;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const long rss_end = RssKib(server.pid());
  stop = true;
  for (auto& client : clients) client.join();
  server.Stop();
  std::system(("rm -rf " + dir).c_str());

  const double rate = static_cast<double>(calls) / elapsed;
  const bool flat =
      rss_end <= static_cast<long>(static_cast<double>(rss_start) * (1 + kMaxRssGrowth));
  std::printf(
      "serve_bench: %d clients, %.0f s: %.0f chained calls/s (limit >= %.0f), %ld errors; server "
      "RSS %ld KiB at start, %ld KiB at end (limit +%.0f%%)\n",
      kClients, elapsed, rate, kMinCallsPerSecond, errors.load(), rss_start, rss_end,
      kMaxRssGrowth * 100);
  if (errors > 0) std::printf("serve_bench: first error: %s\n", first_error.c_str());
  return rate >= kMinCallsPerSecond && errors == 0 && flat ? 0 : 1;
}
