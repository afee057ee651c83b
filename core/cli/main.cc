// The host executable.
#include <exception>
#include <iostream>

#include "core/cli/cli.h"

int main(int argc, char** argv) {
  // Errors are values everywhere below; this only keeps a bug from ending in an abort and a core
  // dump instead of a message.
  try {
    return host::cli::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "host: internal error: " << e.what() << "; please report it" << std::endl;
  } catch (...) {
    std::cerr << "host: internal error: an unknown exception; please report it" << std::endl;
  }
  return 1;
}
