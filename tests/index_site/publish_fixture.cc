// Publishes a module folder with a given schema JSON, for the index site's tests: the way to put
// an older version with a smaller API beside one `host publish` made, and modules whose schema or
// README is hostile, without building a module for each.
// Usage: index_publish_fixture MODULE_DIR oci://REGISTRY/REPO:TAG SCHEMA_JSON_FILE [--binary]
//   --binary  also publish module.json's "object" as this platform's prebuilt binary
#include <fstream>
#include <iostream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "core/images/config.h"
#include "core/images/registry_client.h"
#include "core/modules/module_ref.h"
#include "core/modules/oci_module.h"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc < 4) {
    std::cerr << "usage: " << argv[0]
              << " MODULE_DIR oci://REGISTRY/REPO:TAG SCHEMA_JSON_FILE [--binary]\n";
    return 2;
  }
  host::modules::PublishRequest request;
  request.module_dir = fs::absolute(argv[1]);
  host::Result<host::modules::ModuleRef> ref = host::modules::ParseModuleRef(argv[2]);
  if (!ref.ok()) {
    std::cerr << ref.status().message() << "\n";
    return 2;
  }
  request.target = ref->oci;
  std::ifstream schema(argv[3]);
  request.schema_json.assign(std::istreambuf_iterator<char>(schema), {});
  request.allow_dirty = true;
  if (argc > 4 && std::string(argv[4]) == "--binary") {
    std::ifstream manifest_file(request.module_dir / "module.json");
    const nlohmann::json manifest = nlohmann::json::parse(manifest_file, nullptr, false);
    request.object = manifest.value("object", "");
    request.prebuilt = request.module_dir / request.object;
  }
  host::Result<host::images::Config> config = host::images::LoadConfig();
  if (!config.ok()) {
    std::cerr << config.status().message() << "\n";
    return 1;
  }
  host::images::RegistryClient client(*config);
  host::Result<std::string> published = host::modules::PublishModule(request, client);
  if (!published.ok()) {
    std::cerr << published.status().message() << "\n";
    return 1;
  }
  std::cout << *published << "\n";
  return 0;
}
