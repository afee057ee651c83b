/* The C SDK for host modules: declare a module and its functions in static tables, read
 * arguments, return a value or an error, and call other modules through the host.
 *
 * A whole module:
 *
 *   #include "host/module_c.h"
 *
 *   static host_status shout(hostc_call* call) {
 *     return hostc_return_string(call, hostc_format(call, "%s!", hostc_arg_string(call, "text")));
 *   }
 *   static const hostc_arg shout_args[] = {HOSTC_ARG("text", "String", "What to shout.")};
 *   static const hostc_function functions[] = {
 *       HOSTC_FUNCTION("shout", shout, shout_args, "String", HOSTC_CACHE_PERSISTENT, "Shouts."),
 *   };
 *   HOSTC_MODULE("demo", "0.1.0", "A demo module.", functions);
 *
 * The functions belong to the module's main object, named after the module in PascalCase ("my-mod"
 * makes "MyMod") and constructed with no arguments.
 *
 * TYPES are written as expressions: String, Int (64-bit), Float (double), Boolean, Void, [T] (a
 * list of T), T? (T or absent), or a capitalised object type name (e.g. Directory).
 * DEFAULTS are written as literals of the argument's type: String verbatim (sep=","), Int "42",
 * Float "2.5", Boolean "true" or "false", lists as ["a", "b"] or [1, 2].
 *
 * OBJECTS AND ENUMS of the module's own are declared with hostc_object and hostc_enum tables and
 * HOSTC_MODULE_TYPES (see "Declaring objects and enums" below).
 *
 * MEMORY: what the SDK hands a function (arguments, values built with hostc_make_*, memory from
 * hostc_alloc and hostc_format, results of typed calls) belongs to its hostc_call and is freed when
 * the function returns, or earlier at the end of a hostc_scope. A request and the value it
 * returned are freed by hostc_request_free (or when the function returns). A loop of a million
 * nested calls therefore stays flat when each iteration frees its request or ends a scope.
 * Values passed to hostc_return_* and hostc_request_* are copied, except where stated.
 *
 * THREADS: functions may run on several threads at once; a hostc_call and its requests belong to
 * the one thread running the function.
 *
 * The wire messages behind hostc_value and the raw call are protobuf-c's Host__V1__Value and
 * Host__V1__Call; include "host/v1/wire.pb-c.h" to read them directly.
 */
#ifndef HOST_MODULE_C_H_
#define HOST_MODULE_C_H_

#include <stddef.h>
#include <stdint.h>

#include "host/abi.h"

#ifdef __cplusplus
#include <cstddef> /* defines _LIBCPP_VERSION or __GLIBCXX__ for HOSTC_BUILD_INFO */
extern "C" {
#endif

/* ---- Declaring a module ------------------------------------------------------------------- */

/* The function being run: its arguments, its result, its memory, its place in the call graph. */
typedef struct hostc_call hostc_call;

/* A typed value (the wire message host.v1.Value); read it with the hostc_value_* functions. */
typedef struct Host__V1__Value hostc_value;

/* A call of one function (the wire message host.v1.Call). */
struct Host__V1__Call;

/* The implementation of a function: reads arguments from call, then returns hostc_return_*(...)
 * on success or hostc_fail(...) on failure. */
typedef host_status (*hostc_function_impl)(hostc_call* call);

/* When the host may reuse a function's result (same numbers as host.v1.CachePolicy). */
typedef enum hostc_cache {
  HOSTC_CACHE_PERSISTENT = 0, /* across runs while the inputs are equal (the default) */
  HOSTC_CACHE_SESSION = 1,    /* within one engine session */
  HOSTC_CACHE_NEVER = 2       /* never: the function runs every time it is called */
} hostc_cache;

/* One argument of a function. */
typedef struct hostc_arg {
  const char* name;          /* the argument's name */
  const char* type;          /* a type expression, e.g. "String", "[String]", "Int?" */
  const char* default_value; /* a literal of the type, or NULL for no default */
  const char* description;   /* one line shown to users */
} hostc_arg;

/* One function of the module's main object. */
typedef struct hostc_function {
  const char* name;         /* the function's name */
  hostc_function_impl impl; /* the code that runs it */
  const hostc_arg* args;    /* its arguments, in order (NULL when it has none) */
  size_t arg_count;         /* how many args there are */
  const char* return_type;  /* a type expression; "Void" when it returns nothing */
  hostc_cache cache;        /* when its result may be reused */
  const char* description;  /* its documentation; the first line is its summary */
} hostc_function;

/* One field of an object: state that travels with the object and callers can read. */
typedef struct hostc_field {
  const char* name;        /* the field's name */
  const char* type;        /* a type expression */
  const char* description; /* one line shown to users */
} hostc_field;

/* An object type of the module besides its main object, e.g. a Point with fields x and y. Its
 * functions read their receiver with hostc_receiver; it is constructed with no arguments (an
 * object with no fields set) or returned by functions built with hostc_make_object. */
typedef struct hostc_object {
  const char* name;                /* a capitalised type name, unique across loaded modules */
  const char* description;         /* one line about it */
  const hostc_field* fields;       /* its fields (NULL when it has none) */
  size_t field_count;              /* how many fields there are */
  const hostc_function* functions; /* its functions (NULL when it has none) */
  size_t function_count;           /* how many functions there are */
} hostc_object;

/* One value of an enum. */
typedef struct hostc_enum_value {
  const char* name;        /* e.g. "RED": upper case letters, digits and underscores */
  const char* description; /* one line shown to users */
} hostc_enum_value;

/* An enum type: its values travel as their names (hostc_arg_enum, hostc_return_enum). Types that
 * name it ("Color", "[Color]", "Color?") are enum types. */
typedef struct hostc_enum {
  const char* name;               /* a capitalised type name, unique across loaded modules */
  const char* description;        /* one line about it */
  const hostc_enum_value* values; /* its values */
  size_t value_count;             /* how many values there are */
} hostc_enum;

/* Everything a module declares; HOSTC_MODULE or HOSTC_MODULE_TYPES makes one. */
typedef struct hostc_module {
  const char* name;                /* the module's name, as in module.json */
  const char* version;             /* its version, as in module.json */
  const char* description;         /* one line about it */
  const hostc_function* functions; /* the functions of its main object */
  size_t function_count;           /* how many functions there are */
  const char* build_info;          /* the toolchain that built it, for diagnostics */
  const hostc_object* objects;     /* its other object types (NULL when none) */
  size_t object_count;             /* how many objects there are */
  const hostc_enum* enums;         /* its enum types (NULL when none) */
  size_t enum_count;               /* how many enums there are */
} hostc_module;

/* An argument without a default: HOSTC_ARG("text", "String", "The text to shout."). */
#define HOSTC_ARG(name, type, description) \
  { name, type, NULL, description }

/* An argument with a default literal: HOSTC_ARG_DEFAULT("factor", "Float", "2.0", "..."). */
#define HOSTC_ARG_DEFAULT(name, type, default_value, description) \
  { name, type, default_value, description }

/* A function whose arguments are the array args (counted with sizeof). */
#define HOSTC_FUNCTION(name, impl, args, return_type, cache, description) \
  { name, impl, args, sizeof(args) / sizeof((args)[0]), return_type, cache, description }

/* A function without arguments. */
#define HOSTC_FUNCTION_NO_ARGS(name, impl, return_type, cache, description) \
  { name, impl, NULL, 0, return_type, cache, description }

/* The number of elements of an array. */
#define HOSTC_COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* A field: HOSTC_FIELD("x", "Int", "The horizontal position."). */
#define HOSTC_FIELD(name, type, description) \
  { name, type, description }

/* An object type with fields and functions (both arrays, counted with sizeof). */
#define HOSTC_OBJECT(name, fields, functions, description) \
  { name, description, fields, HOSTC_COUNT(fields), functions, HOSTC_COUNT(functions) }

/* An object type with fields only (its state, read by callers). */
#define HOSTC_OBJECT_FIELDS(name, fields, description) \
  { name, description, fields, HOSTC_COUNT(fields), NULL, 0 }

/* An enum value: HOSTC_ENUM_VALUE("RED", "The colour of fire."). */
#define HOSTC_ENUM_VALUE(name, description) \
  { name, description }

/* An enum whose values are the array values. */
#define HOSTC_ENUM(name, values, description) \
  { name, description, values, HOSTC_COUNT(values) }

/* Defines the module and its exported entry host_module_init_v1; write it once, at file scope,
 * followed by a semicolon. functions is an array of hostc_function. */
#define HOSTC_MODULE(name, version, description, functions)                                   \
  HOSTC_MODULE_DEFINE(name, version, description, functions, HOSTC_COUNT(functions), NULL, 0, \
                      NULL, 0)

/* Like HOSTC_MODULE, with arrays of hostc_object and hostc_enum too. */
#define HOSTC_MODULE_TYPES(name, version, description, functions, objects, enums)             \
  HOSTC_MODULE_DEFINE(name, version, description, functions, HOSTC_COUNT(functions), objects, \
                      HOSTC_COUNT(objects), enums, HOSTC_COUNT(enums))

/* The general form: each table given with its count (NULL, 0 for none). */
#define HOSTC_MODULE_DEFINE(name, version, description, functions, function_count, objects, \
                            object_count, enums, enum_count)                                \
  static const hostc_module hostc_module_definition_ = {                                    \
      name,    version,      description, functions, function_count, HOSTC_BUILD_INFO,      \
      objects, object_count, enums,       enum_count};                                      \
  HOSTC_EXTERN_C HOST_EXPORT host_status host_module_init_v1(host_negotiate* io);           \
  HOSTC_EXTERN_C HOST_EXPORT host_status host_module_init_v1(host_negotiate* io) {          \
    return hostc_negotiate(&hostc_module_definition_, io);                                  \
  }                                                                                         \
  HOSTC_EXTERN_C host_status host_module_init_v1(host_negotiate* io)

/* Answers the host's negotiation for module (called by the entry HOSTC_MODULE defines). */
host_status hostc_negotiate(const hostc_module* module, host_negotiate* io);

/* ---- Reading arguments -------------------------------------------------------------------- */

/* The kind of a value (same numbers as the host.v1.Value oneof). */
typedef enum hostc_value_kind {
  HOSTC_VALUE_ABSENT = 0, /* no value: Void, or an optional argument that was not given */
  HOSTC_VALUE_STRING = 1, /* a String */
  HOSTC_VALUE_INT = 2,    /* an Int */
  HOSTC_VALUE_FLOAT = 3,  /* a Float */
  HOSTC_VALUE_BOOL = 4,   /* a Boolean */
  HOSTC_VALUE_ENUM = 5,   /* an enum value, read with hostc_value_string */
  HOSTC_VALUE_LIST = 6,   /* a list */
  HOSTC_VALUE_OBJECT = 7  /* an object */
} hostc_value_kind;

/* The argument called name, or NULL when it is absent (an optional argument not given). */
const hostc_value* hostc_arg_value(const hostc_call* call, const char* name);

/* Whether the argument called name is present. */
int hostc_arg_present(const hostc_call* call, const char* name);

/* The String argument called name, or NULL when absent. */
const char* hostc_arg_string(const hostc_call* call, const char* name);

/* The Int argument called name, or 0 when absent. */
int64_t hostc_arg_int(const hostc_call* call, const char* name);

/* The Float argument called name, or 0.0 when absent. */
double hostc_arg_float(const hostc_call* call, const char* name);

/* The Boolean argument called name (1 or 0), or 0 when absent. */
int hostc_arg_bool(const hostc_call* call, const char* name);

/* The enum argument called name (the value's name, e.g. "RED"), or NULL when absent. */
const char* hostc_arg_enum(const hostc_call* call, const char* name);

/* The object argument called name (pass it on as a receiver or argument, read its fields with
 * hostc_value_field), or NULL when absent. */
const hostc_value* hostc_arg_object(const hostc_call* call, const char* name);

/* The items of the [Int] argument called name, in the call's memory; *count receives how many.
 * NULL (and *count 0) when absent or not a list of Int, or when out of memory. The other list
 * readers below work alike. */
const int64_t* hostc_arg_int_list(hostc_call* call, const char* name, size_t* count);

/* The items of the [Float] argument called name (Int items are converted). */
const double* hostc_arg_float_list(hostc_call* call, const char* name, size_t* count);

/* The items of the [Boolean] argument called name, each 1 or 0. */
const int* hostc_arg_bool_list(hostc_call* call, const char* name, size_t* count);

/* The items of the [String] or [enum] argument called name. */
const char* const* hostc_arg_string_list(hostc_call* call, const char* name, size_t* count);

/* The items of the list-of-objects argument called name. */
const hostc_value* const* hostc_arg_object_list(hostc_call* call, const char* name, size_t* count);

/* The object the function is called on (its fields are the object's state), or NULL for a
 * function of the main object called without one. */
const hostc_value* hostc_receiver(hostc_call* call);

/* The kind of value; HOSTC_VALUE_ABSENT for NULL. */
hostc_value_kind hostc_value_kind_of(const hostc_value* value);

/* The text of a String or enum value, or NULL for any other kind. */
const char* hostc_value_string(const hostc_value* value);

/* The number of an Int value, or 0 for any other kind. */
int64_t hostc_value_int(const hostc_value* value);

/* The number of a Float value (or of an Int value, converted), or 0.0 for any other kind. */
double hostc_value_float(const hostc_value* value);

/* The truth of a Boolean value (1 or 0), or 0 for any other kind. */
int hostc_value_bool(const hostc_value* value);

/* The number of items of a list value, or 0 for any other kind. */
size_t hostc_value_list_size(const hostc_value* value);

/* Item index of a list value, or NULL when out of range or not a list. */
const hostc_value* hostc_value_list_item(const hostc_value* value, size_t index);

/* The items of a list of Int as an array in call's memory (see hostc_arg_int_list). */
const int64_t* hostc_value_int_array(hostc_call* call, const hostc_value* list, size_t* count);

/* The items of a list of Float as an array (Int items are converted). */
const double* hostc_value_float_array(hostc_call* call, const hostc_value* list, size_t* count);

/* The items of a list of Boolean as an array of 1 and 0. */
const int* hostc_value_bool_array(hostc_call* call, const hostc_value* list, size_t* count);

/* The items of a list of String or enum values as an array of strings. */
const char* const* hostc_value_string_array(hostc_call* call, const hostc_value* list,
                                            size_t* count);

/* The items of a list of objects as an array of object values. */
const hostc_value* const* hostc_value_object_array(hostc_call* call, const hostc_value* list,
                                                   size_t* count);

/* The type name of an object value ("Point", "Directory"), or NULL for any other kind. */
const char* hostc_value_type_name(const hostc_value* value);

/* The field called name of an object value, or NULL when it has none or is not an object. */
const hostc_value* hostc_value_field(const hostc_value* object, const char* name);

/* The name of the function being run. */
const char* hostc_function_name(const hostc_call* call);

/* The whole incoming call (include "host/v1/wire.pb-c.h" to read it). */
const struct Host__V1__Call* hostc_call_message(const hostc_call* call);

/* The host's context of the call in progress (what nested calls pass back to host_api.call). */
host_context* hostc_context(const hostc_call* call);

/* ---- Returning -------------------------------------------------------------------------- */

/* Returns text (copied) as a String; returns the status for the function to return. */
host_status hostc_return_string(hostc_call* call, const char* text);

/* Returns number as an Int. */
host_status hostc_return_int(hostc_call* call, int64_t number);

/* Returns number as a Float. */
host_status hostc_return_float(hostc_call* call, double number);

/* Returns truth (nonzero is true) as a Boolean. */
host_status hostc_return_bool(hostc_call* call, int truth);

/* Returns count strings (copied) as a [String]. */
host_status hostc_return_string_list(hostc_call* call, const char* const* items, size_t count);

/* Returns count numbers as an [Int]. */
host_status hostc_return_int_list(hostc_call* call, const int64_t* items, size_t count);

/* Returns count numbers as a [Float]. */
host_status hostc_return_float_list(hostc_call* call, const double* items, size_t count);

/* Returns count truths (nonzero is true) as a [Boolean]. */
host_status hostc_return_bool_list(hostc_call* call, const int* items, size_t count);

/* Returns the enum value called name (e.g. "RED"); the host checks it is one of the enum's. */
host_status hostc_return_enum(hostc_call* call, const char* name);

/* Returns count enum values, by name. */
host_status hostc_return_enum_list(hostc_call* call, const char* const* names, size_t count);

/* Returns an object value (e.g. one built with hostc_make_object, or a nested call's result);
 * fails the call when object is NULL or not an object. */
host_status hostc_return_object(hostc_call* call, const hostc_value* object);

/* Returns count object values as a list of objects. */
host_status hostc_return_object_list(hostc_call* call, const hostc_value* const* items,
                                     size_t count);

/* Returns nothing: the absent value of an optional type (same as returning HOST_STATUS_OK). */
host_status hostc_return_absent(hostc_call* call);

/* Returns any value (copied), e.g. a nested call's result; NULL returns the absent value. */
host_status hostc_return_value(hostc_call* call, const hostc_value* value);

/* Fails the call with a printf-style message; returns HOST_STATUS_ERROR for the function to
 * return. (Returning HOST_STATUS_OK without a hostc_return_* returns nothing, which only a Void or
 * optional return type allows.) */
host_status hostc_fail(hostc_call* call, const char* format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* ---- Building values ----------------------------------------------------------------------- */

/* Values for results and arguments, in the call's memory (until the function returns or the
 * enclosing hostc_scope ends). Each returns NULL when out of memory; hostc_return_* and
 * hostc_request_* report a NULL value as "out of memory". Text is copied. */

/* A String value. */
hostc_value* hostc_make_string(hostc_call* call, const char* text);

/* An Int value. */
hostc_value* hostc_make_int(hostc_call* call, int64_t number);

/* A Float value. */
hostc_value* hostc_make_float(hostc_call* call, double number);

/* A Boolean value (nonzero is true). */
hostc_value* hostc_make_bool(hostc_call* call, int truth);

/* An enum value, by its name. */
hostc_value* hostc_make_enum(hostc_call* call, const char* name);

/* An empty list; add items with hostc_list_add. */
hostc_value* hostc_make_list(hostc_call* call);

/* Appends item (not copied) to list; returns 0 when out of memory or list is not a list. */
int hostc_list_add(hostc_call* call, hostc_value* list, const hostc_value* item);

/* An object of type type_name with no fields; set them with hostc_object_set. */
hostc_value* hostc_make_object(hostc_call* call, const char* type_name);

/* Sets field name of object to value (not copied), replacing an earlier value; returns 0 when out
 * of memory or object is not an object. */
int hostc_object_set(hostc_call* call, hostc_value* object, const char* name,
                     const hostc_value* value);

/* A copy of object (a receiver, say) whose fields can be changed with hostc_object_set: the way a
 * "with_x" function returns a changed copy of its receiver. NULL when object is not an object. */
hostc_value* hostc_object_copy(hostc_call* call, const hostc_value* object);

/* ---- Memory and logging ----------------------------------------------------------------- */

/* A point in the call's memory to go back to: what is allocated after hostc_scope_begin (values,
 * hostc_alloc and hostc_format memory, results of typed calls, and requests not yet freed) is
 * freed by hostc_scope_end. Scopes nest; end them in the reverse order of their beginnings. */
typedef struct hostc_scope {
  void* block_;            /* internal: the newest memory block at the beginning */
  size_t used_;            /* internal: its bytes in use then */
  unsigned long requests_; /* internal: the number of requests made before the scope */
} hostc_scope;

/* Begins a scope; pass the result to hostc_scope_end. */
hostc_scope hostc_scope_begin(hostc_call* call);

/* Frees what was allocated, and the requests made, since scope began. */
void hostc_scope_end(hostc_call* call, hostc_scope scope);

/* size bytes that live until the function returns, or NULL when out of memory. */
void* hostc_alloc(hostc_call* call, size_t size);

/* A printf-style formatted string that lives until the function returns, or NULL when out of
 * memory. */
char* hostc_format(hostc_call* call, const char* format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Writes a printf-style log line attributed to the call in progress. */
void hostc_log(hostc_call* call, host_log_level level, const char* format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* ---- Calling other modules through the host ----------------------------------------------- */

/* A call being prepared from inside a function, with its own memory: it and the value it
 * returned live until hostc_request_free, the end of the scope it was made in, or the function's
 * return, whichever comes first. */
typedef struct hostc_request hostc_request;

/* Prepares a call of function on object of module, made on behalf of call. The receiver is the
 * object constructed with no arguments (type_name object, no fields); an empty function calls the
 * constructor, without a receiver. */
hostc_request* hostc_request_new(hostc_call* call, const char* module, const char* object,
                                 const char* function);

/* Uses object (an object value, e.g. a nested call's result; not copied) as the receiver. */
void hostc_request_receiver(hostc_request* request, const hostc_value* object);

/* Adds the String argument name = text (copied). */
void hostc_request_string(hostc_request* request, const char* name, const char* text);

/* Adds the Int argument name = number. */
void hostc_request_int(hostc_request* request, const char* name, int64_t number);

/* Adds the Float argument name = number. */
void hostc_request_float(hostc_request* request, const char* name, double number);

/* Adds the Boolean argument name = truth (nonzero is true). */
void hostc_request_bool(hostc_request* request, const char* name, int truth);

/* Adds the [String] argument name = items (copied). */
void hostc_request_string_list(hostc_request* request, const char* name, const char* const* items,
                               size_t count);

/* Adds the [Int] argument name = items (copied). */
void hostc_request_int_list(hostc_request* request, const char* name, const int64_t* items,
                            size_t count);

/* Adds the [Float] argument name = items (copied). */
void hostc_request_float_list(hostc_request* request, const char* name, const double* items,
                              size_t count);

/* Adds the [Boolean] argument name = items (nonzero is true; copied). */
void hostc_request_bool_list(hostc_request* request, const char* name, const int* items,
                             size_t count);

/* Adds the enum argument name = the value called value_name (copied). */
void hostc_request_enum(hostc_request* request, const char* name, const char* value_name);

/* Adds the [enum] argument name = the values called names (copied). */
void hostc_request_enum_list(hostc_request* request, const char* name, const char* const* names,
                             size_t count);

/* Adds the object argument name = object (not copied; e.g. a nested call's result). An object
 * NULL or not an object fails the request. */
void hostc_request_object(hostc_request* request, const char* name, const hostc_value* object);

/* Adds the list-of-objects argument name = items (the array is copied, the objects are not). */
void hostc_request_object_list(hostc_request* request, const char* name,
                               const hostc_value* const* items, size_t count);

/* Adds the argument name = value (not copied; it must live until hostc_request_send). */
void hostc_request_value(hostc_request* request, const char* name, const hostc_value* value);

/* Makes the call through the host. On HOST_STATUS_OK *result (if result is not NULL) receives the
 * returned value, owned by the request; otherwise see hostc_request_error. */
host_status hostc_request_send(hostc_request* request, const hostc_value** result);

/* Why the request failed ("module.function failed: message"), or NULL when it has not failed.
 * Owned by the request. */
const char* hostc_request_error(const hostc_request* request);

/* Frees request, its memory and the value it returned, at once; NULL does nothing. */
void hostc_request_free(hostc_request* request);

/* Sends request, stores its result in call's memory and frees the request: what generated typed C
 * clients do. On failure the call's hostc_last_error says why. The result, when not NULL,
 * receives a copy of the returned value (absent values give NULL). */
host_status hostc_request_finish(hostc_request* request, const hostc_value** result);

/* Why the last typed call (hostc_request_finish) of call failed, or NULL when none has. */
const char* hostc_last_error(const hostc_call* call);

/* Records message (copied) as the reason hostc_last_error gives and returns HOST_STATUS_ERROR:
 * how a typed client reports a result it cannot convert. */
host_status hostc_set_last_error(hostc_call* call, const char* message);

/* ---- Internals used by the macros above --------------------------------------------------- */

/* Makes a string literal of a number. */
#define HOSTC_STRINGIFY_(x) #x
/* Makes a string literal of a macro's value. */
#define HOSTC_STRINGIFY(x) HOSTC_STRINGIFY_(x)

/* The compiler that compiles this header, e.g. "gcc 12.2.0" or "clang 14.0.6". */
#if defined(__clang__)
#define HOSTC_CLANG_MAJOR_ HOSTC_STRINGIFY(__clang_major__)
#define HOSTC_CLANG_MINOR_ HOSTC_STRINGIFY(__clang_minor__)
#define HOSTC_CLANG_PATCH_ HOSTC_STRINGIFY(__clang_patchlevel__)
#define HOSTC_COMPILER "clang " HOSTC_CLANG_MAJOR_ "." HOSTC_CLANG_MINOR_ "." HOSTC_CLANG_PATCH_
#elif defined(__GNUC__)
#define HOSTC_COMPILER "gcc " __VERSION__
#else
#define HOSTC_COMPILER "unknown compiler"
#endif

/* The language and C++ standard library of the module's source. */
#if defined(__cplusplus) && defined(_LIBCPP_VERSION)
#define HOSTC_LANGUAGE ", C++ with libc++ " HOSTC_STRINGIFY(_LIBCPP_VERSION)
#elif defined(__cplusplus) && defined(__GLIBCXX__)
#define HOSTC_LANGUAGE ", C++ with libstdc++ " HOSTC_STRINGIFY(__GLIBCXX__)
#elif defined(__cplusplus)
#define HOSTC_LANGUAGE ", C++"
#else
#define HOSTC_LANGUAGE ""
#endif

/* The build_info a module reports, e.g. "C SDK, gcc 12.2.0". */
#define HOSTC_BUILD_INFO "C SDK, " HOSTC_COMPILER HOSTC_LANGUAGE

/* Gives the entry C linkage when the module is written in C++. */
#ifdef __cplusplus
#define HOSTC_EXTERN_C extern "C"
#else
#define HOSTC_EXTERN_C
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HOST_MODULE_C_H_ */
