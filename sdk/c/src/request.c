/* Calls from one module to another, through the host so the runtime sees, caches and traces
 * them. A request lives in the calling function's arena, as does the value it returns. */
#include <string.h>

#include "internal.h"

struct hostc_request {
  hostc_call* call;               /* the function making the request */
  Host__V1__Call message;         /* what is sent */
  Host__V1__ObjectValue receiver; /* the default receiver: the object made with no arguments */
  const char* error;              /* why it failed, or NULL */
};

hostc_request* hostc_request_new(hostc_call* call, const char* module, const char* object,
                                 const char* function) {
  hostc_arena* arena = &call->arena;
  hostc_request* request = (hostc_request*)hostc_arena_alloc(arena, sizeof(hostc_request));
  if (request == NULL) {
    return NULL;
  }
  request->call = call;
  request->error = NULL;
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
    return NULL;
  }
  return request;
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
    request_failed(request, hostc_arena_format(&request->call->arena,
                                               "%s.%s: the receiver given is not an object",
                                               request->message.module, request->message.function));
    return;
  }
  request->message.receiver = object->object_value;
}

/* Appends the argument name = value (value NULL means out of memory). */
static void add_arg(hostc_request* request, const char* name, Host__V1__Value* value) {
  hostc_arena* arena = &request->call->arena;
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
    add_arg(request, name, hostc_new_string(&request->call->arena, text));
  }
}

void hostc_request_int(hostc_request* request, const char* name, int64_t number) {
  if (request != NULL) {
    add_arg(request, name, hostc_new_int(&request->call->arena, number));
  }
}

void hostc_request_float(hostc_request* request, const char* name, double number) {
  if (request != NULL) {
    add_arg(request, name, hostc_new_float(&request->call->arena, number));
  }
}

void hostc_request_bool(hostc_request* request, const char* name, int truth) {
  if (request != NULL) {
    add_arg(request, name, hostc_new_bool(&request->call->arena, truth));
  }
}

void hostc_request_string_list(hostc_request* request, const char* name, const char* const* items,
                               size_t count) {
  if (request != NULL) {
    add_arg(request, name, hostc_new_string_list(&request->call->arena, items, count));
  }
}

void hostc_request_value(hostc_request* request, const char* name, const hostc_value* value) {
  if (request != NULL) {
    add_arg(request, name,
            value != NULL ? (Host__V1__Value*)value : hostc_new_absent(&request->call->arena));
  }
}

/* Turns the Error bytes a failed call returned into a message (the runtime's, which names what
 * failed, or "module.function failed (status N)" when there is none). */
static const char* describe_failure(hostc_request* request, host_status status, host_buffer error) {
  hostc_arena* arena = &request->call->arena;
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

host_status hostc_request_send(hostc_request* request, const hostc_value** result) {
  const host_api* api = hostc_host_api();
  hostc_arena* arena;
  host_bytes bytes;
  host_buffer returned = {NULL, 0};
  host_buffer error = {NULL, 0};
  host_status status;
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
  arena = &request->call->arena;
  if (!HOST_HAS_SLOT(api, host_api, call) || api->call == NULL) {
    request_failed(request, "this host does not let modules call other modules");
    return HOST_STATUS_UNSUPPORTED;
  }
  size = host__v1__call__get_packed_size(&request->message);
  packed = (uint8_t*)hostc_arena_alloc(arena, size);
  if (packed == NULL) {
    request_failed(request, NULL);
    return HOST_STATUS_ERROR;
  }
  bytes.data = packed;
  bytes.size = host__v1__call__pack(&request->message, packed);

  status = api->call(request->call->context, bytes, &returned, &error);
  if (status == HOST_STATUS_OK) {
    Host__V1__Value* value =
        host__v1__value__unpack(&arena->allocator, returned.size, returned.data);
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

const char* hostc_request_error(const hostc_request* request) {
  if (request == NULL) {
    return "out of memory";
  }
  return request->error;
}
