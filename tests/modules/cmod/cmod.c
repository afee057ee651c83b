/* cmod: a module in plain C99. It exercises every kind of argument the C SDK reads (String, Int,
 * Float with a default, Boolean, [String]) and calls the libc++ module lcxx through the host. */
#include <string.h>

#include "host/module_c.h"

static host_status shout(hostc_call* call) {
  const char* text = hostc_arg_string(call, "text");
  size_t length = strlen(text);
  char* loud = (char*)hostc_alloc(call, length + 2);
  size_t i;
  if (loud == NULL) {
    return hostc_fail(call, "out of memory");
  }
  for (i = 0; i < length; ++i) {
    char c = text[i];
    loud[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
  }
  loud[length] = '!';
  loud[length + 1] = '\0';
  return hostc_return_string(call, loud);
}

static host_status count(hostc_call* call) {
  return hostc_return_int(call, (int64_t)hostc_value_list_size(hostc_arg_value(call, "items")));
}

static host_status scale(hostc_call* call) {
  return hostc_return_float(call, hostc_arg_float(call, "value") * hostc_arg_float(call, "factor"));
}

static host_status negate(hostc_call* call) {
  return hostc_return_bool(call, !hostc_arg_bool(call, "flag"));
}

static host_status relay(hostc_call* call) {
  const hostc_value* bracketed = NULL;
  hostc_request* request = hostc_request_new(call, "lcxx", "Lcxx", "brackets");
  hostc_request_string(request, "text", hostc_arg_string(call, "text"));
  if (hostc_request_send(request, &bracketed) != HOST_STATUS_OK) {
    return hostc_fail(call, "relay: %s", hostc_request_error(request));
  }
  return hostc_return_string(call, hostc_format(call, "c:%s", hostc_value_string(bracketed)));
}

static const hostc_arg shout_args[] = {
    HOSTC_ARG("text", "String", "The text to shout."),
};
static const hostc_arg count_args[] = {
    HOSTC_ARG("items", "[String]", "The items to count."),
};
static const hostc_arg scale_args[] = {
    HOSTC_ARG("value", "Float", "The number to scale."),
    HOSTC_ARG_DEFAULT("factor", "Float", "2.0", "What to multiply it by."),
};
static const hostc_arg negate_args[] = {
    HOSTC_ARG("flag", "Boolean", "The truth value to negate."),
};
static const hostc_arg relay_args[] = {
    HOSTC_ARG("text", "String", "The text lcxx puts in brackets."),
};

static const hostc_function functions[] = {
    HOSTC_FUNCTION("shout", shout, shout_args, "String", HOSTC_CACHE_PERSISTENT,
                   "Uppercases text and appends an exclamation mark."),
    HOSTC_FUNCTION("count", count, count_args, "Int", HOSTC_CACHE_PERSISTENT,
                   "Counts the items of a list."),
    HOSTC_FUNCTION("scale", scale, scale_args, "Float", HOSTC_CACHE_PERSISTENT,
                   "Multiplies value by factor (2.0 unless given)."),
    HOSTC_FUNCTION("negate", negate, negate_args, "Boolean", HOSTC_CACHE_SESSION,
                   "Returns the opposite of flag."),
    HOSTC_FUNCTION("relay", relay, relay_args, "String", HOSTC_CACHE_NEVER,
                   "Calls lcxx's brackets through the host and prefixes the result with \"c:\"."),
};

HOSTC_MODULE("cmod", "0.1.0",
             "A plain-C test module: strings, numbers, lists, defaults and a call into lcxx.",
             functions);
