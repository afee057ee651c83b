// The host command line: parses arguments, runs a command, maps errors to exit codes.
#ifndef HOST_CLI_CLI_H_
#define HOST_CLI_CLI_H_

#include "core/base/status.h"

namespace host::cli {

// Runs the host command; returns its exit code (0 success, 1 failure, 2 usage error).
int Main(int argc, char** argv);

// Prints an error to stderr and returns its exit code.
int Report(const Status& status);

}  // namespace host::cli

#endif  // HOST_CLI_CLI_H_
