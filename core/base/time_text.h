// Times as text, the way files and documents written by host show them.
#ifndef HOST_BASE_TIME_TEXT_H_
#define HOST_BASE_TIME_TEXT_H_

#include <chrono>
#include <string>

namespace host {

// at as RFC 3339 in UTC, to the second: "2026-12-07T13:00:00Z".
std::string Rfc3339Utc(std::chrono::system_clock::time_point at = std::chrono::system_clock::now());

}  // namespace host

#endif  // HOST_BASE_TIME_TEXT_H_
