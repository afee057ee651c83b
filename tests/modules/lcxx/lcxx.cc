// lcxx: a module in C++17 built by clang++ against libc++. No C++ type crosses the ABI: the module
// speaks it through the C SDK, so it loads beside a host built by g++ against libstdc++.
#include <exception>
#include <stdexcept>
#include <string>

#include "host/module_c.h"

namespace {

// Runs Body and turns any exception into a failed call: exceptions must not unwind into the C SDK.
template <host_status (*Body)(hostc_call*)>
host_status Guarded(hostc_call* call) noexcept {
  try {
    return Body(call);
  } catch (const std::exception& e) {
    return hostc_fail(call, "%s", e.what());
  } catch (...) {
    return hostc_fail(call, "unknown C++ exception");
  }
}

// The String argument name; throws when it is absent.
std::string StringArg(hostc_call* call, const char* name) {
  const char* text = hostc_arg_string(call, name);
  if (text == nullptr) {
    throw std::invalid_argument(std::string("missing String argument ") + name);
  }
  return text;
}

// Calls cmod's shout through the host; throws with the host's message when it fails.
std::string Shout(hostc_call* call, const std::string& text) {
  hostc_request* request = hostc_request_new(call, "cmod", "Cmod", "shout");
  hostc_request_string(request, "text", text.c_str());
  const hostc_value* result = nullptr;
  if (hostc_request_send(request, &result) != HOST_STATUS_OK) {
    throw std::runtime_error(hostc_request_error(request));
  }
  const char* shouted = hostc_value_string(result);
  if (shouted == nullptr) {
    throw std::runtime_error("cmod.shout returned something other than a String");
  }
  return shouted;
}

host_status Brackets(hostc_call* call) {
  std::string bracketed = "[" + StringArg(call, "text") + "]";
  return hostc_return_string(call, bracketed.c_str());
}

host_status Join(hostc_call* call) {
  const hostc_value* items = hostc_arg_value(call, "items");
  std::string separator = StringArg(call, "sep");
  std::string joined;
  for (size_t i = 0; i < hostc_value_list_size(items); ++i) {
    const char* item = hostc_value_string(hostc_value_list_item(items, i));
    if (i > 0) {
      joined += separator;
    }
    joined += item != nullptr ? item : "";
  }
  return hostc_return_string(call, joined.c_str());
}

host_status ShoutTwice(hostc_call* call) {
  std::string twice = Shout(call, Shout(call, StringArg(call, "text")));
  return hostc_return_string(call, twice.c_str());
}

const hostc_arg kBracketsArgs[] = {
    HOSTC_ARG("text", "String", "The text to put in brackets."),
};
const hostc_arg kJoinArgs[] = {
    HOSTC_ARG("items", "[String]", "The items to join."),
    HOSTC_ARG_DEFAULT("sep", "String", ",", "What goes between two items."),
};
const hostc_arg kShoutTwiceArgs[] = {
    HOSTC_ARG("text", "String", "The text cmod shouts, twice."),
};

const hostc_function kFunctions[] = {
    HOSTC_FUNCTION("brackets", Guarded<Brackets>, kBracketsArgs, "String", HOSTC_CACHE_PERSISTENT,
                   "Returns text between square brackets."),
    HOSTC_FUNCTION("join", Guarded<Join>, kJoinArgs, "String", HOSTC_CACHE_PERSISTENT,
                   "Joins items with sep (a comma unless given)."),
    HOSTC_FUNCTION("shout_twice", Guarded<ShoutTwice>, kShoutTwiceArgs, "String",
                   HOSTC_CACHE_PERSISTENT, "Calls cmod's shout through the host, twice."),
};

}  // namespace

HOSTC_MODULE("lcxx", "0.1.0",
             "A C++17 test module built by clang++ against libc++, through the C SDK.", kFunctions);
