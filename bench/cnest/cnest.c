/* Benchmark module in C: n calls of wide.join0(a, b, c) from one function, through the typed C
 * client (each call in a scope) or through requests freed one by one; returns the nanoseconds
 * they took. The C twin of the C++ module caller's through_graph. */
#include <string.h>
#include <time.h>

#include "deps/wide.h"
#include "host/module_c.h"

/* Nanoseconds on the monotonic clock. */
static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* n typed calls, each in a scope so that its result is freed before the next. */
static host_status typed(hostc_call* call) {
  int64_t n = hostc_arg_int(call, "n");
  int64_t start = now_ns();
  size_t total = 0;
  int64_t i;
  for (i = 0; i < n; ++i) {
    hostc_scope scope = hostc_scope_begin(call);
    const char* joined = NULL;
    if (wide_Wide_join0(call, NULL, "alpha", "beta", "gamma", &joined) != HOST_STATUS_OK) {
      return hostc_fail(call, "call %lld: %s", (long long)i, hostc_last_error(call));
    }
    total += strlen(joined);
    hostc_scope_end(call, scope);
  }
  if (total != (size_t)n * 15) {
    return hostc_fail(call, "wrong results");
  }
  return hostc_return_int(call, now_ns() - start);
}

/* n untyped requests, each freed after its result is read. */
static host_status requests(hostc_call* call) {
  int64_t n = hostc_arg_int(call, "n");
  int64_t start = now_ns();
  size_t total = 0;
  int64_t i;
  for (i = 0; i < n; ++i) {
    const hostc_value* joined = NULL;
    hostc_request* request = hostc_request_new(call, "wide", "Wide", "join0");
    hostc_request_string(request, "a", "alpha");
    hostc_request_string(request, "b", "beta");
    hostc_request_string(request, "c", "gamma");
    if (hostc_request_send(request, &joined) != HOST_STATUS_OK) {
      return hostc_fail(call, "call %lld: %s", (long long)i, hostc_request_error(request));
    }
    total += strlen(hostc_value_string(joined));
    hostc_request_free(request);
  }
  if (total != (size_t)n * 15) {
    return hostc_fail(call, "wrong results");
  }
  return hostc_return_int(call, now_ns() - start);
}

static const hostc_arg n_args[] = {HOSTC_ARG("n", "Int", "How many calls.")};

static const hostc_function functions[] = {
    HOSTC_FUNCTION("typed", typed, n_args, "Int", HOSTC_CACHE_NEVER,
                   "Nanoseconds for n calls of wide.join0 through the typed C client."),
    HOSTC_FUNCTION("requests", requests, n_args, "Int", HOSTC_CACHE_NEVER,
                   "Nanoseconds for n calls of wide.join0 through freed requests."),
};

HOSTC_MODULE("cnest", "0.1.0", "Benchmark module in C: many nested calls from one function.",
             functions);
