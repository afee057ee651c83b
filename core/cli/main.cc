// The host executable.
#include "core/cli/cli.h"

int main(int argc, char** argv) { return host::cli::Main(argc, argv); }
