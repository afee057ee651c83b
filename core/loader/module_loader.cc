#include "core/loader/module_loader.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <vector>

#include "core/base/sha256.h"

namespace host {
namespace {

// Takes ownership of a host-allocated buffer and returns its bytes as a string.
std::string TakeBuffer(const host_api* api, host_buffer* buffer) {
  std::string out;
  if (buffer->data != nullptr) {
    out.assign(reinterpret_cast<const char*>(buffer->data), buffer->size);
    api->free(buffer->data);
  }
  *buffer = {nullptr, 0};
  return out;
}

// The dlerror() text Boost.DLL puts in its exception message.
std::string DlError(const std::string& what) {
  const std::string marker = "dlerror system message: ";
  auto pos = what.find(marker);
  if (pos == std::string::npos) return what;
  std::string text = what.substr(pos + marker.size());
  return text.substr(0, text.rfind(')'));
}

// Adds a file's bytes to sha.
void HashFile(const std::filesystem::path& path, Sha256* sha) {
  std::ifstream in(path, std::ios::binary);
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    sha->Update(chunk, static_cast<size_t>(in.gcount()));
  }
}

// Adds the names and bytes of a module folder's files to sha, in name order. Installed packages,
// build output and version control are left out: the lock files stand for the first.
void HashFolder(const std::filesystem::path& dir, Sha256* sha) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, error);
       it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (error) break;
    const std::string name = it->path().filename().string();
    if (it->is_directory(error) &&
        (name == "node_modules" || name == "build" || name == ".git" || name == "__pycache__")) {
      it.disable_recursion_pending();
    } else if (it->is_regular_file(error)) {
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    sha->UpdateField(file.lexically_relative(dir).generic_string());
    HashFile(file, sha);
  }
}

}  // namespace

std::string ContentDigest(const std::filesystem::path& path) {
  Sha256 sha;
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    HashFolder(path, &sha);
  } else {
    HashFile(path, &sha);
  }
  return sha.Digest();
}

std::unique_ptr<LoadedModule> MakeProcessModule(std::unique_ptr<ModuleConnection> connection,
                                                v1::ModuleDef def, std::string build_info,
                                                std::filesystem::path path, std::string digest) {
  auto module = std::unique_ptr<LoadedModule>(new LoadedModule());
  module->connection_ = std::move(connection);
  module->def_ = std::move(def);
  module->build_info_ = std::move(build_info);
  module->path_ = std::move(path);
  if (!digest.empty()) {
    std::call_once(module->digest_once_, [&] { module->digest_ = std::move(digest); });
  }
  return module;
}

const std::string& LoadedModule::Digest() const {
  std::call_once(digest_once_, [this] {
    Sha256 sha;
    if (path_.empty()) {  // built into the host: its identity is its name and build
      sha.UpdateField(def_.name());
      sha.UpdateField(build_info_);
      digest_ = sha.Digest();
      return;
    }
    digest_ = ContentDigest(path_);
  });
  return digest_;
}

Status Negotiate(LoadedModule* module, host_module_init_fn init, const std::string& file,
                 const host_api* api) {
  host_negotiate io;
  std::memset(&io, 0, sizeof io);
  io.struct_size = sizeof io;
  io.host_abi_min = HOST_ABI_VERSION;
  io.host_abi_max = HOST_ABI_VERSION;
  io.api = api;
  host_status status = init(&io);
  std::string init_error = TakeBuffer(api, &io.error);
  const std::string abi_range =
      std::to_string(io.host_abi_min) +
      (io.host_abi_min == io.host_abi_max ? "" : " to " + std::to_string(io.host_abi_max));
  if (status == HOST_STATUS_UNSUPPORTED ||
      (status == HOST_STATUS_OK &&
       (io.module_abi < io.host_abi_min || io.module_abi > io.host_abi_max))) {
    return Status::Failed("cannot load module " + file + ": it speaks host ABI version " +
                          std::to_string(io.module_abi) + " but this host speaks version " +
                          abi_range + "; rebuild the module against this host's SDK");
  }
  if (status != HOST_STATUS_OK) {
    return Status::Failed("module " + file + " failed to initialize: " +
                          (init_error.empty() ? "status " + std::to_string(status) : init_error));
  }
  if (io.module == nullptr || !HOST_HAS_SLOT(io.module, host_module, invoke) ||
      io.module->describe == nullptr || io.module->invoke == nullptr) {
    return Status::Failed("cannot load module " + file +
                          ": its entry returned no usable function table (describe and invoke "
                          "are required)");
  }
  module->table_ = io.module;
  module->build_info_ = io.build_info ? io.build_info : "unknown toolchain";

  host_buffer def_bytes{nullptr, 0};
  host_buffer error{nullptr, 0};
  status = module->table_->describe(&def_bytes, &error);
  std::string def_text = TakeBuffer(api, &def_bytes);
  std::string describe_error = TakeBuffer(api, &error);
  if (status != HOST_STATUS_OK) {
    return Status::Failed(
        "module " + file + " failed to describe itself: " +
        (describe_error.empty() ? "status " + std::to_string(status) : describe_error));
  }
  if (!module->def_.ParseFromString(def_text)) {
    return Status::Failed("module " + file +
                          " described itself with bytes that are not a host.v1.ModuleDef");
  }
  if (io.module_name != nullptr && module->def_.name() != io.module_name) {
    return Status::Failed("module " + file + " calls itself '" + io.module_name +
                          "' at negotiation but '" + module->def_.name() + "' in its schema");
  }
  return {};
}

Result<std::unique_ptr<LoadedModule>> LoadBuiltinModule(host_module_init_fn init,
                                                        const host_api* api) {
  auto module = std::unique_ptr<LoadedModule>(new LoadedModule());
  if (Status s = Negotiate(module.get(), init, "(built-in)", api); !s.ok()) return s;
  return module;
}

Result<std::unique_ptr<LoadedModule>> LoadSharedModule(const std::filesystem::path& path,
                                                       const host_api* api) {
  const std::string file = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::Failed("cannot load module " + file +
                          ": the file does not exist; build the module or correct the path");
  }
  auto module = std::unique_ptr<LoadedModule>(new LoadedModule());
  module->path_ = std::filesystem::absolute(path, ec);
  if (ec) return Status::Failed("cannot load module " + file + ": " + ec.message());
  try {
    // RTLD_NODELETE: a module is never unloaded, so values and tables it handed out stay valid
    // for the whole process even after the engine that loaded it is gone.
    module->library_.load(module->path_, static_cast<boost::dll::load_mode::type>(
                                             RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE));
  } catch (const std::exception& e) {
    return Status::Failed("cannot load module " + file + ": it is not a loadable shared object (" +
                          DlError(e.what()) +
                          "); rebuild it as a shared library for this platform");
  }
  if (!module->library_.has(HOST_ENTRY_SYMBOL)) {
    return Status::Failed("cannot load module " + file + ": it does not export " +
                          HOST_ENTRY_SYMBOL +
                          "; build it with the host SDK (HOST_MODULE in C++, HOSTC_MODULE in C)");
  }
  auto init = module->library_.get<host_status(host_negotiate*)>(HOST_ENTRY_SYMBOL);
  if (Status s = Negotiate(module.get(), init, file, api); !s.ok()) return s;
  return module;
}

}  // namespace host
