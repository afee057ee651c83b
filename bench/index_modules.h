// Published modules for the module index benchmarks: synthetic module folders (module.json, a
// README, a schema JSON with a few functions) published to a registry through PublishModule.
#ifndef HOST_BENCH_INDEX_MODULES_H_
#define HOST_BENCH_INDEX_MODULES_H_

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/modules/oci_module.h"

namespace host::bench {

// The schema JSON of synthetic module name at version: a main object with four functions.
inline std::string SyntheticSchema(const std::string& name, int version) {
  nlohmann::json functions = nlohmann::json::array();
  for (const char* function : {"preview", "up", "destroy", "refresh"}) {
    functions.push_back({{"name", function},
                         {"cli_name", function},
                         {"description", std::string("Runs ") + function + " on a stack."},
                         {"args", nlohmann::json::array({{{"name", "stack"},
                                                          {"cli_name", "stack"},
                                                          {"description", "The stack."},
                                                          {"type", "String"}}})},
                         {"returns", "String"}});
  }
  return nlohmann::json{
      {"name", name},
      {"version", "1." + std::to_string(version) + ".0"},
      {"description", "Synthetic module " + name + " for the index benchmark."},
      {"main_object", "Main"},
      {"objects",
       nlohmann::json::array(
           {{{"name", "Main"}, {"description", "The module."}, {"functions", functions}}})}}
      .dump();
}

// Publishes modules x versions synthetic modules to address/namespace_name/mNNN:1.V.0 (folders
// under root, `parallel` publishes at a time). Returns "" or what failed.
inline std::string PublishSyntheticModules(const std::string& address,
                                           const std::string& namespace_name,
                                           const std::filesystem::path& root, int modules,
                                           int versions, int parallel = 4) {
  namespace fs = std::filesystem;
  std::atomic<int> next{0};
  std::mutex mutex;
  std::string failure;
  auto work = [&] {
    host::images::RegistryClient client{host::images::Config{}};
    for (int job = next++; job < modules * versions; job = next++) {
      const int module = job / versions, version = job % versions;
      char name[16];
      std::snprintf(name, sizeof(name), "m%03d", module);
      const fs::path dir = root / name / std::to_string(version);
      fs::create_directories(dir);
      std::ofstream(dir / "module.json") << R"({"name": ")" << name << R"(", "sdk": "c"})";
      std::ofstream(dir / "README.md")
          << "# " << name << "\n\nVersion 1." << version << ".0 of a synthetic module.\n";
      std::ofstream(dir / "main.c") << "int version(void) { return " << version << "; }\n";
      host::modules::PublishRequest request;
      request.module_dir = dir;
      request.target.registry = address;
      request.target.repository = namespace_name + "/" + name;
      request.target.tag = "1." + std::to_string(version) + ".0";
      request.schema_json = SyntheticSchema(name, version);
      request.licenses = "MIT";
      request.allow_dirty = true;
      host::Result<std::string> published = host::modules::PublishModule(request, client);
      if (!published.ok()) {
        std::lock_guard<std::mutex> lock(mutex);
        if (failure.empty()) failure = published.status().message();
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < parallel; ++i) threads.emplace_back(work);
  for (std::thread& thread : threads) thread.join();
  return failure;
}

}  // namespace host::bench

#endif  // HOST_BENCH_INDEX_MODULES_H_
