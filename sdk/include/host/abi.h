/* The one stable binary interface between the host runtime and a module.
 *
 * C99 only: no C++ type, exception or allocator crosses it. Control travels in C (status codes,
 * tables of function pointers, opaque handles); data travels as protobuf bytes of the messages in
 * host/v1/wire.proto (ModuleDef, Call, Value, Error).
 *
 * Rules:
 * - A module exports exactly one symbol, HOST_ENTRY_SYMBOL, whose name carries the ABI major
 *   version. A new major version is a new symbol; a module may export several.
 * - Tables are append-only and start with struct_size. Before using a slot, the reader checks that
 *   struct_size covers it (HOST_HAS_SLOT).
 * - OWNERSHIP is stated at each buffer. host_bytes are borrowed and valid only during the call that
 *   passes them. host_buffer contents are allocated with host_api.alloc by whoever fills them and
 *   freed with host_api.free by whoever receives them.
 * - Module functions may be invoked from several threads at once.
 * - A module stays loaded until the process ends: values it returned may be used at any time.
 */
#ifndef HOST_ABI_H_
#define HOST_ABI_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI major version this header describes. */
#define HOST_ABI_VERSION 1u

/* The name of the entry symbol of ABI major version 1. */
#define HOST_ENTRY_SYMBOL "host_module_init_v1"

/* Whether a table of size struct_size contains the member `slot` of type `type`. */
#define HOST_HAS_SLOT(table, type, slot) \
  ((table)->struct_size >= offsetof(type, slot) + sizeof(((type*)0)->slot))

/* Marks the entry symbol as exported from the shared object. */
#if defined(__GNUC__)
#define HOST_EXPORT __attribute__((visibility("default")))
#else
#define HOST_EXPORT
#endif

/* Outcome of every ABI function. */
typedef enum host_status {
  HOST_STATUS_OK = 0,
  HOST_STATUS_ERROR = 1,            /* the operation failed; details in the error buffer */
  HOST_STATUS_INVALID_ARGUMENT = 2, /* the request could not be parsed or validated */
  HOST_STATUS_UNSUPPORTED = 3       /* no common ABI version, or an unknown request */
} host_status;

/* Bytes lent for the duration of one call. OWNERSHIP: the lender's; never freed by the borrower. */
typedef struct host_bytes {
  const uint8_t* data;
  size_t size;
} host_bytes;

/* Bytes handed over. OWNERSHIP: allocated with host_api.alloc by the filler, freed with
 * host_api.free by the receiver. An empty buffer is {NULL, 0}. */
typedef struct host_buffer {
  uint8_t* data;
  size_t size;
} host_buffer;

/* The call in progress, opaque to modules. A module passes the one it was invoked with back to
 * host_api.call so the runtime can attribute, trace and cancel nested calls. */
typedef struct host_context host_context;

/* Log levels for host_api.log. */
typedef enum host_log_level {
  HOST_LOG_DEBUG = 0,
  HOST_LOG_INFO = 1,
  HOST_LOG_WARNING = 2,
  HOST_LOG_ERROR = 3
} host_log_level;

/* What the host offers to a module. Owned by the host; valid while the module is loaded. */
typedef struct host_api {
  uint32_t struct_size;

  /* Allocates size bytes for a host_buffer; returns NULL when out of memory. */
  void* (*alloc)(size_t size);

  /* Frees memory from alloc; NULL is allowed. */
  void (*free)(void* ptr);

  /* Calls a function through the graph (another module's, or a core type's).
   * call: Call bytes, borrowed. On HOST_STATUS_OK *result receives Value bytes; otherwise *error
   * receives Error bytes. Both are owned by the caller afterwards (free with host_api.free). */
  host_status (*call)(host_context* ctx, host_bytes call, host_buffer* result, host_buffer* error);

  /* Writes a log line attributed to the call in progress; message is UTF-8, borrowed. Secrets in
   * it are scrubbed by the host. */
  void (*log)(host_context* ctx, host_log_level level, host_bytes message);
} host_api;

/* What a module offers to the host. Owned by the module; valid while it is loaded. */
typedef struct host_module {
  uint32_t struct_size;

  /* Describes the module. On HOST_STATUS_OK *module_def receives ModuleDef bytes; otherwise
   * *error receives a UTF-8 message. Both are allocated with host_api.alloc, owned by the host. */
  host_status (*describe)(host_buffer* module_def, host_buffer* error);

  /* Runs one function. call: Call bytes, borrowed, already validated against the module's schema
   * (arguments by their declared names, defaults filled in). On HOST_STATUS_OK *result receives
   * Value bytes; otherwise *error receives Error bytes. Both are owned by the host afterwards.
   * May be called from several threads at once. */
  host_status (*invoke)(host_context* ctx, host_bytes call, host_buffer* result,
                        host_buffer* error);
} host_module;

/* The negotiation between host and module, filled in both directions by the entry symbol. */
typedef struct host_negotiate {
  uint32_t struct_size;

  /* In: the ABI revisions the host supports, inclusive, and its API table. */
  uint32_t host_abi_min;
  uint32_t host_abi_max;
  const host_api* api;

  /* Out: the revision the module chose, its table, and static strings naming it and the
   * toolchain that built it (for diagnostics). The strings are owned by the module. */
  uint32_t module_abi;
  const host_module* module;
  const char* module_name;
  const char* build_info;

  /* Out, when the entry returns an error: a UTF-8 message, allocated with api->alloc, owned by
   * the host. */
  host_buffer error;
} host_negotiate;

/* The signature of the entry symbol. It is called once, before any other function. */
typedef host_status (*host_module_init_fn)(host_negotiate* io);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HOST_ABI_H_ */
