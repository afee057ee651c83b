/* host/host.h: the C API for embedding the host runtime in a program (plain C99).
 *
 * An engine loads modules and runs chains of calls on them, as `host -m MODULE call ...` does:
 *
 *   host_error* error = NULL;
 *   host_engine* engine = host_engine_new(NULL, &error);
 *   host_engine_load(engine, "semver", &error);
 *   host_arg version = {"version", "1.4.2", NULL, NULL};
 *   host_arg part = {"part", "MINOR", NULL, NULL};
 *   host_step steps[] = {{NULL, &version, 1}, {"bump", &part, 1}, {"tag", NULL, 0}};
 *   host_result* result = host_engine_call(engine, "semver", steps, 3, &error);
 *   printf("%s\n", host_result_string(result));   (prints v1.5.0)
 *   host_result_free(result);
 *   host_engine_free(engine);
 *
 * Errors: every function that can fail takes `host_error** error` last. On failure it returns
 * NULL (or 0) and, when error is not NULL, sets *error to an error the caller frees with
 * host_error_free; on success it sets *error to NULL. No C++ exception crosses this API.
 *
 * Ownership: whatever a function returns is the caller's, freed with the matching *_free
 * function. Strings read from a result or an error (host_result_string, host_error_message...)
 * belong to it and stay valid until it is freed. Strings passed in are copied or only read during
 * the call.
 *
 * Threads: create, load and free an engine from one thread; host_engine_call and
 * host_engine_call_on may run from several threads at once on one engine.
 */
#ifndef HOST_HOST_H_
#define HOST_HOST_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define HOST_C_API __attribute__((visibility("default")))
#else
#define HOST_C_API
#endif

/* Settings for a new engine (state folder, module path, progress). */
typedef struct host_options host_options;
/* An engine: the loaded modules and the state (keys, images, caches) their calls share. */
typedef struct host_engine host_engine;
/* The value a chain of calls returned. */
typedef struct host_result host_result;
/* Why a function of this API failed: a message and a kind. */
typedef struct host_error host_error;

/* The kind of an error, as the command line's exit code. */
typedef enum host_error_kind {
  HOST_ERROR_FAILED = 1, /* the request was valid but running it failed (exit code 1) */
  HOST_ERROR_USAGE = 2   /* the request was wrong: unknown module, function or argument, a value
                            of the wrong type (exit code 2) */
} host_error_kind;

/* The kind of a result's value. */
typedef enum host_value_kind {
  HOST_VALUE_NONE = 0,    /* absent: a Void function's result, or an optional value not there */
  HOST_VALUE_STRING = 1,  /* String */
  HOST_VALUE_INT = 2,     /* Int (64-bit) */
  HOST_VALUE_FLOAT = 3,   /* Float (double) */
  HOST_VALUE_BOOLEAN = 4, /* Boolean */
  HOST_VALUE_ENUM = 5,    /* an enum value, read as a string */
  HOST_VALUE_LIST = 6,    /* a list: read it as JSON */
  HOST_VALUE_OBJECT = 7   /* an object: chain on it with host_engine_call_on */
} host_value_kind;

/* One named argument of a step. Set name and exactly one of text, json and object. */
typedef struct host_arg {
  const char* name; /* declared (with_part) or kebab-case (with-part) */
  /* The value as written on the command line, read by the argument's declared type: 1.4.2, 42,
   * 2.5, true, MINOR; a list as comma-separated items (a,b or "a,b",c); a Secret as env://VAR,
   * file://PATH or cmd://COMMAND; a Directory or File as a host path; a Container as an image
   * address; a CacheVolume as its key. */
  const char* text;
  /* Or the value as JSON: "1.4.2", 42, 2.5, true, "MINOR", ["a","b"], null for an optional. */
  const char* json;
  /* Or an object an earlier call returned (HOST_VALUE_OBJECT). */
  const host_result* object;
} host_arg;

/* One call of a chain: a function (or field) of the object the previous step returned. */
typedef struct host_step {
  /* The function or field, declared or kebab-case. NULL or "" in the first step only: the
   * constructor of the module's main object, with its arguments. */
  const char* function;
  const host_arg* args; /* arg_count arguments; may be NULL when arg_count is 0 */
  size_t arg_count;
} host_step;

/* New default options: the default state folder and module path, no progress. */
HOST_C_API host_options* host_options_new(void);
/* Frees options (NULL is allowed). */
HOST_C_API void host_options_free(host_options* options);
/* Where the engine keeps keys, images and caches (default: $HOST_STATE_DIR, else
 * $XDG_CACHE_HOME/host, else /var/lib/host as root, else ~/.cache/host). NULL restores the
 * default. */
HOST_C_API void host_options_set_state_dir(host_options* options, const char* dir);
/* Adds a folder searched for modules by name, before the default path ($HOST_MODULE_PATH, the
 * user's modules, then the installed built-in modules). Folders added first are searched first. */
HOST_C_API void host_options_add_module_dir(host_options* options, const char* dir);
/* Nonzero: build progress, module logs and step output go to standard error. Default: off. */
HOST_C_API void host_options_set_progress(host_options* options, int on);
/* Nonzero: every shared-object module runs in a process of its own (as `host --isolate`), so a
 * module that crashes fails its calls instead of the embedding program. Default: off. */
HOST_C_API void host_options_set_isolate(host_options* options, int on);

/* A new engine with the given options (NULL: defaults). Free it with host_engine_free. */
HOST_C_API host_engine* host_engine_new(const host_options* options, host_error** error);
/* Frees an engine (NULL is allowed). Results it returned stay valid. */
HOST_C_API void host_engine_free(host_engine* engine);
/* Loads a module and its dependencies: a name on the module path (semver), a folder holding
 * module.json (./hello, built first if it has sources), or a shared object. Loading a module
 * twice is a no-op. Returns 1, or 0 on error. */
HOST_C_API int host_engine_load(host_engine* engine, const char* module, host_error** error);
/* The schema of a loaded module ("core" for the core types) as JSON text: its objects with
 * their constructor, fields and functions (names, descriptions, argument names, types and
 * defaults, result types) and its enums; see docs/embedding.md. Free it with host_string_free. */
HOST_C_API char* host_engine_describe(host_engine* engine, const char* module, host_error** error);
/* Runs a chain on a loaded module ("core" or NULL: the core types) and returns the last step's
 * value. It starts at the module's main object: made by the first step when its function is NULL
 * or "", else made with no arguments. Each step calls a function of the object the step before
 * returned. Free the result with host_result_free. */
HOST_C_API host_result* host_engine_call(host_engine* engine, const char* module,
                                         const host_step* steps, size_t step_count,
                                         host_error** error);
/* Runs a chain on an object an earlier call returned (HOST_VALUE_OBJECT). */
HOST_C_API host_result* host_engine_call_on(host_engine* engine, const host_result* object,
                                            const host_step* steps, size_t step_count,
                                            host_error** error);

/* The kind of a result's value. */
HOST_C_API host_value_kind host_result_kind(const host_result* result);
/* A String's or an enum value's text, else NULL. */
HOST_C_API const char* host_result_string(const host_result* result);
/* An Int's value, else 0. */
HOST_C_API int64_t host_result_int(const host_result* result);
/* A Float's value (or an Int's, converted), else 0. */
HOST_C_API double host_result_float(const host_result* result);
/* 1 for a true Boolean, else 0. */
HOST_C_API int host_result_bool(const host_result* result);
/* An object's type name (Semver, Container), else NULL. */
HOST_C_API const char* host_result_object_type(const host_result* result);
/* An object's ID (sha256:...), the digest of the call that made it, else NULL. */
HOST_C_API const char* host_result_object_id(const host_result* result);
/* The value as JSON, as `host call --json` prints it: scalars as JSON, lists as arrays, objects as
 * {"_type": ..., "_id": ..., field: value...} without their internal state, null when absent. */
HOST_C_API const char* host_result_json(const host_result* result);
/* The value as `host call` prints it: scalars as text, list items one per line, objects as
 * Type@ID; ends with a newline unless empty. */
HOST_C_API const char* host_result_text(const host_result* result);
/* Frees a result (NULL is allowed). */
HOST_C_API void host_result_free(host_result* result);

/* What went wrong, in one or more lines of UTF-8 text. */
HOST_C_API const char* host_error_message(const host_error* error);
/* Whether the request was wrong (HOST_ERROR_USAGE) or running it failed (HOST_ERROR_FAILED). */
HOST_C_API host_error_kind host_error_get_kind(const host_error* error);
/* Frees an error (NULL is allowed). */
HOST_C_API void host_error_free(host_error* error);

/* Frees a string this API returned (NULL is allowed). */
HOST_C_API void host_string_free(char* text);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HOST_HOST_H_ */
