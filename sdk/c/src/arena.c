/* The arena: a bump allocator over malloc'd blocks, released all at once. Every call gets one, so
 * a function's arguments, nested results and scratch strings need no individual frees. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum {
  ARENA_ALIGNMENT = 16,       /* enough for any scalar type on the platforms we build for */
  ARENA_BLOCK_PAYLOAD = 4096, /* the usual block size; larger requests get a block of their own */
};

struct hostc_arena_block {
  hostc_arena_block* next;
  size_t size; /* bytes usable after the header */
  size_t used;
};

/* The header rounded up so the payload keeps malloc's alignment. */
#define ARENA_HEADER_SIZE \
  ((sizeof(hostc_arena_block) + ARENA_ALIGNMENT - 1) / ARENA_ALIGNMENT * ARENA_ALIGNMENT)

static void* protobuf_alloc(void* data, size_t size) {
  return hostc_arena_alloc((hostc_arena*)data, size);
}

static void protobuf_free(void* data, void* pointer) {
  /* Arena memory is released with the arena. */
  (void)data;
  (void)pointer;
}

void hostc_arena_init(hostc_arena* arena) {
  arena->blocks = NULL;
  arena->spare = NULL;
  arena->embedded = NULL;
  arena->block_payload = ARENA_BLOCK_PAYLOAD;
  arena->allocator.alloc = protobuf_alloc;
  arena->allocator.free = protobuf_free;
  arena->allocator.allocator_data = arena;
}

size_t hostc_arena_embedded_size(size_t payload) { return ARENA_HEADER_SIZE + payload; }

void hostc_arena_init_embedded(hostc_arena* arena, void* memory, size_t size) {
  hostc_arena_block* block = (hostc_arena_block*)memory;
  hostc_arena_init(arena);
  block->next = NULL;
  block->size = size - ARENA_HEADER_SIZE;
  block->used = 0;
  arena->blocks = block;
  arena->embedded = block;
  arena->block_payload = block->size; /* more blocks the size of the first */
}

void hostc_arena_release(hostc_arena* arena) {
  hostc_arena_block* block = arena->blocks;
  while (block != NULL) {
    hostc_arena_block* next = block->next;
    if (block != arena->embedded) {
      free(block);
    }
    block = next;
  }
  free(arena->spare);
  arena->blocks = NULL;
  arena->spare = NULL;
  arena->embedded = NULL;
}

hostc_arena_mark hostc_arena_get_mark(const hostc_arena* arena) {
  hostc_arena_mark mark;
  mark.block = arena->blocks;
  mark.used = arena->blocks != NULL ? arena->blocks->used : 0;
  return mark;
}

void hostc_arena_release_to(hostc_arena* arena, hostc_arena_mark mark) {
  /* Blocks are a stack (newest first), so everything after the mark is in front of it. */
  while (arena->blocks != NULL && arena->blocks != mark.block && arena->blocks != arena->embedded) {
    hostc_arena_block* block = arena->blocks;
    arena->blocks = block->next;
    if (arena->spare == NULL && block->size == arena->block_payload) {
      arena->spare = block; /* kept for the next allocation: a loop of scopes mallocs nothing */
    } else {
      free(block);
    }
  }
  if (arena->blocks != NULL) {
    arena->blocks->used = mark.used;
  }
}

void* hostc_arena_alloc(hostc_arena* arena, size_t size) {
  hostc_arena_block* block = arena->blocks;
  size_t rounded;
  size_t payload;
  if (size > (size_t)-1 - ARENA_ALIGNMENT - ARENA_HEADER_SIZE - arena->block_payload) {
    return NULL;
  }
  rounded = size == 0 ? ARENA_ALIGNMENT
                      : (size + ARENA_ALIGNMENT - 1) / ARENA_ALIGNMENT * ARENA_ALIGNMENT;
  if (block == NULL || block->size - block->used < rounded) {
    payload = rounded > arena->block_payload ? rounded : arena->block_payload;
    if (payload == arena->block_payload && arena->spare != NULL) {
      block = arena->spare;
      arena->spare = NULL;
    } else {
      block = (hostc_arena_block*)malloc(ARENA_HEADER_SIZE + payload);
      if (block == NULL) {
        return NULL;
      }
    }
    block->size = payload;
    block->used = 0;
    /* Always in front, so that releasing to a mark pops blocks in the order they came. */
    block->next = arena->blocks;
    arena->blocks = block;
  }
  block->used += rounded;
  return (char*)block + ARENA_HEADER_SIZE + block->used - rounded;
}

char* hostc_arena_strndup(hostc_arena* arena, const char* text, size_t length) {
  char* copy = (char*)hostc_arena_alloc(arena, length + 1);
  if (copy == NULL) {
    return NULL;
  }
  memcpy(copy, text, length);
  copy[length] = '\0';
  return copy;
}

char* hostc_arena_strdup(hostc_arena* arena, const char* text) {
  if (text == NULL) {
    return NULL;
  }
  return hostc_arena_strndup(arena, text, strlen(text));
}

char* hostc_arena_vformat(hostc_arena* arena, const char* format, va_list args) {
  va_list measure;
  int length;
  char* text;
  va_copy(measure, args);
  length = vsnprintf(NULL, 0, format, measure);
  va_end(measure);
  if (length < 0) {
    return NULL;
  }
  text = (char*)hostc_arena_alloc(arena, (size_t)length + 1);
  if (text == NULL) {
    return NULL;
  }
  vsnprintf(text, (size_t)length + 1, format, args);
  return text;
}

char* hostc_arena_format(hostc_arena* arena, const char* format, ...) {
  va_list args;
  char* text;
  va_start(args, format);
  text = hostc_arena_vformat(arena, format, args);
  va_end(args);
  return text;
}
