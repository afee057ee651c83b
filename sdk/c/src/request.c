/* Calls from one module to another, through the host so the runtime sees, caches and traces
 * them. Each request has memory of its own, which also holds the value it returns, so that a
 * function making many calls frees each one when it is done with it. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The usable bytes of a request's first memory block. */
enum { REQUEST_FIRST_BLOCK = 832 };

struct hostc_request {
  hostc_call* call;               /* the function making the request */
  hostc_request* newer;           /* the neighbours in the call's list of live requests */
  hostc_request* older;           /* (newest first) */
  unsigned long serial;           /* the call's request_count when it was made */
  hostc_arena arena;              /* the request's memory: message, arguments, result */
  Host__V1__Call message;         /* what is sent */
  Host__V1__ObjectValue receiver; /* the default receiver: the object made with no arguments */
  const char* error;              /* why it failed, or NULL */
};

hostc_request* hostc_request_new(hostc_call* call, const char* module, const char* object,
                                 const char* function) {
  /* The request and its first memory block are one allocation, sized for a typical call and
   * its result; larger ones get more blocks. */
  const size_t head = (sizeof(hostc_request) + 15) / 16 * 16;
  const size_t block = hostc_arena_embedded_size(REQUEST_FIRST_BLOCK);
  hostc_request* request = (hostc_request*)malloc(head + block);
  hostc_arena* arena;
  if (request == NULL) {
    call->last_error_is_oom = 1; /* what hostc_last_error reports */
    return NULL;
  }
  request->call = call;
  request->error = NULL;
  request->serial = call->request_count++;
  request->newer = NULL;
  request->older = call->requests;
  if (call->requests != NULL) {
    call->requests->newer = request;
  }
  call->requests = request;
  arena = &request->arena;
  hostc_arena_init_embedded(arena, (char*)request + head, block);
  host__v1__call__init(&request->message);
  host__v1__object_value__init(&request->receiver);
  request->message.module = hostc_arena_strdup(arena, module ? module : "");
  request->message.object = hostc_arena_strdup(arena, object ? object : "");
  request->message.function = hostc_arena_strdup(arena, function ? function : "");
  request->receiver.type_name = request->message.object;
  /* A constructor (an empty function name) has no receiver. */
  request->message.receiver = function != NULL && function[0] != '\0' ? &request->receiver : NULL;
  if (request->message.module == NULL || request->message.object == NULL ||
      request->message.function == NULL) {
    hostc_request_free(request);
    return NULL;
  }
  return request;
}

void hostc_request_free(hostc_request* request) {
  hostc_call* call;
  if (request == NULL) {
    return;
  }
  call = request->call;
  if (request->newer != NULL) {
    request->newer->older = request->older;
  } else {
    call->requests = request->older;
  }
  if (request->older != NULL) {
    request->older->newer = request->newer;
  }
  hostc_arena_release(&request->arena);
  free(request);
}

void hostc_free_requests_from(hostc_call* call, unsigned long serial) {
  /* The list is newest first, and serials grow: the requests to free are at its front. */
  while (call->requests != NULL && call->requests->serial >= serial) {
    hostc_request_free(call->requests);
  }
}

/* Records the first failure of a request. */
static void request_failed(hostc_request* request, const char* message) {
  if (request->error == NULL) {
    request->error = message != NULL ? message : "out of memory";
  }
}

void hostc_request_receiver(hostc_request* request, const hostc_value* object) {
  if (request == NULL) {
    return;
  }
  if (object == NULL || object->kind_case != HOST__V1__VALUE__KIND_OBJECT_VALUE) {
    request_failed(request,
                   hostc_arena_format(&request->arena, "%s.%s: the receiver given is not an object",
                                      request->message.module, request->message.function));
    return;
  }
  request->message.receiver = object->object_value;
}

/* Appends the argument name = value (value NULL means out of memory). */
static void add_arg(hostc_request* request, const char* name, Host__V1__Value* value) {
  hostc_arena* arena = &request->arena;
  Host__V1__Call* message = &request->message;
  Host__V1__NamedValue* arg;
  size_t count = message->n_args;
  if (value == NULL) {
    request_failed(request, NULL);
    return;
  }
  arg = (Host__V1__NamedValue*)hostc_arena_alloc(arena, sizeof(Host__V1__NamedValue));
  if (arg == NULL) {
    request_failed(request, NULL);
    return;
  }
  host__v1__named_value__init(arg);
  arg->name = hostc_arena_strdup(arena, name ? name : "");
  arg->value = value;
  /* Capacity doubles at each power of two. */
  if (count == 0 || (count & (count - 1)) == 0) {
    size_t capacity = count == 0 ? 4 : count * 2;
    Host__V1__NamedValue** grown =
        (Host__V1__NamedValue**)hostc_arena_alloc(arena, capacity * sizeof(Host__V1__NamedValue*));
    if (grown == NULL || arg->name == NULL) {
      request_failed(request, NULL);
      return;
    }
    if (count > 0) {
      memcpy(grown, message->args, count * sizeof(Host__V1__NamedValue*));
    }
    message->args = grown;
  }
  message->args[count] = arg;
  message->n_args = count + 1;
}

void hostc_request_string(hostc_request* request, const char* name, const char* text) {
  if (request != NULL) {
    add_arg(request, name, hostc_new_string(&request->arena, text));
  }
}

void hostc_request_int(hostc_request* request, const char* name, int64_t number) {
  if (request != NULL) {
    add_arg(request, name, hostc_new_int(&request->arena, number));
  }
}

void hostc_request_float(hostc_request* request, const char* name, double number) {
  if (request != NULL) {
    add_arg(request, name, hostc_new_float(&request->arena, number));
  }
}

void hostc_request_bool(hostc_request* request, const char* name, int truth) {
  if (request != NULL) {
    add_arg(request, name, hostc_new_bool(&request->arena, truth));
  }
}

void hostc_request_string_list(hostc_request* request, const char* name, const char* const* items,
                               size_t count) {
  if (request != NULL) {
    add_arg(request, name, hostc_new_string_list(&request->arena, items, count));
  }
}

void hostc_request_int_list(hostc_request* request, const char* name, const int64_t* items,
                            size_t count) {
  if (request != NULL) {
    add_arg(request, name, hostc_new_int_list(&request->arena, items, count));
  }
}

void hostc_request_float_list(hostc_request* request, const char* name, const double* items,
                              size_t count) {
  if (request != NULL) {
    add_arg(request, name, hostc_new_float_list(&request->arena, items, count));
  }
}

void hostc_request_bool_list(hostc_request* request, const char* name, const int* items,
                             size_t count) {
  if (request != NULL) {
    add_arg(request, name, hostc_new_bool_list(&request->arena, items, count));
  }
}

void hostc_request_enum(hostc_request* request, const char* name, const char* value_name) {
  if (request != NULL) {
    add_arg(request, name, hostc_new_enum(&request->arena, value_name));
  }
}

void hostc_request_enum_list(hostc_request* request, const char* name, const char* const* names,
                             size_t count) {
  if (request != NULL) {
    add_arg(request, name, hostc_new_enum_list(&request->arena, names, count));
  }
}

void hostc_request_object(hostc_request* request, const char* name, const hostc_value* object) {
  if (request == NULL) {
    return;
  }
  if (object == NULL || object->kind_case != HOST__V1__VALUE__KIND_OBJECT_VALUE) {
    request_failed(request, hostc_arena_format(&request->arena,
                                               "%s.%s: argument %s: the value given is not an "
                                               "object",
                                               request->message.module, request->message.function,
                                               name ? name : ""));
    return;
  }
  add_arg(request, name, (Host__V1__Value*)object);
}

void hostc_request_object_list(hostc_request* request, const char* name,
                               const hostc_value* const* items, size_t count) {
  Host__V1__Value* list;
  size_t i;
  if (request == NULL) {
    return;
  }
  list = hostc_new_list(&request->arena);
  for (i = 0; list != NULL && i < count; ++i) {
    if (items[i] == NULL || items[i]->kind_case != HOST__V1__VALUE__KIND_OBJECT_VALUE) {
      request_failed(request, hostc_arena_format(&request->arena,
                                                 "%s.%s: argument %s: item %lu is not an object",
                                                 request->message.module, request->message.function,
                                                 name ? name : "", (unsigned long)i));
      return;
    }
    if (!hostc_list_append(&request->arena, list, (Host__V1__Value*)items[i])) {
      list = NULL;
    }
  }
  add_arg(request, name, list);
}

void hostc_request_value(hostc_request* request, const char* name, const hostc_value* value) {
  if (request != NULL) {
    add_arg(request, name,
            value != NULL ? (Host__V1__Value*)value : hostc_new_absent(&request->arena));
  }
}

/* Turns the Error bytes a failed call returned into a message (the runtime's, which names what
 * failed, or "module.function failed (status N)" when there is none). */
static const char* describe_failure(hostc_request* request, host_status status, host_buffer error) {
  hostc_arena* arena = &request->arena;
  const char* module = request->message.module;
  const char* function = request->message.function;
  Host__V1__Error* parsed = NULL;
  if (error.size > 0) {
    parsed = host__v1__error__unpack(&arena->allocator, error.size, error.data);
  }
  if (parsed != NULL && parsed->module[0] != '\0') {
    module = parsed->module;
  }
  if (parsed != NULL && parsed->function[0] != '\0') {
    function = parsed->function;
  }
  if (parsed == NULL || parsed->message[0] == '\0') {
    return hostc_arena_format(arena, "%s.%s failed (status %d) without a message", module, function,
                              (int)status);
  }
  return parsed->message; /* the runtime's message already names the module and function */
}

/* Sends request; the returned value is unpacked into result_arena. */
static host_status send_into(hostc_request* request, hostc_arena* result_arena,
                             const hostc_value** result) {
  const host_api* api = hostc_host_api();
  hostc_arena* arena;
  host_bytes bytes;
  host_buffer returned = {NULL, 0};
  host_buffer error = {NULL, 0};
  host_status status;
  hostc_arena_mark before;
  size_t size;
  uint8_t* packed;
  if (result != NULL) {
    *result = NULL;
  }
  if (request == NULL) {
    return HOST_STATUS_ERROR; /* hostc_request_error(NULL) reports out of memory */
  }
  if (request->error != NULL) {
    return HOST_STATUS_INVALID_ARGUMENT;
  }
  arena = &request->arena;
  if (!HOST_HAS_SLOT(api, host_api, call) || api->call == NULL) {
    request_failed(request, "this host does not let modules call other modules");
    return HOST_STATUS_UNSUPPORTED;
  }
  size = host__v1__call__get_packed_size(&request->message);
  before = hostc_arena_get_mark(arena);
  packed = (uint8_t*)hostc_arena_alloc(arena, size);
  if (packed == NULL) {
    request_failed(request, NULL);
    return HOST_STATUS_ERROR;
  }
  bytes.data = packed;
  bytes.size = host__v1__call__pack(&request->message, packed);

  status = api->call(request->call->context, bytes, &returned, &error);
  if (result_arena == arena) {
    hostc_arena_release_to(arena, before); /* the packed bytes are no longer needed */
  }
  if (status == HOST_STATUS_OK) {
    Host__V1__Value* value =
        host__v1__value__unpack(&result_arena->allocator, returned.size, returned.data);
    if (value == NULL) {
      request_failed(request,
                     hostc_arena_format(arena,
                                        "%s.%s returned bytes that are not a "
                                        "host.v1.Value",
                                        request->message.module, request->message.function));
      status = HOST_STATUS_ERROR;
    } else if (result != NULL) {
      *result = value;
    }
  } else {
    request_failed(request, describe_failure(request, status, error));
  }
  api->free(returned.data);
  api->free(error.data);
  return status;
}

host_status hostc_request_send(hostc_request* request, const hostc_value** result) {
  return send_into(request, request != NULL ? &request->arena : NULL, result);
}

const char* hostc_request_error(const hostc_request* request) {
  if (request == NULL) {
    return "out of memory";
  }
  return request->error;
}

/* Keeps message as call's last error (replacing the one before). */
static void set_last_error(hostc_call* call, const char* message) {
  size_t length = strlen(message);
  char* copy = (char*)realloc(call->last_error, length + 1);
  if (copy == NULL) {
    call->last_error_is_oom = 1;
    return;
  }
  memcpy(copy, message, length + 1);
  call->last_error = copy;
  call->last_error_is_oom = 0;
}

host_status hostc_request_finish(hostc_request* request, const hostc_value** result) {
  const hostc_value* value = NULL;
  host_status status;
  hostc_call* call;
  if (result != NULL) {
    *result = NULL;
  }
  if (request == NULL) {
    return HOST_STATUS_ERROR; /* no call to record the message on: out of memory */
  }
  call = request->call;
  /* A wanted result goes straight to the caller's memory; the request's goes with it. */
  status = send_into(request, result != NULL ? &call->arena : &request->arena, &value);
  if (status != HOST_STATUS_OK) {
    set_last_error(call, request->error != NULL ? request->error : "out of memory");
  } else if (result != NULL && value->kind_case != HOST__V1__VALUE__KIND__NOT_SET) {
    *result = value;
  }
  hostc_request_free(request);
  return status;
}

host_status hostc_set_last_error(hostc_call* call, const char* message) {
  set_last_error(call, message != NULL ? message : "out of memory");
  return HOST_STATUS_ERROR;
}

const char* hostc_last_error(const hostc_call* call) {
  return call->last_error_is_oom ? "out of memory" : call->last_error;
}
