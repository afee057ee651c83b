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

/* A deep copy of a NamedValue, or NULL when out of memory. */
static Host__V1__NamedValue* copy_named(hostc_arena* arena, const Host__V1__NamedValue* named) {
  Host__V1__NamedValue* copy =
      (Host__V1__NamedValue*)hostc_arena_alloc(arena, sizeof(Host__V1__NamedValue));
  if (copy == NULL) {
    return NULL;
  }
  host__v1__named_value__init(copy);
  copy->name = hostc_arena_strdup(arena, named->name != NULL ? named->name : "");
  copy->value = named->value != NULL ? hostc_copy_value(arena, named->value) : NULL;
  if (copy->name == NULL || (named->value != NULL && copy->value == NULL)) {
    return NULL;
  }
  return copy;
}

/* A deep copy of an ObjectValue with room for extra more fields, or NULL when out of memory. */
static Host__V1__ObjectValue* copy_object(hostc_arena* arena, const Host__V1__ObjectValue* object,
                                          size_t extra) {
  Host__V1__ObjectValue* copy =
      (Host__V1__ObjectValue*)hostc_arena_alloc(arena, sizeof(Host__V1__ObjectValue));
  size_t i;
  if (copy == NULL) {
    return NULL;
  }
  host__v1__object_value__init(copy);
  copy->type_name = hostc_arena_strdup(arena, object->type_name ? object->type_name : "");
  copy->id = hostc_arena_strdup(arena, object->id ? object->id : "");
  copy->fields = (Host__V1__NamedValue**)hostc_arena_alloc(
      arena, (object->n_fields + extra) * sizeof(Host__V1__NamedValue*));
  if (copy->type_name == NULL || copy->id == NULL || copy->fields == NULL) {
    return NULL;
  }
  for (i = 0; i < object->n_fields; ++i) {
    copy->fields[i] = copy_named(arena, object->fields[i]);
    if (copy->fields[i] == NULL) {
      return NULL;
    }
  }
  copy->n_fields = object->n_fields;
  return copy;
}

Host__V1__Value* hostc_copy_value(hostc_arena* arena, const Host__V1__Value* value) {
  Host__V1__Value* copy = hostc_new_absent(arena);
  size_t i;
  if (copy == NULL) {
    return NULL;
  }
  *copy = *value;
  switch (value->kind_case) {
    case HOST__V1__VALUE__KIND_STRING_VALUE:
      copy->string_value = hostc_arena_strdup(arena, value->string_value);
      return copy->string_value != NULL ? copy : NULL;
    case HOST__V1__VALUE__KIND_ENUM_VALUE:
      copy->enum_value = hostc_arena_strdup(arena, value->enum_value);
      return copy->enum_value != NULL ? copy : NULL;
    case HOST__V1__VALUE__KIND_LIST_VALUE: {
      Host__V1__Value* list = hostc_new_list(arena);
      if (list == NULL) {
        return NULL;
      }
      for (i = 0; value->list_value != NULL && i < value->list_value->n_items; ++i) {
        Host__V1__Value* item = hostc_copy_value(arena, value->list_value->items[i]);
        if (item == NULL || !hostc_list_append(arena, list, item)) {
          return NULL;
        }
      }
      return list;
    }
    case HOST__V1__VALUE__KIND_OBJECT_VALUE:
      copy->object_value = copy_object(arena, value->object_value, 0);
      return copy->object_value != NULL ? copy : NULL;
    default:
      return copy;
  }
}

const char* hostc_value_type_name(const hostc_value* value) {
  if (value == NULL || value->kind_case != HOST__V1__VALUE__KIND_OBJECT_VALUE) {
    return NULL;
  }
  return value->object_value->type_name;
}

const hostc_value* hostc_value_field(const hostc_value* object, const char* name) {
  size_t i;
  if (object == NULL || object->kind_case != HOST__V1__VALUE__KIND_OBJECT_VALUE || name == NULL) {
    return NULL;
  }
  for (i = 0; i < object->object_value->n_fields; ++i) {
    const Host__V1__NamedValue* field = object->object_value->fields[i];
    if (strcmp(field->name, name) == 0) {
      if (field->value == NULL || field->value->kind_case == HOST__V1__VALUE__KIND__NOT_SET) {
        return NULL;
      }
      return field->value;
    }
  }
  return NULL;
}

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

hostc_value* hostc_make_object(hostc_call* call, const char* type_name) {
  Host__V1__ObjectValue empty = HOST__V1__OBJECT_VALUE__INIT;
  Host__V1__Value* value = hostc_new_absent(&call->arena);
  if (value == NULL || type_name == NULL) {
    return NULL;
  }
  empty.type_name = (char*)type_name;
  value->object_value = copy_object(&call->arena, &empty, 4);
  if (value->object_value == NULL) {
    return NULL;
  }
  value->kind_case = HOST__V1__VALUE__KIND_OBJECT_VALUE;
  return value;
}

hostc_value* hostc_object_copy(hostc_call* call, const hostc_value* object) {
  Host__V1__Value* value;
  if (object == NULL || object->kind_case != HOST__V1__VALUE__KIND_OBJECT_VALUE) {
    return NULL;
  }
  value = hostc_new_absent(&call->arena);
  if (value == NULL) {
    return NULL;
  }
  value->object_value = copy_object(&call->arena, object->object_value, 0);
  if (value->object_value == NULL) {
    return NULL;
  }
  value->object_value->id = (char*)""; /* a changed object is a new object: the host names it */
  value->kind_case = HOST__V1__VALUE__KIND_OBJECT_VALUE;
  return value;
}

int hostc_object_set(hostc_call* call, hostc_value* object, const char* name,
                     const hostc_value* value) {
  Host__V1__ObjectValue* fields;
  Host__V1__NamedValue* field;
  size_t i;
  if (object == NULL || object->kind_case != HOST__V1__VALUE__KIND_OBJECT_VALUE || name == NULL ||
      value == NULL) {
    return 0;
  }
  fields = object->object_value;
  for (i = 0; i < fields->n_fields; ++i) {
    if (strcmp(fields->fields[i]->name, name) == 0) {
      fields->fields[i]->value = (Host__V1__Value*)value;
      return 1;
    }
  }
  field = (Host__V1__NamedValue*)hostc_arena_alloc(&call->arena, sizeof(Host__V1__NamedValue));
  if (field == NULL) {
    return 0;
  }
  host__v1__named_value__init(field);
  field->name = hostc_arena_strdup(&call->arena, name);
  field->value = (Host__V1__Value*)value;
  if (field->name == NULL) {
    return 0;
  }
  {
    /* The array grows by copying: objects have few fields. */
    Host__V1__NamedValue** grown = (Host__V1__NamedValue**)hostc_arena_alloc(
        &call->arena, (fields->n_fields + 1) * sizeof(Host__V1__NamedValue*));
    if (grown == NULL) {
      return 0;
    }
    if (fields->n_fields > 0) {
      memcpy(grown, fields->fields, fields->n_fields * sizeof(Host__V1__NamedValue*));
    }
    grown[fields->n_fields] = field;
    fields->fields = grown;
    fields->n_fields += 1;
  }
  return 1;
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
