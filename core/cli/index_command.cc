#include "core/cli/index_command.h"

#include <iostream>

#include "core/cli/cli.h"
#include "core/images/config.h"
#include "core/index/index_plugin.h"
#include "core/types/state_dir.h"
#include "registry/type_registry.h"

namespace host::cli {
namespace fs = std::filesystem;

namespace {

constexpr char kIndexHelp[] =
    R"(Build and serve the module index: a static web site listing the modules published to OCI
registries, their versions, API reference, README, platforms and signatures.

Usage:
  host index build --registry REGISTRY[/NAMESPACE] ... [--out DIR] [--title TEXT]
  host index serve --listen HOST:PORT [--registry REGISTRY[/NAMESPACE] ...] [--out DIR]
      [--interval DURATION] [--title TEXT]

Options:
  --registry R   A registry to crawl (repeatable); with /NAMESPACE only repositories under it.
                 Only published module artifacts with semver tags (1.2.0, v1.2.0) are listed.
  --out DIR      The site folder, replaced whole by each build (build: ./index-site; serve:
                 the state folder's index/site with --registry, else ./index-site)
  --title TEXT   The site's title (default: host modules)
  --listen A     serve: 127.0.0.1:PORT, [::1]:PORT or localhost:PORT (port 0 picks one; the
                 URL is printed on stdout)
  --interval D   serve: rebuild this often (30s, 10m, 1h; 0: only on request; default 10m).
                 POST /-/rebuild or SIGHUP also rebuilds; GET /-/status tells the builds.
)";

// The value after args[*i], or a usage error naming the option.
Result<std::string> Value(const std::vector<std::string>& args, size_t* i) {
  if (*i + 1 >= args.size() || args[*i + 1].empty()) {
    return Status::Usage(args[*i] + " needs a value\n" + kIndexHelp);
  }
  return args[++*i];
}

}  // namespace

int RunIndex(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    (args.empty() ? std::cerr : std::cout) << kIndexHelp;
    return args.empty() ? 2 : 0;
  }
  const std::string& verb = args[0];
  if (verb != "build" && verb != "serve") {
    return Report(Status::Usage("index has no command '" + verb + "'" +
                                DidYouMean(verb, {"build", "serve"}) + "\n" + kIndexHelp));
  }
  index::ServeRequest request;
  request.interval = std::chrono::minutes(10);
  std::string out;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kIndexHelp;
      return 0;
    }
    const bool serve_only = arg == "--listen" || arg == "--interval";
    if (serve_only && verb != "serve") {
      return Report(Status::Usage(arg + " is an option of index serve, not of index " + verb));
    }
    if (arg != "--registry" && arg != "--out" && arg != "--title" && !serve_only) {
      return Report(Status::Usage("index " + verb + " has no option " + arg + "\n" + kIndexHelp));
    }
    Result<std::string> value = Value(args, &i);
    if (!value.ok()) return Report(value.status());
    if (arg == "--registry") {
      std::string registry = *value;
      for (const char* scheme : {"oci://", "https://", "http://"}) {
        if (registry.rfind(scheme, 0) == 0) registry = registry.substr(std::string(scheme).size());
      }
      while (!registry.empty() && registry.back() == '/') registry.pop_back();
      if (registry.empty()) return Report(Status::Usage("--registry needs REGISTRY[/NAMESPACE]"));
      request.build.registries.push_back(registry);
    } else if (arg == "--out") {
      out = *value;
    } else if (arg == "--title") {
      request.build.title = *value;
    } else if (arg == "--listen") {
      request.listen = *value;
    } else {
      Result<std::chrono::seconds> interval = images::ParseDuration(*value);
      if (!interval.ok()) return Report(interval.status().Prefixed("--interval: "));
      request.interval = *interval;
    }
  }
  request.build.state_dir = DefaultStateDir();
  if (!out.empty()) {
    request.build.out_dir = fs::absolute(out);
  } else if (verb == "serve" && !request.build.registries.empty()) {
    request.build.out_dir = request.build.state_dir / "index" / "site";
  } else {
    request.build.out_dir = fs::absolute("index-site");
  }
  if (verb == "build" && request.build.registries.empty()) {
    return Report(Status::Usage("index build needs at least one --registry REGISTRY[/NAMESPACE]\n" +
                                std::string(kIndexHelp)));
  }
  if (verb == "serve" && request.listen.empty()) {
    return Report(Status::Usage("index serve needs --listen HOST:PORT (e.g. 127.0.0.1:8080)"));
  }
  Result<images::Config> config = images::LoadConfig();
  if (!config.ok()) return Report(config.status());
  Result<const index::IndexOps*> ops = index::LoadIndexOps();
  if (!ops.ok()) return Report(ops.status());
  if (verb == "build") {
    Result<index::BuildSummary> built = (*ops)->build(request.build, *config);
    if (!built.ok()) return Report(built.status().Prefixed("index build: "));
    for (const auto& problem : built->problems) std::cerr << "host: warning: " << problem << "\n";
    std::cerr << "host: index of " << built->modules << " modules, " << built->versions
              << " versions written in " << built->took.count() << " ms\n";
    std::cout << request.build.out_dir.string() << "\n";
    return 0;
  }
  request.out = &std::cout;
  request.log = &std::cerr;
  Status served = (*ops)->serve(request, *config);
  if (!served.ok()) return Report(served.Prefixed("index serve: "));
  return 0;
}

}  // namespace host::cli
