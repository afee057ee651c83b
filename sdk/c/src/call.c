/* The call in progress, as a function sees it: arguments in, a value or an error out, memory
 * that lives as long as the call, and log lines attributed to it. */
#include <stdarg.h>
#include <string.h>

#include "internal.h"

const hostc_value* hostc_arg_value(const hostc_call* call, const char* name) {
  size_t i;
  for (i = 0; i < call->message->n_args; ++i) {
    const Host__V1__NamedValue* arg = call->message->args[i];
    if (strcmp(arg->name, name) == 0) {
      if (arg->value == NULL || arg->value->kind_case == HOST__V1__VALUE__KIND__NOT_SET) {
        return NULL;
      }
      return arg->value;
    }
  }
  return NULL;
}

int hostc_arg_present(const hostc_call* call, const char* name) {
  return hostc_arg_value(call, name) != NULL;
}

const char* hostc_arg_string(const hostc_call* call, const char* name) {
  return hostc_value_string(hostc_arg_value(call, name));
}

int64_t hostc_arg_int(const hostc_call* call, const char* name) {
  return hostc_value_int(hostc_arg_value(call, name));
}

double hostc_arg_float(const hostc_call* call, const char* name) {
  return hostc_value_float(hostc_arg_value(call, name));
}

int hostc_arg_bool(const hostc_call* call, const char* name) {
  return hostc_value_bool(hostc_arg_value(call, name));
}

const char* hostc_arg_enum(const hostc_call* call, const char* name) {
  const hostc_value* value = hostc_arg_value(call, name);
  return value != NULL && value->kind_case == HOST__V1__VALUE__KIND_ENUM_VALUE ? value->enum_value
                                                                               : NULL;
}

const hostc_value* hostc_arg_object(const hostc_call* call, const char* name) {
  const hostc_value* value = hostc_arg_value(call, name);
  return value != NULL && value->kind_case == HOST__V1__VALUE__KIND_OBJECT_VALUE ? value : NULL;
}

const int64_t* hostc_arg_int_list(hostc_call* call, const char* name, size_t* count) {
  return hostc_value_int_array(call, hostc_arg_value(call, name), count);
}

const double* hostc_arg_float_list(hostc_call* call, const char* name, size_t* count) {
  return hostc_value_float_array(call, hostc_arg_value(call, name), count);
}

const int* hostc_arg_bool_list(hostc_call* call, const char* name, size_t* count) {
  return hostc_value_bool_array(call, hostc_arg_value(call, name), count);
}

const char* const* hostc_arg_string_list(hostc_call* call, const char* name, size_t* count) {
  return hostc_value_string_array(call, hostc_arg_value(call, name), count);
}

const hostc_value* const* hostc_arg_object_list(hostc_call* call, const char* name, size_t* count) {
  return hostc_value_object_array(call, hostc_arg_value(call, name), count);
}

const hostc_value* hostc_receiver(hostc_call* call) {
  if (call->message->receiver == NULL) {
    return NULL;
  }
  if (call->receiver == NULL) {
    call->receiver = hostc_new_absent(&call->arena);
    if (call->receiver == NULL) {
      return NULL;
    }
    call->receiver->kind_case = HOST__V1__VALUE__KIND_OBJECT_VALUE;
    call->receiver->object_value = call->message->receiver;
  }
  return call->receiver;
}

const char* hostc_function_name(const hostc_call* call) { return call->message->function; }

const struct Host__V1__Call* hostc_call_message(const hostc_call* call) { return call->message; }

host_context* hostc_context(const hostc_call* call) { return call->context; }

/* Serialises value as the call's result, replacing any earlier one. */
static host_status set_result(hostc_call* call, const Host__V1__Value* value) {
  const host_api* api = hostc_host_api();
  if (value == NULL) {
    return hostc_fail(call, "out of memory");
  }
  api->free(call->result.data);
  call->has_result = 0;
  if (!hostc_pack_for_host(&value->base, &call->result)) {
    return hostc_fail(call, "out of memory");
  }
  call->has_result = 1;
  return HOST_STATUS_OK;
}

host_status hostc_return_string(hostc_call* call, const char* text) {
  Host__V1__Value value = HOST__V1__VALUE__INIT;
  if (text == NULL) {
    /* Usually a hostc_format or hostc_alloc that ran out of memory. */
    return hostc_fail(call, "function %s returned a NULL string", hostc_function_name(call));
  }
  value.kind_case = HOST__V1__VALUE__KIND_STRING_VALUE;
  value.string_value = (char*)text;
  return set_result(call, &value);
}

host_status hostc_return_int(hostc_call* call, int64_t number) {
  Host__V1__Value value = HOST__V1__VALUE__INIT;
  value.kind_case = HOST__V1__VALUE__KIND_INT_VALUE;
  value.int_value = number;
  return set_result(call, &value);
}

host_status hostc_return_float(hostc_call* call, double number) {
  Host__V1__Value value = HOST__V1__VALUE__INIT;
  value.kind_case = HOST__V1__VALUE__KIND_FLOAT_VALUE;
  value.float_value = number;
  return set_result(call, &value);
}

host_status hostc_return_bool(hostc_call* call, int truth) {
  Host__V1__Value value = HOST__V1__VALUE__INIT;
  value.kind_case = HOST__V1__VALUE__KIND_BOOL_VALUE;
  value.bool_value = truth ? 1 : 0;
  return set_result(call, &value);
}

host_status hostc_return_string_list(hostc_call* call, const char* const* items, size_t count) {
  return set_result(call, hostc_new_string_list(&call->arena, items, count));
}

host_status hostc_return_int_list(hostc_call* call, const int64_t* items, size_t count) {
  return set_result(call, hostc_new_int_list(&call->arena, items, count));
}

host_status hostc_return_float_list(hostc_call* call, const double* items, size_t count) {
  return set_result(call, hostc_new_float_list(&call->arena, items, count));
}

host_status hostc_return_bool_list(hostc_call* call, const int* items, size_t count) {
  return set_result(call, hostc_new_bool_list(&call->arena, items, count));
}

host_status hostc_return_enum(hostc_call* call, const char* name) {
  if (name == NULL) {
    return hostc_fail(call, "function %s returned a NULL enum value", hostc_function_name(call));
  }
  return set_result(call, hostc_new_enum(&call->arena, name));
}

host_status hostc_return_enum_list(hostc_call* call, const char* const* names, size_t count) {
  return set_result(call, hostc_new_enum_list(&call->arena, names, count));
}

host_status hostc_return_object(hostc_call* call, const hostc_value* object) {
  if (object == NULL || object->kind_case != HOST__V1__VALUE__KIND_OBJECT_VALUE) {
    return hostc_fail(call, "function %s returned %s where an object was expected",
                      hostc_function_name(call), object == NULL ? "NULL" : "another kind of value");
  }
  return set_result(call, object);
}

host_status hostc_return_object_list(hostc_call* call, const hostc_value* const* items,
                                     size_t count) {
  Host__V1__Value* list = hostc_new_list(&call->arena);
  size_t i;
  for (i = 0; list != NULL && i < count; ++i) {
    if (items[i] == NULL || items[i]->kind_case != HOST__V1__VALUE__KIND_OBJECT_VALUE) {
      return hostc_fail(call, "function %s: item %lu of the list it returned is not an object",
                        hostc_function_name(call), (unsigned long)i);
    }
    if (!hostc_list_append(&call->arena, list, (Host__V1__Value*)items[i])) {
      list = NULL;
    }
  }
  return set_result(call, list);
}

host_status hostc_return_absent(hostc_call* call) {
  Host__V1__Value absent = HOST__V1__VALUE__INIT;
  return set_result(call, &absent);
}

host_status hostc_return_value(hostc_call* call, const hostc_value* value) {
  Host__V1__Value absent = HOST__V1__VALUE__INIT;
  return set_result(call, value != NULL ? value : &absent);
}

host_status hostc_fail(hostc_call* call, const char* format, ...) {
  const host_api* api = hostc_host_api();
  va_list args;
  char* message;
  va_start(args, format);
  message = hostc_arena_vformat(&call->arena, format, args);
  va_end(args);
  api->free(call->error.data);
  hostc_error_for_host(message != NULL ? message : "out of memory", &call->error);
  call->has_error = 1;
  return HOST_STATUS_ERROR;
}

hostc_scope hostc_scope_begin(hostc_call* call) {
  hostc_scope scope;
  hostc_arena_mark mark = hostc_arena_get_mark(&call->arena);
  scope.block_ = mark.block;
  scope.used_ = mark.used;
  scope.requests_ = call->request_count;
  return scope;
}

void hostc_scope_end(hostc_call* call, hostc_scope scope) {
  hostc_arena_mark mark;
  mark.block = (hostc_arena_block*)scope.block_;
  mark.used = scope.used_;
  hostc_free_requests_from(call, scope.requests_);
  if (call->receiver != NULL) {
    /* It may have been made inside the scope; it is made again when next asked for. */
    call->receiver = NULL;
  }
  hostc_arena_release_to(&call->arena, mark);
}

void* hostc_alloc(hostc_call* call, size_t size) { return hostc_arena_alloc(&call->arena, size); }

char* hostc_format(hostc_call* call, const char* format, ...) {
  va_list args;
  char* text;
  va_start(args, format);
  text = hostc_arena_vformat(&call->arena, format, args);
  va_end(args);
  return text;
}

void hostc_log(hostc_call* call, host_log_level level, const char* format, ...) {
  const host_api* api = hostc_host_api();
  va_list args;
  char* text;
  host_bytes message;
  if (!HOST_HAS_SLOT(api, host_api, log) || api->log == NULL) {
    return;
  }
  va_start(args, format);
  text = hostc_arena_vformat(&call->arena, format, args);
  va_end(args);
  if (text == NULL) {
    return;
  }
  message.data = (const uint8_t*)text;
  message.size = strlen(text);
  api->log(call->context, level, message);
}
