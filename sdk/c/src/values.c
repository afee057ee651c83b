/* Values: the public readers of host.v1.Value, the builders the SDK uses, and packing into
 * buffers the host owns. */
#include <string.h>

#include "internal.h"

hostc_value_kind hostc_value_kind_of(const hostc_value* value) {
  if (value == NULL) {
    return HOSTC_VALUE_ABSENT;
  }
  return (hostc_value_kind)value->kind_case;
}

const char* hostc_value_string(const hostc_value* value) {
  if (value == NULL) {
    return NULL;
  }
  if (value->kind_case == HOST__V1__VALUE__KIND_STRING_VALUE) {
    return value->string_value;
  }
  if (value->kind_case == HOST__V1__VALUE__KIND_ENUM_VALUE) {
    return value->enum_value;
  }
  return NULL;
}

int64_t hostc_value_int(const hostc_value* value) {
  if (value == NULL || value->kind_case != HOST__V1__VALUE__KIND_INT_VALUE) {
    return 0;
  }
  return value->int_value;
}

double hostc_value_float(const hostc_value* value) {
  if (value != NULL && value->kind_case == HOST__V1__VALUE__KIND_INT_VALUE) {
    return (double)value->int_value; /* a Float may travel as an Int */
  }
  if (value == NULL || value->kind_case != HOST__V1__VALUE__KIND_FLOAT_VALUE) {
    return 0.0;
  }
  return value->float_value;
}

int hostc_value_bool(const hostc_value* value) {
  if (value == NULL || value->kind_case != HOST__V1__VALUE__KIND_BOOL_VALUE) {
    return 0;
  }
  return value->bool_value ? 1 : 0;
}

size_t hostc_value_list_size(const hostc_value* value) {
  if (value == NULL || value->kind_case != HOST__V1__VALUE__KIND_LIST_VALUE ||
      value->list_value == NULL) {
    return 0;
  }
  return value->list_value->n_items;
}

const hostc_value* hostc_value_list_item(const hostc_value* value, size_t index) {
  if (index >= hostc_value_list_size(value)) {
    return NULL;
  }
  return value->list_value->items[index];
}

Host__V1__Value* hostc_new_absent(hostc_arena* arena) {
  Host__V1__Value* value = (Host__V1__Value*)hostc_arena_alloc(arena, sizeof(Host__V1__Value));
  if (value != NULL) {
    host__v1__value__init(value);
  }
  return value;
}

Host__V1__Value* hostc_new_string(hostc_arena* arena, const char* text) {
  Host__V1__Value* value = hostc_new_absent(arena);
  char* copy = hostc_arena_strdup(arena, text == NULL ? "" : text);
  if (value == NULL || copy == NULL) {
    return NULL;
  }
  value->kind_case = HOST__V1__VALUE__KIND_STRING_VALUE;
  value->string_value = copy;
  return value;
}

Host__V1__Value* hostc_new_int(hostc_arena* arena, int64_t number) {
  Host__V1__Value* value = hostc_new_absent(arena);
  if (value != NULL) {
    value->kind_case = HOST__V1__VALUE__KIND_INT_VALUE;
    value->int_value = number;
  }
  return value;
}

Host__V1__Value* hostc_new_float(hostc_arena* arena, double number) {
  Host__V1__Value* value = hostc_new_absent(arena);
  if (value != NULL) {
    value->kind_case = HOST__V1__VALUE__KIND_FLOAT_VALUE;
    value->float_value = number;
  }
  return value;
}

Host__V1__Value* hostc_new_bool(hostc_arena* arena, int truth) {
  Host__V1__Value* value = hostc_new_absent(arena);
  if (value != NULL) {
    value->kind_case = HOST__V1__VALUE__KIND_BOOL_VALUE;
    value->bool_value = truth ? 1 : 0;
  }
  return value;
}

Host__V1__Value* hostc_new_list(hostc_arena* arena) {
  Host__V1__Value* value = hostc_new_absent(arena);
  Host__V1__ListValue* list =
      (Host__V1__ListValue*)hostc_arena_alloc(arena, sizeof(Host__V1__ListValue));
  if (value == NULL || list == NULL) {
    return NULL;
  }
  host__v1__list_value__init(list);
  value->kind_case = HOST__V1__VALUE__KIND_LIST_VALUE;
  value->list_value = list;
  return value;
}

int hostc_list_append(hostc_arena* arena, Host__V1__Value* list, Host__V1__Value* item) {
  Host__V1__ListValue* items = list->list_value;
  size_t count = items->n_items;
  /* Capacity doubles at each power of two, so the array is reallocated O(log n) times. */
  if (count == 0 || (count & (count - 1)) == 0) {
    size_t capacity = count == 0 ? 4 : count * 2;
    Host__V1__Value** grown =
        (Host__V1__Value**)hostc_arena_alloc(arena, capacity * sizeof(Host__V1__Value*));
    if (grown == NULL) {
      return 0;
    }
    if (count > 0) {
      memcpy(grown, items->items, count * sizeof(Host__V1__Value*));
    }
    items->items = grown;
  }
  items->items[count] = item;
  items->n_items = count + 1;
  return 1;
}

Host__V1__Value* hostc_new_string_list(hostc_arena* arena, const char* const* items, size_t count) {
  Host__V1__Value* list = hostc_new_list(arena);
  size_t i;
  if (list == NULL) {
    return NULL;
  }
  for (i = 0; i < count; ++i) {
    Host__V1__Value* item = hostc_new_string(arena, items[i]);
    if (item == NULL || !hostc_list_append(arena, list, item)) {
      return NULL;
    }
  }
  return list;
}

Host__V1__Value* hostc_new_enum(hostc_arena* arena, const char* name) {
  Host__V1__Value* value = hostc_new_string(arena, name);
  if (value != NULL) {
    value->kind_case = HOST__V1__VALUE__KIND_ENUM_VALUE;
    value->enum_value = value->string_value;
  }
  return value;
}

/* A list of count items, each made by make(arena, items, i); NULL when out of memory. */
#define HOSTC_NEW_LIST(arena, count, make_item)                       \
  do {                                                                \
    Host__V1__Value* list_ = hostc_new_list(arena);                   \
    size_t i;                                                         \
    if (list_ == NULL) {                                              \
      return NULL;                                                    \
    }                                                                 \
    for (i = 0; i < (count); ++i) {                                   \
      Host__V1__Value* item_ = (make_item);                           \
      if (item_ == NULL || !hostc_list_append(arena, list_, item_)) { \
        return NULL;                                                  \
      }                                                               \
    }                                                                 \
    return list_;                                                     \
  } while (0)

Host__V1__Value* hostc_new_int_list(hostc_arena* arena, const int64_t* items, size_t count) {
  HOSTC_NEW_LIST(arena, count, hostc_new_int(arena, items[i]));
}

Host__V1__Value* hostc_new_float_list(hostc_arena* arena, const double* items, size_t count) {
  HOSTC_NEW_LIST(arena, count, hostc_new_float(arena, items[i]));
}

Host__V1__Value* hostc_new_bool_list(hostc_arena* arena, const int* items, size_t count) {
  HOSTC_NEW_LIST(arena, count, hostc_new_bool(arena, items[i]));
}

Host__V1__Value* hostc_new_enum_list(hostc_arena* arena, const char* const* names, size_t count) {
  HOSTC_NEW_LIST(arena, count, hostc_new_enum(arena, names[i]));
}

hostc_value* hostc_make_string(hostc_call* call, const char* text) {
  return text != NULL ? hostc_new_string(&call->arena, text) : NULL;
}

hostc_value* hostc_make_int(hostc_call* call, int64_t number) {
  return hostc_new_int(&call->arena, number);
}

hostc_value* hostc_make_float(hostc_call* call, double number) {
  return hostc_new_float(&call->arena, number);
}

hostc_value* hostc_make_bool(hostc_call* call, int truth) {
  return hostc_new_bool(&call->arena, truth);
}

hostc_value* hostc_make_enum(hostc_call* call, const char* name) {
  return name != NULL ? hostc_new_enum(&call->arena, name) : NULL;
}

hostc_value* hostc_make_list(hostc_call* call) { return hostc_new_list(&call->arena); }

int hostc_list_add(hostc_call* call, hostc_value* list, const hostc_value* item) {
  if (list == NULL || item == NULL || list->kind_case != HOST__V1__VALUE__KIND_LIST_VALUE) {
    return 0;
  }
  return hostc_list_append(&call->arena, list, (Host__V1__Value*)item);
}

int hostc_pack_for_host(const ProtobufCMessage* message, host_buffer* out) {
  const host_api* api = hostc_host_api();
  size_t size = protobuf_c_message_get_packed_size(message);
  out->data = NULL;
  out->size = 0;
  if (size == 0) {
    return 1;
  }
  out->data = (uint8_t*)api->alloc(size);
  if (out->data == NULL) {
    return 0;
  }
  out->size = protobuf_c_message_pack(message, out->data);
  return 1;
}

void hostc_text_for_host(const host_api* api, const char* text, host_buffer* out) {
  size_t size = strlen(text);
  out->data = NULL;
  out->size = 0;
  if (size == 0) {
    return;
  }
  out->data = (uint8_t*)api->alloc(size);
  if (out->data != NULL) {
    memcpy(out->data, text, size);
    out->size = size;
  }
}

void hostc_error_for_host(const char* message, host_buffer* out) {
  Host__V1__Error error = HOST__V1__ERROR__INIT;
  error.message = (char*)message;
  hostc_pack_for_host(&error.base, out);
}
