/* ccall: calls cvals (a C module) and gxx (a C++ module) through the typed C clients that
 * host_add_module generates from their schemas, with every kind of value. */
#include <stdio.h>
#include <string.h>

#include "deps/cvals.h"
#include "deps/gxx.h"
#include "host/module_c.h"

/* Appends a formatted piece to the summary. */
#define ADD(...)                                                           \
  do {                                                                     \
    used += (size_t)snprintf(out + used, sizeof(out) - used, __VA_ARGS__); \
    if (used >= sizeof(out)) {                                             \
      return hostc_fail(call, "summary too long");                         \
    }                                                                      \
  } while (0)

/* Fails the call with the reason of the typed call that failed. */
#define CHECK(status)                                                           \
  do {                                                                          \
    if ((status) != HOST_STATUS_OK) {                                           \
      return hostc_fail(call, "line %d: %s", __LINE__, hostc_last_error(call)); \
    }                                                                           \
  } while (0)

/* Calls each cvals function once and describes what came back. */
static host_status roundtrip(hostc_call* call) {
  char out[1024];
  size_t used = 0;
  size_t n = 0;
  size_t i;
  const int64_t numbers[] = {1, 2, 3};
  const double halves[] = {1.0, 5.0};
  const int flags[] = {1, 0};
  const char* const items[] = {"a", "b", "c"};
  const cvals_Color colors[] = {cvals_Color_RED, cvals_Color_BLUE};
  const int64_t* ints = NULL;
  const double* floats = NULL;
  const int* bools = NULL;
  const char* const* strings = NULL;
  const cvals_Color* shifted = NULL;
  cvals_Color color = cvals_Color_RED;
  const char* text = NULL;
  const int64_t* maybe = NULL;
  int64_t three = 3;
  int64_t sum = 0;
  const cvals_Point* point = NULL;
  const cvals_Point* moved = NULL;
  const cvals_Point* const* diagonal = NULL;
  int64_t x = 0;

  CHECK(cvals_Cvals_doubled(call, NULL, numbers, 3, &ints, &n));
  ADD("doubled=");
  for (i = 0; i < n; ++i) ADD("%s%lld", i ? "," : "", (long long)ints[i]);
  CHECK(cvals_Cvals_halved(call, NULL, halves, 2, &floats, &n));
  ADD(" halved=");
  for (i = 0; i < n; ++i) ADD("%s%g", i ? "," : "", floats[i]);
  CHECK(cvals_Cvals_negated(call, NULL, flags, 2, &bools, &n));
  ADD(" negated=");
  for (i = 0; i < n; ++i) ADD("%s%d", i ? "," : "", bools[i]);
  CHECK(cvals_Cvals_reversed(call, NULL, items, 3, &strings, &n));
  ADD(" reversed=");
  for (i = 0; i < n; ++i) ADD("%s%s", i ? "," : "", strings[i]);
  CHECK(cvals_Cvals_reversed(call, NULL, NULL, 0, &strings, &n));
  ADD(" empty=%lu", (unsigned long)n);
  CHECK(cvals_Cvals_next(call, NULL, cvals_Color_GREEN, &color));
  ADD(" next=%s", cvals_Color_name(color));
  CHECK(cvals_Cvals_shifted(call, NULL, colors, 2, &shifted, &n));
  ADD(" shifted=");
  for (i = 0; i < n; ++i) ADD("%s%s", i ? "," : "", cvals_Color_name(shifted[i]));
  CHECK(cvals_Cvals_greet(call, NULL, "x", &text));
  ADD(" greet=%s", text ? text : "(absent)");
  CHECK(cvals_Cvals_greet(call, NULL, NULL, &text));
  ADD(" greet0=%s", text ? text : "(absent)");
  CHECK(cvals_Cvals_successor(call, NULL, &three, &maybe));
  ADD(" successor=%lld", maybe ? (long long)*maybe : -1LL);
  CHECK(cvals_Cvals_successor(call, NULL, NULL, &maybe));
  ADD(" successor0=%s", maybe ? "present" : "(absent)");
  CHECK(cvals_Cvals_point(call, NULL, 3, 4, &point));
  CHECK(cvals_Point_x(call, point, &x));
  ADD(" point.x=%lld", (long long)x);
  CHECK(cvals_Point_moved(call, point, 1, NULL, &moved));
  CHECK(cvals_Point_label(call, moved, &text));
  ADD(" moved=%s", text);
  CHECK(cvals_Cvals_diagonal(call, NULL, 3, &diagonal, &n));
  ADD(" diagonal=%lu", (unsigned long)n);
  CHECK(cvals_Cvals_total(call, NULL, diagonal, n, &sum));
  ADD(" total=%lld", (long long)sum);
  return hostc_return_string(call, out);
}

/* Calls the C++ module gxx: a changed copy of its main object used as the receiver, an optional
 * Float left out and given. */
static host_status via_gxx(hostc_call* call) {
  const gxx_Gxx* gxx = NULL;
  const char* label = NULL;
  double twice = 0;
  double thrice = 0;
  double three = 3;
  CHECK(gxx_Gxx_with_prefix(call, NULL, "c", &gxx));
  CHECK(gxx_Gxx_label(call, gxx, hostc_arg_string(call, "text"), &label));
  CHECK(gxx_Gxx_scale(call, NULL, 1.5, NULL, &twice));
  CHECK(gxx_Gxx_scale(call, NULL, 1.5, &three, &thrice));
  return hostc_return_string(call, hostc_format(call, "%s %g %g", label, twice, thrice));
}

/* Calls cvals.fail and returns the error the typed client reports. */
static host_status error(hostc_call* call) {
  const char* text = NULL;
  if (cvals_Cvals_fail(call, NULL, "on purpose", &text) == HOST_STATUS_OK) {
    return hostc_fail(call, "cvals.fail succeeded");
  }
  return hostc_return_string(call, hostc_last_error(call));
}

/* Sends cvals.doubled a list whose second item is a String, built by hand, and returns the
 * error the host answers with. */
static host_status bad_item(hostc_call* call) {
  hostc_value* numbers = hostc_make_list(call);
  hostc_request* request = hostc_request_new(call, "cvals", "Cvals", "doubled");
  const char* error;
  hostc_list_add(call, numbers, hostc_make_int(call, 1));
  hostc_list_add(call, numbers, hostc_make_string(call, "two"));
  hostc_request_value(request, "numbers", numbers);
  if (hostc_request_send(request, NULL) == HOST_STATUS_OK) {
    return hostc_fail(call, "cvals.doubled took a String item");
  }
  error = hostc_format(call, "%s", hostc_request_error(request));
  hostc_request_free(request);
  return hostc_return_string(call, error);
}

/* Makes n typed calls in one function, each in a scope, and returns the sum of their results:
 * the function's memory stays flat however large n is. */
static host_status loop(hostc_call* call) {
  int64_t n = hostc_arg_int(call, "n");
  int64_t i;
  int64_t sum = 0;
  for (i = 0; i < n; ++i) {
    hostc_scope scope = hostc_scope_begin(call);
    const int64_t* next = NULL;
    host_status status = cvals_Cvals_successor(call, NULL, &i, &next);
    if (status == HOST_STATUS_OK) {
      sum += *next;
    }
    hostc_scope_end(call, scope);
    CHECK(status);
  }
  return hostc_return_int(call, sum);
}

static const hostc_arg text_args[] = {HOSTC_ARG("text", "String", "The text gxx labels.")};
static const hostc_arg n_args[] = {HOSTC_ARG("n", "Int", "How many calls.")};

static const hostc_function functions[] = {
    HOSTC_FUNCTION_NO_ARGS("roundtrip", roundtrip, "String", HOSTC_CACHE_NEVER,
                           "Calls each cvals function and describes the results."),
    HOSTC_FUNCTION("via_gxx", via_gxx, text_args, "String", HOSTC_CACHE_NEVER,
                   "Labels text with a changed gxx object and scales through gxx."),
    HOSTC_FUNCTION_NO_ARGS("error", error, "String", HOSTC_CACHE_NEVER,
                           "The error a failing typed call reports."),
    HOSTC_FUNCTION_NO_ARGS("bad_item", bad_item, "String", HOSTC_CACHE_NEVER,
                           "The error for a list item of the wrong type."),
    HOSTC_FUNCTION("loop", loop, n_args, "Int", HOSTC_CACHE_NEVER,
                   "Sums cvals.successor(i) for i below n."),
};

HOSTC_MODULE("ccall", "0.1.0",
             "A plain-C test module that calls a C and a C++ module through typed C clients.",
             functions);
