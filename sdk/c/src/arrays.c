/* Lists as C arrays: the items of a list value copied into an array in the call's memory. */
#include "internal.h"

/* An array of the list's items as elements of size bytes, each written by store; NULL (and
 * *count 0) when value is not a list whose items all are of a kind accepts. */
static void* list_array(hostc_call* call, const hostc_value* value, size_t* count, size_t size,
                        int (*accepts)(const Host__V1__Value*),
                        void (*store)(const Host__V1__Value*, void*)) {
  size_t n = 0;
  size_t i;
  char* items;
  if (count != NULL) {
    *count = 0;
  }
  if (value == NULL || value->kind_case != HOST__V1__VALUE__KIND_LIST_VALUE) {
    return NULL;
  }
  n = value->list_value != NULL ? value->list_value->n_items : 0;
  for (i = 0; i < n; ++i) {
    if (!accepts(value->list_value->items[i])) {
      return NULL;
    }
  }
  if (n > (size_t)-1 / size) {
    return NULL;
  }
  items = (char*)hostc_alloc(call, n * size);
  if (items == NULL) {
    return NULL;
  }
  for (i = 0; i < n; ++i) {
    store(value->list_value->items[i], items + i * size);
  }
  if (count != NULL) {
    *count = n;
  }
  return items;
}

static int is_int(const Host__V1__Value* v) {
  return v->kind_case == HOST__V1__VALUE__KIND_INT_VALUE;
}
static int is_number(const Host__V1__Value* v) {
  return v->kind_case == HOST__V1__VALUE__KIND_FLOAT_VALUE || is_int(v);
}
static int is_bool(const Host__V1__Value* v) {
  return v->kind_case == HOST__V1__VALUE__KIND_BOOL_VALUE;
}
static int is_text(const Host__V1__Value* v) { return hostc_value_string(v) != NULL; }
static int is_object(const Host__V1__Value* v) {
  return v->kind_case == HOST__V1__VALUE__KIND_OBJECT_VALUE;
}
static void store_int(const Host__V1__Value* v, void* out) { *(int64_t*)out = v->int_value; }
static void store_float(const Host__V1__Value* v, void* out) {
  *(double*)out = is_int(v) ? (double)v->int_value : v->float_value;
}
static void store_bool(const Host__V1__Value* v, void* out) { *(int*)out = v->bool_value ? 1 : 0; }
static void store_text(const Host__V1__Value* v, void* out) {
  *(const char**)out = hostc_value_string(v);
}
static void store_object(const Host__V1__Value* v, void* out) { *(const Host__V1__Value**)out = v; }

const int64_t* hostc_value_int_array(hostc_call* call, const hostc_value* list, size_t* count) {
  return (const int64_t*)list_array(call, list, count, sizeof(int64_t), is_int, store_int);
}

const double* hostc_value_float_array(hostc_call* call, const hostc_value* list, size_t* count) {
  return (const double*)list_array(call, list, count, sizeof(double), is_number, store_float);
}

const int* hostc_value_bool_array(hostc_call* call, const hostc_value* list, size_t* count) {
  return (const int*)list_array(call, list, count, sizeof(int), is_bool, store_bool);
}

const char* const* hostc_value_string_array(hostc_call* call, const hostc_value* list,
                                            size_t* count) {
  return (const char* const*)list_array(call, list, count, sizeof(const char*), is_text,
                                        store_text);
}

const hostc_value* const* hostc_value_object_array(hostc_call* call, const hostc_value* list,
                                                   size_t* count) {
  return (const hostc_value* const*)list_array(call, list, count, sizeof(const hostc_value*),
                                               is_object, store_object);
}
