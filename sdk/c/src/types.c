/* Type expressions ("String", "[Int]?", "Directory") and default literals ("2.0", "[\"a\"]"),
 * parsed into the wire's TypeRef and Value when the module is described. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Type nesting deeper than this is surely a mistake (and would cost stack). */
enum { MAX_TYPE_DEPTH = 16 };

/* Where a parse is, and what went wrong. */
typedef struct parser {
  hostc_arena* arena;
  const char* start; /* the whole text, for messages */
  const char* at;    /* the next character */
  const char* error; /* set on failure, allocated in arena */
} parser;

static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }

static int is_identifier_start(char c) { return is_upper(c) || (c >= 'a' && c <= 'z') || c == '_'; }

static int is_identifier_char(char c) { return is_identifier_start(c) || (c >= '0' && c <= '9'); }

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static void skip_spaces(parser* p) {
  while (is_space(*p->at)) {
    ++p->at;
  }
}

/* Fails the parse with a message naming the text and the position; returns NULL. */
static void* fail(parser* p, const char* what) {
  if (p->error == NULL) {
    if (p->at == p->start) {
      p->error = hostc_arena_format(p->arena, "%s in \"%s\"", what, p->start);
    } else {
      p->error = hostc_arena_format(p->arena, "%s at offset %d of \"%s\"", what,
                                    (int)(p->at - p->start), p->start);
    }
    if (p->error == NULL) {
      p->error = "out of memory";
    }
  }
  return NULL;
}

static Host__V1__TypeRef* parse_type_at(parser* p, int depth) {
  Host__V1__TypeRef* type;
  if (depth > MAX_TYPE_DEPTH) {
    return (Host__V1__TypeRef*)fail(p, "types nested too deeply");
  }
  type = (Host__V1__TypeRef*)hostc_arena_alloc(p->arena, sizeof(Host__V1__TypeRef));
  if (type == NULL) {
    return (Host__V1__TypeRef*)fail(p, "out of memory");
  }
  host__v1__type_ref__init(type);
  if (*p->at == '[') {
    ++p->at;
    type->kind = HOST__V1__TYPE_KIND__TYPE_KIND_LIST;
    type->element = parse_type_at(p, depth + 1);
    if (type->element == NULL) {
      return NULL;
    }
    if (*p->at != ']') {
      return (Host__V1__TypeRef*)fail(p, "expected ']'");
    }
    ++p->at;
  } else {
    const char* name = p->at;
    size_t length;
    if (!is_identifier_start(*p->at)) {
      return (Host__V1__TypeRef*)fail(p, "expected a type name or '['");
    }
    while (is_identifier_char(*p->at)) {
      ++p->at;
    }
    length = (size_t)(p->at - name);
#define HOSTC_IS(word) (length == sizeof(word) - 1 && memcmp(name, word, length) == 0)
    if (HOSTC_IS("String")) {
      type->kind = HOST__V1__TYPE_KIND__TYPE_KIND_STRING;
    } else if (HOSTC_IS("Int")) {
      type->kind = HOST__V1__TYPE_KIND__TYPE_KIND_INT;
    } else if (HOSTC_IS("Float")) {
      type->kind = HOST__V1__TYPE_KIND__TYPE_KIND_FLOAT;
    } else if (HOSTC_IS("Boolean")) {
      type->kind = HOST__V1__TYPE_KIND__TYPE_KIND_BOOLEAN;
    } else if (HOSTC_IS("Void")) {
      type->kind = HOST__V1__TYPE_KIND__TYPE_KIND_VOID;
    } else if (is_upper(*name)) {
      type->kind = HOST__V1__TYPE_KIND__TYPE_KIND_OBJECT;
      type->name = hostc_arena_strndup(p->arena, name, length);
      if (type->name == NULL) {
        return (Host__V1__TypeRef*)fail(p, "out of memory");
      }
    } else {
      p->at = name;
      return (Host__V1__TypeRef*)fail(
          p, "unknown type (use String, Int, Float, Boolean, Void, [T], T? or an object name)");
    }
#undef HOSTC_IS
  }
  if (*p->at == '?') {
    ++p->at;
    type->optional = 1;
  }
  return type;
}

Host__V1__TypeRef* hostc_parse_type(hostc_arena* arena, const char* expression,
                                    const char** error) {
  parser p;
  Host__V1__TypeRef* type;
  p.arena = arena;
  p.start = expression;
  p.at = expression;
  p.error = NULL;
  type = parse_type_at(&p, 0);
  if (type != NULL && *p.at != '\0') {
    type = (Host__V1__TypeRef*)fail(&p, "unexpected text after the type");
  }
  if (type != NULL && type->kind == HOST__V1__TYPE_KIND__TYPE_KIND_VOID && type->optional) {
    p.at = expression;
    type = (Host__V1__TypeRef*)fail(&p, "Void cannot be optional");
  }
  *error = p.error;
  return type;
}

/* Parses an Int, Float or Boolean from exactly the length bytes at text. */
static Host__V1__Value* parse_scalar(parser* p, const Host__V1__TypeRef* type, const char* text,
                                     size_t length) {
  char* copy = hostc_arena_strndup(p->arena, text, length);
  char* end = NULL;
  if (copy == NULL) {
    return (Host__V1__Value*)fail(p, "out of memory");
  }
  switch (type->kind) {
    case HOST__V1__TYPE_KIND__TYPE_KIND_INT: {
      long long number;
      errno = 0;
      number = strtoll(copy, &end, 10);
      if (length == 0 || *end != '\0' || is_space(*copy) || errno == ERANGE) {
        return (Host__V1__Value*)fail(p, "expected an Int");
      }
      return hostc_new_int(p->arena, (int64_t)number);
    }
    case HOST__V1__TYPE_KIND__TYPE_KIND_FLOAT: {
      double number = strtod(copy, &end);
      if (length == 0 || *end != '\0' || is_space(*copy)) {
        return (Host__V1__Value*)fail(p, "expected a Float");
      }
      return hostc_new_float(p->arena, number);
    }
    case HOST__V1__TYPE_KIND__TYPE_KIND_BOOLEAN:
      if (strcmp(copy, "true") == 0) {
        return hostc_new_bool(p->arena, 1);
      }
      if (strcmp(copy, "false") == 0) {
        return hostc_new_bool(p->arena, 0);
      }
      return (Host__V1__Value*)fail(p, "expected true or false");
    default:
      return (Host__V1__Value*)fail(p, "this type cannot have a default");
  }
}

/* The character that a backslash followed by letter stands for; 0 for an unknown letter. */
static int unescape(char letter, char* out) {
  static const char pairs[] = "\"\"\\\\//n\nt\tr\rb\bf\f"; /* letter, character, ... */
  size_t i;
  for (i = 0; pairs[i] != '\0'; i += 2) {
    if (pairs[i] == letter) {
      *out = pairs[i + 1];
      return 1;
    }
  }
  return 0;
}

/* Parses a double-quoted string with JSON's simple escapes (\" \\ \/ \n \t \r \b \f). */
static Host__V1__Value* parse_quoted(parser* p) {
  Host__V1__Value* value = hostc_new_absent(p->arena);
  const char* from;
  char* text;
  size_t length = 0;
  if (*p->at != '"') {
    return (Host__V1__Value*)fail(p, "expected a double-quoted string");
  }
  from = ++p->at;
  text = (char*)hostc_arena_alloc(p->arena, strlen(from) + 1);
  if (value == NULL || text == NULL) {
    return (Host__V1__Value*)fail(p, "out of memory");
  }
  while (*p->at != '"') {
    char c = *p->at;
    if (c == '\0') {
      return (Host__V1__Value*)fail(p, "unterminated string");
    }
    if (c == '\\') {
      ++p->at;
      if (!unescape(*p->at, &c)) {
        return (Host__V1__Value*)fail(p, "unknown escape");
      }
    }
    text[length++] = c;
    ++p->at;
  }
  ++p->at;
  text[length] = '\0';
  value->kind_case = HOST__V1__VALUE__KIND_STRING_VALUE;
  value->string_value = text;
  return value;
}

static Host__V1__Value* parse_list(parser* p, const Host__V1__TypeRef* type, int depth);

/* Parses one list item of type, stopping before ',' or ']'. */
static Host__V1__Value* parse_item(parser* p, const Host__V1__TypeRef* type, int depth) {
  const char* from = p->at;
  switch (type->kind) {
    case HOST__V1__TYPE_KIND__TYPE_KIND_STRING:
      return parse_quoted(p);
    case HOST__V1__TYPE_KIND__TYPE_KIND_ENUM: {
      Host__V1__Value* value = parse_quoted(p);
      if (value != NULL) {
        value->kind_case = HOST__V1__VALUE__KIND_ENUM_VALUE;
      }
      return value;
    }
    case HOST__V1__TYPE_KIND__TYPE_KIND_LIST:
      return parse_list(p, type, depth + 1);
    default:
      while (*p->at != '\0' && *p->at != ',' && *p->at != ']' && !is_space(*p->at)) {
        ++p->at;
      }
      return parse_scalar(p, type, from, (size_t)(p->at - from));
  }
}

/* Parses "[item, item, ...]" of the list type. */
static Host__V1__Value* parse_list(parser* p, const Host__V1__TypeRef* type, int depth) {
  Host__V1__Value* list;
  if (depth > MAX_TYPE_DEPTH) {
    return (Host__V1__Value*)fail(p, "lists nested too deeply");
  }
  if (*p->at != '[') {
    return (Host__V1__Value*)fail(p, "expected '['");
  }
  ++p->at;
  list = hostc_new_list(p->arena);
  if (list == NULL) {
    return (Host__V1__Value*)fail(p, "out of memory");
  }
  skip_spaces(p);
  if (*p->at == ']') {
    ++p->at;
    return list;
  }
  for (;;) {
    Host__V1__Value* item;
    skip_spaces(p);
    item = parse_item(p, type->element, depth);
    if (item == NULL) {
      return NULL;
    }
    if (!hostc_list_append(p->arena, list, item)) {
      return (Host__V1__Value*)fail(p, "out of memory");
    }
    skip_spaces(p);
    if (*p->at == ']') {
      ++p->at;
      return list;
    }
    if (*p->at != ',') {
      return (Host__V1__Value*)fail(p, "expected ',' or ']'");
    }
    ++p->at;
  }
}

Host__V1__Value* hostc_parse_default(hostc_arena* arena, const Host__V1__TypeRef* type,
                                     const char* literal, const char** error) {
  parser p;
  Host__V1__Value* value = NULL;
  p.arena = arena;
  p.start = literal;
  p.at = literal;
  p.error = NULL;
  switch (type->kind) {
    case HOST__V1__TYPE_KIND__TYPE_KIND_STRING:
      /* A top-level String default is the literal itself, unquoted. */
      value = hostc_new_string(arena, literal);
      if (value == NULL) {
        fail(&p, "out of memory");
      }
      break;
    case HOST__V1__TYPE_KIND__TYPE_KIND_ENUM:
      value = hostc_new_string(arena, literal);
      if (value == NULL) {
        fail(&p, "out of memory");
      } else {
        value->kind_case = HOST__V1__VALUE__KIND_ENUM_VALUE;
      }
      break;
    case HOST__V1__TYPE_KIND__TYPE_KIND_LIST:
      skip_spaces(&p);
      value = parse_list(&p, type, 0);
      skip_spaces(&p);
      if (value != NULL && *p.at != '\0') {
        value = (Host__V1__Value*)fail(&p, "unexpected text after the list");
      }
      break;
    default:
      value = parse_scalar(&p, type, literal, strlen(literal));
      break;
  }
  *error = p.error;
  return value;
}
