#include "core/cli/yank_command.h"

#include <iostream>

#include "core/cli/cli.h"
#include "core/engine/engine.h"
#include "core/images/config.h"
#include "core/modules/module_ref.h"
#include "core/modules/oci_module_plugin.h"

namespace host::cli {
namespace {

constexpr size_t kMaxReasonBytes = 1000;

constexpr char kYankHelp[] =
    R"(Mark a published module version yanked, so that the module index shows it as such with the
reason, or restore it. The version stays fetchable: lock files that pin it keep working.

Usage:
  host yank oci://REGISTRY/NAMESPACE/NAME:VERSION --reason TEXT
  host yank --undo oci://REGISTRY/NAMESPACE/NAME:VERSION

Options:
  --reason TEXT   Why the version should not be used (at most 1,000 characters; required)
  --undo          Restore a yanked version
)";

}  // namespace

int RunYank(const std::vector<std::string>& args, const GlobalOptions& options) {
  std::string target;
  std::string reason;
  bool has_reason = false;
  bool undo = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kYankHelp;
      return 0;
    }
    if (arg == "--reason") {
      if (i + 1 >= args.size()) {
        return Report(Status::Usage("--reason needs a text\n" + std::string(kYankHelp)));
      }
      reason = args[++i];
      has_reason = true;
    } else if (arg.rfind("--reason=", 0) == 0) {
      reason = arg.substr(9);
      has_reason = true;
    } else if (arg == "--undo") {
      undo = true;
    } else if (arg.rfind("-", 0) == 0) {
      return Report(Status::Usage("yank has no option " + arg + "\n" + kYankHelp));
    } else if (!target.empty()) {
      return Report(
          Status::Usage("yank takes one version, got \"" + target + "\" and \"" + arg + "\""));
    } else {
      target = arg;
    }
  }
  if (options.help) {
    std::cout << kYankHelp;
    return 0;
  }
  if (target.empty()) {
    return Report(Status::Usage(std::string("yank needs a version\n") + kYankHelp));
  }
  if (target.rfind("oci://", 0) != 0) {
    return Report(Status::Usage("yank needs a published version like " +
                                std::string("oci://REGISTRY/NAMESPACE/NAME:VERSION, got \"") +
                                target + "\""));
  }
  if (undo && has_reason) {
    return Report(Status::Usage("--undo restores a version and takes no --reason"));
  }
  if (!undo && (!has_reason || reason.find_first_not_of(" \t\r\n") == std::string::npos)) {
    return Report(Status::Usage("yank needs --reason TEXT: say why " + target +
                                " should not be used\n" + kYankHelp));
  }
  if (reason.size() > kMaxReasonBytes) {
    return Report(Status::Usage("the reason is at most " + std::to_string(kMaxReasonBytes) +
                                " characters, got " + std::to_string(reason.size())));
  }
  Result<modules::ModuleRef> ref = modules::ParseModuleRef(target);
  if (!ref.ok()) return Report(ref.status());
  if (ref->oci.tag.empty() && ref->oci.digest.empty()) {
    return Report(Status::Usage("yank needs the version: " + target + ":VERSION"));
  }

  Result<images::Config> config = images::LoadConfig();
  if (!config.ok()) return Report(config.status());
  Result<const modules::OciModuleOps*> ops = modules::LoadOciModuleOps();
  if (!ops.ok()) return Report(ops.status());
  const RuntimeOptions runtime;  // for the state folder, as publish uses it
  Result<std::string> digest =
      (*ops)->push_yank(ref->oci, !undo, reason, *config, runtime.state_dir);
  if (!digest.ok()) return Report(digest.status());
  const std::string name = ref->oci.registry + "/" + ref->oci.repository;
  std::cout << (undo ? "restored " : "yanked ") << name
            << (ref->oci.tag.empty() ? "" : ":" + ref->oci.tag) << "@" << *digest << "\n";
  return 0;
}

}  // namespace host::cli
