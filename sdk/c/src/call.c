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
