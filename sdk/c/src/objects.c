/* Object values: their fields, deep copies, and objects built by functions. */
#include <string.h>

#include "internal.h"

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
