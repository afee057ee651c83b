/* What the C SDK's sources share: the per-call arena, the module's state, type parsing, value
 * building and packing. Not part of the public API. */
#ifndef HOSTC_INTERNAL_H_
#define HOSTC_INTERNAL_H_

#include <stdarg.h>
#include <stddef.h>

#include <protobuf-c/protobuf-c.h>

#include "host/module_c.h"
#include "host/v1/wire.pb-c.h"

/* ---- Arena: memory freed all at once (per call, or per module description) ---------------- */

typedef struct hostc_arena_block hostc_arena_block;

/* A bump allocator over malloc'd blocks. Not copyable once initialised (allocator points at it). */
typedef struct hostc_arena {
  hostc_arena_block* blocks;    /* newest first */
  hostc_arena_block* spare;     /* one released block kept for reuse, or NULL */
  hostc_arena_block* embedded;  /* the first block, in its owner's memory: never freed */
  size_t block_payload;         /* the usual size of a new block */
  ProtobufCAllocator allocator; /* allocates from this arena; frees nothing */
} hostc_arena;

/* Prepares an empty arena. */
void hostc_arena_init(hostc_arena* arena);

/* The bytes of memory an embedded first block with payload usable bytes takes. */
size_t hostc_arena_embedded_size(size_t payload);

/* Prepares an arena whose first block is size bytes at memory (aligned for any type), owned by
 * the caller: one malloc can hold an object and the memory it needs first. */
void hostc_arena_init_embedded(hostc_arena* arena, void* memory, size_t size);

/* Frees everything allocated from the arena. */
void hostc_arena_release(hostc_arena* arena);

/* A point in an arena's allocations to release back to (see hostc_arena_release_to). */
typedef struct hostc_arena_mark {
  hostc_arena_block* block; /* the newest block when the mark was taken */
  size_t used;              /* its bytes in use then */
} hostc_arena_mark;

/* The arena's current point. */
hostc_arena_mark hostc_arena_get_mark(const hostc_arena* arena);

/* Frees everything allocated after mark was taken; marks released to must nest. */
void hostc_arena_release_to(hostc_arena* arena, hostc_arena_mark mark);

/* size bytes aligned for any type, or NULL when out of memory. */
void* hostc_arena_alloc(hostc_arena* arena, size_t size);

/* A copy of text; NULL when text is NULL or memory runs out. */
char* hostc_arena_strdup(hostc_arena* arena, const char* text);

/* A copy of the first length bytes of text, NUL-terminated. */
char* hostc_arena_strndup(hostc_arena* arena, const char* text, size_t length);

/* A printf-style formatted string, or NULL when out of memory. */
char* hostc_arena_vformat(hostc_arena* arena, const char* format, va_list args);

/* A printf-style formatted string, or NULL when out of memory. */
char* hostc_arena_format(hostc_arena* arena, const char* format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* ---- The module's state, set once by hostc_negotiate ------------------------------------- */

/* The host's API table, or NULL before negotiation. */
const host_api* hostc_host_api(void);

/* ---- Types and defaults --------------------------------------------------------------------- */

/* Parses a type expression ("String", "[Int]?", "Directory"). On failure returns NULL and sets
 * *error to a message allocated in arena. */
Host__V1__TypeRef* hostc_parse_type(hostc_arena* arena, const char* expression, const char** error);

/* Parses a default literal of type. On failure returns NULL and sets *error (in arena). */
Host__V1__Value* hostc_parse_default(hostc_arena* arena, const Host__V1__TypeRef* type,
                                     const char* literal, const char** error);

/* ---- Building values in an arena (NULL when out of memory) ---------------------------------- */

/* An absent value. */
Host__V1__Value* hostc_new_absent(hostc_arena* arena);

/* A String value holding a copy of text. */
Host__V1__Value* hostc_new_string(hostc_arena* arena, const char* text);

/* An Int value. */
Host__V1__Value* hostc_new_int(hostc_arena* arena, int64_t number);

/* A Float value. */
Host__V1__Value* hostc_new_float(hostc_arena* arena, double number);

/* A Boolean value. */
Host__V1__Value* hostc_new_bool(hostc_arena* arena, int truth);

/* An empty list value. */
Host__V1__Value* hostc_new_list(hostc_arena* arena);

/* A [String] value holding copies of items. */
Host__V1__Value* hostc_new_string_list(hostc_arena* arena, const char* const* items, size_t count);

/* An enum value holding a copy of name. */
Host__V1__Value* hostc_new_enum(hostc_arena* arena, const char* name);

/* An [Int] value. */
Host__V1__Value* hostc_new_int_list(hostc_arena* arena, const int64_t* items, size_t count);

/* A [Float] value. */
Host__V1__Value* hostc_new_float_list(hostc_arena* arena, const double* items, size_t count);

/* A [Boolean] value. */
Host__V1__Value* hostc_new_bool_list(hostc_arena* arena, const int* items, size_t count);

/* A list of enum values holding copies of names. */
Host__V1__Value* hostc_new_enum_list(hostc_arena* arena, const char* const* names, size_t count);

/* Appends item to the list value list; returns 0 when out of memory. */
int hostc_list_append(hostc_arena* arena, Host__V1__Value* list, Host__V1__Value* item);

/* ---- Packing ------------------------------------------------------------------------------ */

/* Serialises message into *out, allocated with the host's alloc ({NULL, 0} when it is empty);
 * returns 0 when out of memory. */
int hostc_pack_for_host(const ProtobufCMessage* message, host_buffer* out);

/* Copies text into *out, allocated with api's alloc (for messages that are plain UTF-8). */
void hostc_text_for_host(const host_api* api, const char* text, host_buffer* out);

/* Serialises an Error carrying message into *out, allocated with the host's alloc. */
void hostc_error_for_host(const char* message, host_buffer* out);

/* ---- The call in progress ----------------------------------------------------------------- */

struct hostc_call {
  host_context* context;          /* the host's context, passed on to nested calls */
  const Host__V1__Call* message;  /* the incoming call */
  const hostc_function* function; /* the function being run */
  hostc_request* requests;        /* requests not yet freed, newest first */
  unsigned long request_count;    /* requests made so far: the serial of the next one */
  char* last_error;               /* malloc'd: why the last hostc_request_finish failed */
  int last_error_is_oom;          /* whether it failed for want of memory instead */
  Host__V1__Value* receiver;      /* the receiver as a value, made on first use */
  hostc_arena arena;              /* the call's memory */
  host_buffer result;             /* serialised Value, allocated with the host's alloc */
  int has_result;                 /* whether hostc_return_* set result */
  host_buffer error;              /* serialised Error, allocated with the host's alloc */
  int has_error;                  /* whether hostc_fail set error */
};

/* Frees every request of call made at or after serial. */
void hostc_free_requests_from(hostc_call* call, unsigned long serial);

/* A deep copy of value in arena, or NULL when out of memory. */
Host__V1__Value* hostc_copy_value(hostc_arena* arena, const Host__V1__Value* value);

#endif /* HOSTC_INTERNAL_H_ */
