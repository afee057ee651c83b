/* The module's side of the ABI: negotiation, describe and invoke, over the hostc_module that
 * HOSTC_MODULE declares. The ModuleDef is built and checked once, at negotiation, so a mistake in
 * the declaration fails the load with a message instead of surfacing at the first call. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Set once by hostc_negotiate, before any other call; read-only afterwards. */
static const host_api* g_api = NULL;
static const hostc_module* g_module = NULL;
static char* g_main_object = NULL;
static uint8_t* g_module_def = NULL;
static size_t g_module_def_size = 0;

static host_status describe(host_buffer* module_def, host_buffer* error);
static host_status invoke(host_context* context, host_bytes call, host_buffer* result,
                          host_buffer* error);

static const host_module g_table = {sizeof(host_module), describe, invoke};

const host_api* hostc_host_api(void) { return g_api; }

/* The main object's name: the module's name in PascalCase ("my-mod" makes "MyMod"). */
static char* pascal_case(const char* name) {
  size_t length = strlen(name);
  char* out = (char*)malloc(length + 1);
  size_t n = 0;
  int start_word = 1;
  size_t i;
  if (out == NULL) {
    return NULL;
  }
  for (i = 0; i < length; ++i) {
    char c = name[i];
    if (c == '-' || c == '_' || c == '.' || c == ' ') {
      start_word = 1;
      continue;
    }
    if (start_word && c >= 'a' && c <= 'z') {
      c = (char)(c - 'a' + 'A');
    }
    start_word = 0;
    out[n++] = c;
  }
  out[n] = '\0';
  return out;
}

/* Whether a return type expression lets a function return nothing. */
static int may_return_nothing(const char* return_type) {
  size_t length;
  if (return_type == NULL || strcmp(return_type, "Void") == 0) {
    return 1;
  }
  length = strlen(return_type);
  return length > 0 && return_type[length - 1] == '?';
}

/* Turns the object types of type (and its items) that name one of module's enums into enum
 * types: a type expression cannot tell them apart. */
static void resolve_enums(const hostc_module* module, Host__V1__TypeRef* type) {
  size_t i;
  for (; type != NULL; type = type->element) {
    if (type->kind != HOST__V1__TYPE_KIND__TYPE_KIND_OBJECT) {
      continue;
    }
    for (i = 0; i < module->enum_count; ++i) {
      if (module->enums[i].name != NULL && strcmp(module->enums[i].name, type->name) == 0) {
        type->kind = HOST__V1__TYPE_KIND__TYPE_KIND_ENUM;
      }
    }
  }
}

/* Parses a type expression of module; on failure returns NULL and sets *error (in arena). */
static Host__V1__TypeRef* module_type(hostc_arena* arena, const hostc_module* module,
                                      const char* expression, const char** error) {
  Host__V1__TypeRef* type = hostc_parse_type(arena, expression, error);
  resolve_enums(module, type);
  return type;
}

/* Builds the FunctionDef of function; on failure returns NULL and sets *error (in arena). */
static Host__V1__FunctionDef* build_function(hostc_arena* arena, const hostc_module* module,
                                             const hostc_function* function, const char** error) {
  Host__V1__FunctionDef* def =
      (Host__V1__FunctionDef*)hostc_arena_alloc(arena, sizeof(Host__V1__FunctionDef));
  const char* problem = NULL;
  size_t i;
  if (def == NULL) {
    *error = "out of memory";
    return NULL;
  }
  host__v1__function_def__init(def);
  def->name = (char*)function->name;
  def->description = (char*)(function->description ? function->description : "");
  def->cache = (Host__V1__CachePolicy)function->cache;
  if (function->impl == NULL) {
    *error = "it has no implementation";
    return NULL;
  }
  if (function->cache != HOSTC_CACHE_PERSISTENT && function->cache != HOSTC_CACHE_SESSION &&
      function->cache != HOSTC_CACHE_NEVER) {
    *error = "its cache policy is not a hostc_cache";
    return NULL;
  }
  def->return_type =
      module_type(arena, module, function->return_type ? function->return_type : "Void", &problem);
  if (def->return_type == NULL) {
    *error = hostc_arena_format(arena, "return type: %s", problem);
    return NULL;
  }
  if (function->arg_count > 0 && function->args == NULL) {
    *error = "arg_count is set but args is NULL";
    return NULL;
  }
  def->n_args = function->arg_count;
  def->args = (Host__V1__ArgDef**)hostc_arena_alloc(
      arena, (function->arg_count + 1) * sizeof(Host__V1__ArgDef*));
  if (def->args == NULL) {
    *error = "out of memory";
    return NULL;
  }
  for (i = 0; i < function->arg_count; ++i) {
    const hostc_arg* arg = &function->args[i];
    Host__V1__ArgDef* arg_def = (Host__V1__ArgDef*)hostc_arena_alloc(arena, sizeof(*arg_def));
    size_t j;
    if (arg_def == NULL) {
      *error = "out of memory";
      return NULL;
    }
    host__v1__arg_def__init(arg_def);
    if (arg->name == NULL || arg->name[0] == '\0') {
      *error = hostc_arena_format(arena, "argument %d has no name", (int)i + 1);
      return NULL;
    }
    for (j = 0; j < i; ++j) {
      if (strcmp(function->args[j].name, arg->name) == 0) {
        *error = hostc_arena_format(arena, "argument %s is declared twice", arg->name);
        return NULL;
      }
    }
    arg_def->name = (char*)arg->name;
    arg_def->description = (char*)(arg->description ? arg->description : "");
    arg_def->type = module_type(arena, module, arg->type ? arg->type : "", &problem);
    if (arg_def->type == NULL) {
      *error = hostc_arena_format(arena, "argument %s: type: %s", arg->name, problem);
      return NULL;
    }
    if (arg->default_value != NULL) {
      arg_def->default_value =
          hostc_parse_default(arena, arg_def->type, arg->default_value, &problem);
      if (arg_def->default_value == NULL) {
        *error = hostc_arena_format(arena, "argument %s: default: %s", arg->name, problem);
        return NULL;
      }
    }
    def->args[i] = arg_def;
  }
  return def;
}

/* Builds the functions of an object into def; on failure returns 0 and sets *error (in arena). */
static int build_functions(hostc_arena* arena, const hostc_module* module,
                           const hostc_function* functions, size_t count, Host__V1__ObjectDef* def,
                           const char** error) {
  size_t i;
  if (count > 0 && functions == NULL) {
    *error = "function_count is set but functions is NULL";
    return 0;
  }
  def->n_functions = count;
  def->functions = (Host__V1__FunctionDef**)hostc_arena_alloc(
      arena, (count + 1) * sizeof(Host__V1__FunctionDef*));
  if (def->functions == NULL) {
    *error = "out of memory";
    return 0;
  }
  for (i = 0; i < count; ++i) {
    const hostc_function* function = &functions[i];
    const char* problem = NULL;
    size_t j;
    if (function->name == NULL || function->name[0] == '\0') {
      *error = hostc_arena_format(arena, "function %d has no name", (int)i + 1);
      return 0;
    }
    for (j = 0; j < i; ++j) {
      if (strcmp(functions[j].name, function->name) == 0) {
        *error = hostc_arena_format(arena, "function %s is declared twice", function->name);
        return 0;
      }
    }
    def->functions[i] = build_function(arena, module, function, &problem);
    if (def->functions[i] == NULL) {
      *error = hostc_arena_format(arena, "function %s: %s", function->name,
                                  problem ? problem : "out of memory");
      return 0;
    }
  }
  return 1;
}

/* A new ObjectDef called name whose constructor (no arguments) returns it; NULL when out of
 * memory. The constructor is declared rather than left absent so that readers learn its result
 * type, as the C++ SDK's declared constructors tell them. */
static Host__V1__ObjectDef* new_object(hostc_arena* arena, const char* name,
                                       const char* description) {
  Host__V1__ObjectDef* object =
      (Host__V1__ObjectDef*)hostc_arena_alloc(arena, sizeof(Host__V1__ObjectDef));
  Host__V1__FunctionDef* constructor =
      (Host__V1__FunctionDef*)hostc_arena_alloc(arena, sizeof(Host__V1__FunctionDef));
  Host__V1__TypeRef* constructed =
      (Host__V1__TypeRef*)hostc_arena_alloc(arena, sizeof(Host__V1__TypeRef));
  if (object == NULL || constructor == NULL || constructed == NULL) {
    return NULL;
  }
  host__v1__object_def__init(object);
  host__v1__function_def__init(constructor);
  host__v1__type_ref__init(constructed);
  object->name = (char*)name;
  object->description = (char*)(description ? description : "");
  constructed->kind = HOST__V1__TYPE_KIND__TYPE_KIND_OBJECT;
  constructed->name = (char*)name;
  constructor->description = object->description;
  constructor->return_type = constructed;
  object->constructor = constructor;
  return object;
}

/* Builds a declared object type; on failure returns NULL and sets *error (in arena). */
static Host__V1__ObjectDef* build_object(hostc_arena* arena, const hostc_module* module,
                                         const hostc_object* declared, const char** error) {
  Host__V1__ObjectDef* object = new_object(arena, declared->name, declared->description);
  const char* problem = NULL;
  size_t i;
  if (object == NULL) {
    *error = "out of memory";
    return NULL;
  }
  if (declared->field_count > 0 && declared->fields == NULL) {
    *error = "field_count is set but fields is NULL";
    return NULL;
  }
  object->n_fields = declared->field_count;
  object->fields = (Host__V1__FieldDef**)hostc_arena_alloc(
      arena, (declared->field_count + 1) * sizeof(Host__V1__FieldDef*));
  if (object->fields == NULL) {
    *error = "out of memory";
    return NULL;
  }
  for (i = 0; i < declared->field_count; ++i) {
    const hostc_field* field = &declared->fields[i];
    Host__V1__FieldDef* def = (Host__V1__FieldDef*)hostc_arena_alloc(arena, sizeof(*def));
    if (def == NULL) {
      *error = "out of memory";
      return NULL;
    }
    host__v1__field_def__init(def);
    if (field->name == NULL || field->name[0] == '\0') {
      *error = hostc_arena_format(arena, "field %d has no name", (int)i + 1);
      return NULL;
    }
    def->name = (char*)field->name;
    def->description = (char*)(field->description ? field->description : "");
    def->type = module_type(arena, module, field->type ? field->type : "", &problem);
    if (def->type == NULL) {
      *error = hostc_arena_format(arena, "field %s: type: %s", field->name, problem);
      return NULL;
    }
    object->fields[i] = def;
  }
  if (!build_functions(arena, module, declared->functions, declared->function_count, object,
                       error)) {
    return NULL;
  }
  return object;
}

/* Builds a declared enum; on failure returns NULL and sets *error (in arena). */
static Host__V1__EnumDef* build_enum(hostc_arena* arena, const hostc_enum* declared,
                                     const char** error) {
  Host__V1__EnumDef* def = (Host__V1__EnumDef*)hostc_arena_alloc(arena, sizeof(*def));
  size_t i;
  if (def == NULL) {
    *error = "out of memory";
    return NULL;
  }
  host__v1__enum_def__init(def);
  def->name = (char*)declared->name;
  def->description = (char*)(declared->description ? declared->description : "");
  if (declared->value_count == 0 || declared->values == NULL) {
    *error = "it has no values";
    return NULL;
  }
  def->n_values = declared->value_count;
  def->values = (Host__V1__EnumValueDef**)hostc_arena_alloc(
      arena, declared->value_count * sizeof(Host__V1__EnumValueDef*));
  if (def->values == NULL) {
    *error = "out of memory";
    return NULL;
  }
  for (i = 0; i < declared->value_count; ++i) {
    Host__V1__EnumValueDef* value =
        (Host__V1__EnumValueDef*)hostc_arena_alloc(arena, sizeof(Host__V1__EnumValueDef));
    if (value == NULL) {
      *error = "out of memory";
      return NULL;
    }
    host__v1__enum_value_def__init(value);
    if (declared->values[i].name == NULL || declared->values[i].name[0] == '\0') {
      *error = hostc_arena_format(arena, "value %d has no name", (int)i + 1);
      return NULL;
    }
    value->name = (char*)declared->values[i].name;
    value->description =
        (char*)(declared->values[i].description ? declared->values[i].description : "");
    def->values[i] = value;
  }
  return def;
}

/* Whether name is the main object's or one of the first count declared objects' or enums'. */
static int type_name_taken(const hostc_module* module, const char* main_object, size_t objects,
                           size_t enums, const char* name) {
  size_t i;
  if (strcmp(name, main_object) == 0) {
    return 1;
  }
  for (i = 0; i < objects; ++i) {
    if (strcmp(module->objects[i].name, name) == 0) {
      return 1;
    }
  }
  for (i = 0; i < enums; ++i) {
    if (strcmp(module->enums[i].name, name) == 0) {
      return 1;
    }
  }
  return 0;
}

/* Builds the module's ModuleDef; on failure returns NULL and sets *error (in arena). */
static Host__V1__ModuleDef* build_module(hostc_arena* arena, const hostc_module* module,
                                         const char* main_object, const char** error) {
  Host__V1__ModuleDef* def =
      (Host__V1__ModuleDef*)hostc_arena_alloc(arena, sizeof(Host__V1__ModuleDef));
  Host__V1__ObjectDef** objects = (Host__V1__ObjectDef**)hostc_arena_alloc(
      arena, (module->object_count + 1) * sizeof(Host__V1__ObjectDef*));
  Host__V1__EnumDef** enums = (Host__V1__EnumDef**)hostc_arena_alloc(
      arena, (module->enum_count + 1) * sizeof(Host__V1__EnumDef*));
  const char* problem = NULL;
  size_t i;
  if (def == NULL || objects == NULL || enums == NULL) {
    *error = "out of memory";
    return NULL;
  }
  host__v1__module_def__init(def);
  def->name = (char*)module->name;
  def->version = (char*)(module->version ? module->version : "");
  def->description = (char*)(module->description ? module->description : "");
  def->main_object = (char*)main_object;
  def->sdk = (char*)"c";
  def->objects = objects;
  def->enums = enums;
  if ((module->object_count > 0 && module->objects == NULL) ||
      (module->enum_count > 0 && module->enums == NULL)) {
    *error = "object_count or enum_count is set but its table is NULL";
    return NULL;
  }
  for (i = 0; i < module->enum_count; ++i) {
    const char* name = module->enums[i].name;
    if (name == NULL || name[0] == '\0') {
      *error = hostc_arena_format(arena, "enum %d has no name", (int)i + 1);
      return NULL;
    }
    if (type_name_taken(module, main_object, 0, i, name)) {
      *error = hostc_arena_format(arena, "type %s is declared twice", name);
      return NULL;
    }
    enums[i] = build_enum(arena, &module->enums[i], &problem);
    if (enums[i] == NULL) {
      *error = hostc_arena_format(arena, "enum %s: %s", name, problem);
      return NULL;
    }
  }
  def->n_enums = module->enum_count;

  objects[0] = new_object(arena, main_object, def->description);
  if (objects[0] == NULL) {
    *error = "out of memory";
    return NULL;
  }
  if (!build_functions(arena, module, module->functions, module->function_count, objects[0],
                       error)) {
    return NULL;
  }
  for (i = 0; i < module->object_count; ++i) {
    const char* name = module->objects[i].name;
    if (name == NULL || name[0] == '\0') {
      *error = hostc_arena_format(arena, "object %d has no name", (int)i + 1);
      return NULL;
    }
    if (type_name_taken(module, main_object, i, module->enum_count, name)) {
      *error = hostc_arena_format(arena, "type %s is declared twice", name);
      return NULL;
    }
    objects[i + 1] = build_object(arena, module, &module->objects[i], &problem);
    if (objects[i + 1] == NULL) {
      *error = hostc_arena_format(arena, "object %s: %s", name, problem);
      return NULL;
    }
  }
  def->n_objects = module->object_count + 1;
  return def;
}

/* Fails the negotiation with a message for the host. */
static host_status refuse(host_negotiate* io, host_status status, const char* message) {
  hostc_text_for_host(io->api, message ? message : "out of memory", &io->error);
  return status;
}

host_status hostc_negotiate(const hostc_module* module, host_negotiate* io) {
  hostc_arena arena;
  Host__V1__ModuleDef* def;
  const char* problem = NULL;
  char* main_object;
  uint8_t* packed;
  size_t size;
  if (io == NULL || !HOST_HAS_SLOT(io, host_negotiate, error) || io->api == NULL ||
      !HOST_HAS_SLOT(io->api, host_api, free) || io->api->alloc == NULL || io->api->free == NULL) {
    return HOST_STATUS_INVALID_ARGUMENT; /* nowhere to report more */
  }
  io->error.data = NULL;
  io->error.size = 0;
  hostc_arena_init(&arena);
  if (HOST_ABI_VERSION < io->host_abi_min || HOST_ABI_VERSION > io->host_abi_max) {
    host_status status = refuse(
        io, HOST_STATUS_UNSUPPORTED,
        hostc_arena_format(&arena,
                           "module %s speaks host ABI version %u, but the host supports versions "
                           "%u to %u; rebuild the module against this host's SDK",
                           module->name ? module->name : "?", (unsigned)HOST_ABI_VERSION,
                           (unsigned)io->host_abi_min, (unsigned)io->host_abi_max));
    hostc_arena_release(&arena);
    return status;
  }
  if (module->name == NULL || module->name[0] == '\0') {
    hostc_arena_release(&arena);
    return refuse(io, HOST_STATUS_ERROR, "the C module declares no name (see HOSTC_MODULE)");
  }

  main_object = pascal_case(module->name);
  def = main_object ? build_module(&arena, module, main_object, &problem) : NULL;
  if (def == NULL) {
    host_status status = refuse(io, HOST_STATUS_ERROR,
                                hostc_arena_format(&arena, "module %s: %s", module->name,
                                                   problem ? problem : "out of memory"));
    free(main_object);
    hostc_arena_release(&arena);
    return status;
  }
  size = host__v1__module_def__get_packed_size(def);
  packed = (uint8_t*)malloc(size > 0 ? size : 1);
  if (packed == NULL) {
    free(main_object);
    hostc_arena_release(&arena);
    return refuse(io, HOST_STATUS_ERROR, "out of memory");
  }
  host__v1__module_def__pack(def, packed);
  hostc_arena_release(&arena);

  /* Negotiation happens once per load; a repeated one replaces the state. */
  free(g_main_object);
  free(g_module_def);
  g_api = io->api;
  g_module = module;
  g_main_object = main_object;
  g_module_def = packed;
  g_module_def_size = size;

  io->module_abi = HOST_ABI_VERSION;
  io->module = &g_table;
  io->module_name = module->name;
  io->build_info = module->build_info ? module->build_info : "C SDK";
  return HOST_STATUS_OK;
}

static host_status describe(host_buffer* module_def, host_buffer* error) {
  module_def->data = NULL;
  module_def->size = 0;
  error->data = NULL;
  error->size = 0;
  if (g_module_def == NULL) {
    return HOST_STATUS_ERROR; /* no API to allocate a message with: negotiation never ran */
  }
  module_def->data = (uint8_t*)g_api->alloc(g_module_def_size > 0 ? g_module_def_size : 1);
  if (module_def->data == NULL) {
    hostc_text_for_host(g_api, "out of memory", error);
    return HOST_STATUS_ERROR;
  }
  memcpy(module_def->data, g_module_def, g_module_def_size);
  module_def->size = g_module_def_size;
  return HOST_STATUS_OK;
}

/* Fails an invocation before the function runs. */
static host_status reject(hostc_call* call, host_status status, const char* message) {
  g_api->free(call->error.data);
  hostc_error_for_host(message ? message : "out of memory", &call->error);
  call->has_error = 1;
  return status;
}

/* The constructor of an object: it has no arguments and no fields. */
static host_status construct(hostc_call* call, const char* type_name) {
  Host__V1__Value value = HOST__V1__VALUE__INIT;
  Host__V1__ObjectValue object = HOST__V1__OBJECT_VALUE__INIT;
  object.type_name = (char*)type_name;
  value.kind_case = HOST__V1__VALUE__KIND_OBJECT_VALUE;
  value.object_value = &object;
  if (!hostc_pack_for_host(&value.base, &call->result)) {
    return reject(call, HOST_STATUS_ERROR, "out of memory");
  }
  call->has_result = 1;
  return HOST_STATUS_OK;
}

/* Finds the function a call names, or rejects the call. */
static host_status dispatch(hostc_call* call) {
  const Host__V1__Call* message = call->message;
  const char* type_name = g_main_object;
  const hostc_function* functions = g_module->functions;
  size_t function_count = g_module->function_count;
  size_t i;
  if (message->object[0] != '\0' && strcmp(message->object, g_main_object) != 0) {
    const hostc_object* object = NULL;
    for (i = 0; i < g_module->object_count; ++i) {
      if (strcmp(g_module->objects[i].name, message->object) == 0) {
        object = &g_module->objects[i];
      }
    }
    if (object == NULL) {
      return reject(call, HOST_STATUS_UNSUPPORTED,
                    hostc_arena_format(&call->arena, "module %s has no object %s", g_module->name,
                                       message->object));
    }
    type_name = object->name;
    functions = object->functions;
    function_count = object->function_count;
  }
  if (message->function[0] == '\0') {
    return construct(call, type_name);
  }
  for (i = 0; i < function_count; ++i) {
    if (strcmp(functions[i].name, message->function) == 0) {
      call->function = &functions[i];
      break;
    }
  }
  if (call->function == NULL) {
    return reject(call, HOST_STATUS_UNSUPPORTED,
                  hostc_arena_format(&call->arena, "object %s of module %s has no function %s",
                                     type_name, g_module->name, message->function));
  }
  {
    host_status status = call->function->impl(call);
    if (status == HOST_STATUS_OK && !call->has_result &&
        !may_return_nothing(call->function->return_type)) {
      return reject(call, HOST_STATUS_ERROR,
                    hostc_arena_format(&call->arena,
                                       "function %s returned no value (its type is %s); return "
                                       "one with hostc_return_*",
                                       call->function->name, call->function->return_type));
    }
    if (status != HOST_STATUS_OK && !call->has_error) {
      return reject(call, status,
                    hostc_arena_format(&call->arena,
                                       "function %s failed (status %d) without a message; fail "
                                       "with hostc_fail",
                                       call->function->name, (int)status));
    }
    return status;
  }
}

static host_status invoke(host_context* context, host_bytes bytes, host_buffer* result,
                          host_buffer* error) {
  hostc_call call;
  host_status status;
  result->data = NULL;
  result->size = 0;
  error->data = NULL;
  error->size = 0;
  if (g_module == NULL) {
    return HOST_STATUS_ERROR; /* no API to allocate a message with: negotiation never ran */
  }
  memset(&call, 0, sizeof(call));
  call.context = context;
  hostc_arena_init(&call.arena);
  call.message = host__v1__call__unpack(&call.arena.allocator, bytes.size, bytes.data);
  if (call.message == NULL) {
    status = reject(&call, HOST_STATUS_INVALID_ARGUMENT,
                    "the call could not be parsed as a host.v1.Call");
  } else {
    status = dispatch(&call);
  }
  if (status == HOST_STATUS_OK) {
    *result = call.result;
    g_api->free(call.error.data);
  } else {
    *error = call.error;
    g_api->free(call.result.data);
  }
  hostc_free_requests_from(&call, 0);
  free(call.last_error);
  hostc_arena_release(&call.arena);
  return status;
}
