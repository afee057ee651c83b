#include "core/cli/publish_command.h"

#include <iostream>

#include "core/cli/call_target.h"
#include "core/cli/cli.h"
#include "core/images/config.h"
#include "core/modules/oci_module_plugin.h"
#include "core/modules/signature.h"
#include "registry/manifest.h"
#include "registry/schema_json.h"

namespace host::cli {
namespace fs = std::filesystem;

namespace {

constexpr char kPublishHelp[] =
    R"(Publish a module to an OCI registry: its files (those git tracks), schema and, for a shared
object module, the binary built for this platform, as one image index.

Usage:
  host [-m DIR] publish oci://REGISTRY/NAMESPACE/NAME:VERSION [--allow-dirty] [--force]
      [--sign KEY]

Options:
  --allow-dirty   Publish although the module's git tree has uncommitted changes
  --force         Move VERSION when the registry holds other content under it
  --sign KEY      Sign the published index's digest with an SSH key (a private key file, or the
                  .pub of a key in ssh-agent) and push the signature as sha256-<digest>.sig
)";

}  // namespace

Result<modules::OciModuleRef> ParsePublishTarget(const std::string& text) {
  if (text.rfind("oci://", 0) != 0) {
    return Status::Usage(
        "publish needs a target like oci://REGISTRY/NAMESPACE/NAME:VERSION, got \"" + text + "\"");
  }
  Result<modules::ModuleRef> ref = modules::ParseModuleRef(text);
  if (!ref.ok()) return ref.status();
  if (!ref->oci.digest.empty() || ref->oci.tag.empty()) {
    return Status::Usage("publish takes a version tag, not a digest: oci://" + ref->oci.registry +
                         "/" + ref->oci.repository + ":VERSION (a tag such as 1.2.0)");
  }
  return ref->oci;
}

int RunPublish(const std::vector<std::string>& args, const GlobalOptions& options) {
  modules::PublishRequest request;
  std::string target;
  std::string sign_key;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--sign") {
      if (i + 1 >= args.size() || args[i + 1].empty()) {
        return Report(Status::Usage("--sign needs an SSH key file\n" + std::string(kPublishHelp)));
      }
      sign_key = args[++i];
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      std::cout << kPublishHelp;
      return 0;
    }
    if (arg == "--allow-dirty") {
      request.allow_dirty = true;
    } else if (arg == "--force") {
      request.force = true;
    } else if (arg.rfind("-", 0) == 0) {
      return Report(Status::Usage("publish has no option " + arg + "\n" + kPublishHelp));
    } else if (!target.empty()) {
      return Report(
          Status::Usage("publish takes one target, got \"" + target + "\" and \"" + arg + "\""));
    } else {
      target = arg;
    }
  }
  if (options.help) {
    std::cout << kPublishHelp;
    return 0;
  }
  if (target.empty())
    return Report(Status::Usage(std::string("publish needs a target\n") + kPublishHelp));
  Result<modules::OciModuleRef> ref = ParsePublishTarget(target);
  if (!ref.ok()) return Report(ref.status());
  request.target = *ref;

  std::error_code ec;
  const fs::path dir =
      fs::absolute(options.module.empty() ? fs::path(".") : fs::path(options.module), ec)
          .lexically_normal();
  Result<Manifest> manifest = LoadManifest(dir / "module.json");
  if (!manifest.ok()) {
    return Report(Status::Usage(manifest.status().message() +
                                "\npublish runs in a module folder, or takes one with -m DIR"));
  }
  request.module_dir = manifest->dir();

  // Loading builds the module when needed and gives its schema.
  RuntimeOptions runtime;
  runtime.progress = options.quiet ? nullptr : &std::cerr;
  std::unique_ptr<CallTarget> engine = LocalTarget(runtime);
  Result<const ModuleInfo*> module = engine->Load(request.module_dir.string());
  if (!module.ok()) return Report(module.status().Prefixed("publish: loading the module: "));
  request.schema_json = SchemaJson(**module, engine->registry());
  if (manifest->command.empty() && fs::is_regular_file(manifest->object_path(), ec)) {
    request.prebuilt = manifest->object_path();
    request.object = manifest->object;
  }

  Result<images::Config> config = images::LoadConfig();
  if (!config.ok()) return Report(config.status());
  Result<const modules::OciModuleOps*> ops = modules::LoadOciModuleOps();
  if (!ops.ok()) return Report(ops.status());
  Result<std::string> published = (*ops)->publish(request, *config, runtime.state_dir);
  if (!published.ok()) return Report(published.status());
  if (!sign_key.empty()) {
    const std::string digest = published->substr(published->rfind('@') + 1);
    Result<std::string> signature = modules::SignDigest(sign_key, digest);
    if (!signature.ok()) {
      return Report(signature.status().Prefixed("publish: " + *published +
                                                " was pushed, but signing it failed: "));
    }
    if (Status s =
            (*ops)->push_signature(request.target, digest, *signature, *config, runtime.state_dir);
        !s.ok()) {
      return Report(s.Prefixed("publish: " + *published + " was pushed, but its signature not: "));
    }
    if (!options.quiet) std::cerr << "host: signed " << digest << " with " << sign_key << "\n";
  }
  std::cout << *published << "\n";
  return 0;
}

}  // namespace host::cli
