// Where host is installed: the folder holding bin/, lib/host/ and share/host/, found from the
// running program or from the shared library the runtime was loaded from.
#ifndef HOST_BASE_INSTALL_PREFIX_H_
#define HOST_BASE_INSTALL_PREFIX_H_

#include <filesystem>

namespace host {

// The install prefix: $HOST_PREFIX when set; else, when the runtime is a shared library
// (<prefix>/lib/libhost.so), the folder above the library's; else the folder above the running
// executable's (<prefix>/bin/host, or the build tree's bin/).
std::filesystem::path InstallPrefix();

// The folder of the running executable.
std::filesystem::path ExecutableDir();

}  // namespace host

#endif  // HOST_BASE_INSTALL_PREFIX_H_
