// `host serve` under load: 8 clients on loopback tcp, each on its own channel, run the chain
// `semver(version: 1.4.2).next(commits: ["feat: x"]).tag` as one Call request, back to back.
// Figures: at least 1,000 chains per second with no error, and the server's memory flat (RSS at
// the end at most 10% above RSS after warm-up). The server's RSS is sampled every few seconds and
// the curve printed, with whether it levels off: the highest RSS of the last third of the run at
// most 2% (and 256 KiB) above the highest of the second third, a figure for runs of 5 minutes or
// more. bench/soak.sh runs it for 10 minutes. Usage: serve_bench [SECONDS [SAMPLE_SECONDS]]
// (defaults 60 and 10).
#include <grpcpp/grpcpp.h>

#include <algorithm>
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
// Levelled off: the last third's peak at most this much above the second third's.
constexpr double kMaxLateGrowth = 0.02;
constexpr long kLateSlackKib = 256;
// Levelling off is judged only in runs this long: the allocator's heap grows for a few minutes.
constexpr int kMinLevelSeconds = 300;
constexpr char kToken[] = "bench-token";

// A number from the server's /proc status: "VmRSS:" (KiB), "Threads:"; -1 when missing.
long ProcStatus(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) return std::strtol(line.c_str() + field.size(), nullptr, 10);
  }
  return -1;
}

// The server's resident memory in KiB.
long RssKib(pid_t pid) { return ProcStatus(pid, "VmRSS:"); }

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

// One RSS sample: seconds since measuring started, and KiB.
struct Sample {
  double seconds;
  long rss_kib;
};

// The highest RSS among samples taken in [from, to) seconds.
long PeakBetween(const std::vector<Sample>& samples, double from, double to) {
  long peak = 0;
  for (const auto& sample : samples) {
    if (sample.seconds >= from && sample.seconds < to) peak = std::max(peak, sample.rss_kib);
  }
  return peak;
}

// Growth in KiB per minute over the last third of the run (least squares).
double LateSlopeKibPerMinute(const std::vector<Sample>& samples, double seconds) {
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& sample : samples) {
    if (sample.seconds < 2 * seconds / 3) continue;
    n += 1;
    sx += sample.seconds;
    sy += static_cast<double>(sample.rss_kib);
    sxx += sample.seconds * sample.seconds;
    sxy += sample.seconds * static_cast<double>(sample.rss_kib);
  }
  const double denominator = n * sxx - sx * sx;
  return n < 2 || denominator == 0 ? 0 : 60 * (n * sxy - sx * sy) / denominator;
}

}  // namespace

int main(int argc, char** argv) {
  const int seconds = std::max(argc > 1 ? std::atoi(argv[1]) : 60, 3);
  const int sample_seconds = std::max(argc > 2 ? std::atoi(argv[2]) : 10, 1);
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
  std::vector<Sample> samples = {{0, rss_start}};
  for (int s = sample_seconds; s < seconds; s += sample_seconds) {
    std::this_thread::sleep_until(start + std::chrono::seconds(s));
    samples.push_back({static_cast<double>(s), RssKib(server.pid())});
    std::printf("serve_bench: after %ds, server RSS %ld KiB, %ld threads, %ld calls\n", s,
                samples.back().rss_kib, ProcStatus(server.pid(), "Threads:"), calls.load());
    std::fflush(stdout);
  }
  std::this_thread::sleep_until(start + std::chrono::seconds(seconds));
  measuring = false;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const long rss_end = RssKib(server.pid());
  samples.push_back({elapsed, rss_end});
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
  const long middle_peak = PeakBetween(samples, elapsed / 3, 2 * elapsed / 3);
  const long late_peak = PeakBetween(samples, 2 * elapsed / 3, elapsed + 1);
  const bool levelled =
      late_peak <=
      std::max(static_cast<long>(static_cast<double>(middle_peak) * (1 + kMaxLateGrowth)),
               middle_peak + kLateSlackKib);
  std::printf(
      "serve_bench: RSS peak %ld KiB in the second third, %ld KiB in the last third; growth over "
      "the last third %.1f KiB/min; %s\n",
      middle_peak, late_peak, LateSlopeKibPerMinute(samples, elapsed),
      seconds < kMinLevelSeconds ? "too short a run to tell whether it levels off"
      : levelled                 ? "levels off"
                                 : "STILL GROWING");
  const bool level_ok = levelled || seconds < kMinLevelSeconds;
  return rate >= kMinCallsPerSecond && errors == 0 && flat && level_ok ? 0 : 1;
}
