// Warnings about the state folder (a corrupt cache entry found and replaced) on standard error,
// where progress goes, from any layer, without a logger to pass around.
#ifndef HOST_BASE_WARNING_H_
#define HOST_BASE_WARNING_H_

#include <string_view>

namespace host {

// Writes "host: warning: <text>" as one line to standard error, in one write so that lines of
// concurrent threads and processes do not mix.
void Warn(std::string_view text);

}  // namespace host

#endif  // HOST_BASE_WARNING_H_
