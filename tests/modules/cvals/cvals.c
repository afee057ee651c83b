/* cvals: a module in plain C99 that takes and returns every kind of value the C SDK offers:
 * lists of Int, Float, Boolean, String, enums and objects, optional values, an enum and an
 * object type of its own (Point, with fields and functions). */
#include <stdlib.h>
#include <string.h>

#include "host/module_c.h"

/* [Int] -> [Int]: each number doubled. */
static host_status doubled(hostc_call* call) {
  size_t count = 0;
  size_t i;
  const int64_t* numbers = hostc_arg_int_list(call, "numbers", &count);
  int64_t* out = (int64_t*)hostc_alloc(call, (count + 1) * sizeof(int64_t));
  if (numbers == NULL || out == NULL) {
    return hostc_fail(call, "numbers: not a list of Int");
  }
  for (i = 0; i < count; ++i) {
    out[i] = numbers[i] * 2;
  }
  return hostc_return_int_list(call, out, count);
}

/* [Float] -> [Float]: each number halved. */
static host_status halved(hostc_call* call) {
  size_t count = 0;
  size_t i;
  const double* numbers = hostc_arg_float_list(call, "numbers", &count);
  double* out = (double*)hostc_alloc(call, (count + 1) * sizeof(double));
  if (numbers == NULL || out == NULL) {
    return hostc_fail(call, "numbers: not a list of Float");
  }
  for (i = 0; i < count; ++i) {
    out[i] = numbers[i] / 2;
  }
  return hostc_return_float_list(call, out, count);
}

/* [Boolean] -> [Boolean]: each flag negated. */
static host_status negated(hostc_call* call) {
  size_t count = 0;
  size_t i;
  const int* flags = hostc_arg_bool_list(call, "flags", &count);
  int* out = (int*)hostc_alloc(call, (count + 1) * sizeof(int));
  if (flags == NULL || out == NULL) {
    return hostc_fail(call, "flags: not a list of Boolean");
  }
  for (i = 0; i < count; ++i) {
    out[i] = !flags[i];
  }
  return hostc_return_bool_list(call, out, count);
}

/* [String] -> [String]: the items in reverse order. */
static host_status reversed(hostc_call* call) {
  size_t count = 0;
  size_t i;
  const char* const* items = hostc_arg_string_list(call, "items", &count);
  const char** out = (const char**)hostc_alloc(call, (count + 1) * sizeof(const char*));
  if (items == NULL || out == NULL) {
    return hostc_fail(call, "items: not a list of String");
  }
  for (i = 0; i < count; ++i) {
    out[i] = items[count - 1 - i];
  }
  return hostc_return_string_list(call, out, count);
}

/* The colour after name (RED, GREEN, BLUE, then RED again). */
static const char* next_color(const char* name) {
  if (strcmp(name, "RED") == 0) {
    return "GREEN";
  }
  if (strcmp(name, "GREEN") == 0) {
    return "BLUE";
  }
  return "RED";
}

/* Color -> Color. */
static host_status next(hostc_call* call) {
  return hostc_return_enum(call, next_color(hostc_arg_enum(call, "color")));
}

/* [Color] -> [Color]: each colour's next. */
static host_status shifted(hostc_call* call) {
  size_t count = 0;
  size_t i;
  const char* const* colors = hostc_arg_string_list(call, "colors", &count);
  const char** out = (const char**)hostc_alloc(call, (count + 1) * sizeof(const char*));
  if (colors == NULL || out == NULL) {
    return hostc_fail(call, "colors: not a list of Color");
  }
  for (i = 0; i < count; ++i) {
    out[i] = next_color(colors[i]);
  }
  return hostc_return_enum_list(call, out, count);
}

/* String? -> String?: absent stays absent. */
static host_status greet(hostc_call* call) {
  const char* name = hostc_arg_string(call, "name");
  if (name == NULL) {
    return hostc_return_absent(call);
  }
  return hostc_return_string(call, hostc_format(call, "hi %s", name));
}

/* Int? -> Int?: absent stays absent. */
static host_status successor(hostc_call* call) {
  if (!hostc_arg_present(call, "n")) {
    return HOST_STATUS_OK; /* returning nothing: the absent value */
  }
  return hostc_return_int(call, hostc_arg_int(call, "n") + 1);
}

/* A Point value with fields x and y. */
static hostc_value* make_point(hostc_call* call, int64_t x, int64_t y) {
  hostc_value* point = hostc_make_object(call, "Point");
  if (!hostc_object_set(call, point, "x", hostc_make_int(call, x)) ||
      !hostc_object_set(call, point, "y", hostc_make_int(call, y))) {
    return NULL;
  }
  return point;
}

/* (Int, Int) -> Point. */
static host_status point(hostc_call* call) {
  return hostc_return_object(call,
                             make_point(call, hostc_arg_int(call, "x"), hostc_arg_int(call, "y")));
}

/* Int -> [Point]: points (i, -i) for i below count. */
static host_status diagonal(hostc_call* call) {
  int64_t count = hostc_arg_int(call, "count");
  const hostc_value** points;
  int64_t i;
  if (count < 0 || count > 1000) {
    return hostc_fail(call, "count must be between 0 and 1000, not %lld", (long long)count);
  }
  points = (const hostc_value**)hostc_alloc(call, (size_t)(count + 1) * sizeof(hostc_value*));
  if (points == NULL) {
    return hostc_fail(call, "out of memory");
  }
  for (i = 0; i < count; ++i) {
    points[i] = make_point(call, i, -i);
  }
  return hostc_return_object_list(call, points, (size_t)count);
}

/* [Point] -> Int: the sum of |x| + |y| over the points. */
static host_status total(hostc_call* call) {
  size_t count = 0;
  size_t i;
  int64_t sum = 0;
  const hostc_value* const* points = hostc_arg_object_list(call, "points", &count);
  if (points == NULL) {
    return hostc_fail(call, "points: not a list of objects");
  }
  for (i = 0; i < count; ++i) {
    int64_t x = hostc_value_int(hostc_value_field(points[i], "x"));
    int64_t y = hostc_value_int(hostc_value_field(points[i], "y"));
    sum += (x < 0 ? -x : x) + (y < 0 ? -y : y);
  }
  return hostc_return_int(call, sum);
}

/* Fails with the message given. */
static host_status fail(hostc_call* call) {
  return hostc_fail(call, "cvals failed: %s", hostc_arg_string(call, "message"));
}

/* Point.moved(dx, dy) -> Point: a moved copy of the receiver. */
static host_status moved(hostc_call* call) {
  const hostc_value* self = hostc_receiver(call);
  hostc_value* copy = hostc_object_copy(call, self);
  int64_t x = hostc_value_int(hostc_value_field(self, "x")) + hostc_arg_int(call, "dx");
  int64_t y = hostc_value_int(hostc_value_field(self, "y")) + hostc_arg_int(call, "dy");
  if (!hostc_object_set(call, copy, "x", hostc_make_int(call, x)) ||
      !hostc_object_set(call, copy, "y", hostc_make_int(call, y))) {
    return hostc_fail(call, "out of memory");
  }
  return hostc_return_object(call, copy);
}

/* Point.label() -> String: "(x, y)". */
static host_status label(hostc_call* call) {
  const hostc_value* self = hostc_receiver(call);
  return hostc_return_string(
      call,
      hostc_format(call, "(%lld, %lld)", (long long)hostc_value_int(hostc_value_field(self, "x")),
                   (long long)hostc_value_int(hostc_value_field(self, "y"))));
}

static const hostc_arg numbers_int_args[] = {HOSTC_ARG("numbers", "[Int]", "Numbers.")};
static const hostc_arg numbers_float_args[] = {HOSTC_ARG("numbers", "[Float]", "Numbers.")};
static const hostc_arg flags_args[] = {HOSTC_ARG("flags", "[Boolean]", "Flags.")};
static const hostc_arg items_args[] = {HOSTC_ARG("items", "[String]", "Items.")};
static const hostc_arg color_args[] = {HOSTC_ARG("color", "Color", "A colour.")};
static const hostc_arg colors_args[] = {HOSTC_ARG("colors", "[Color]", "Colours.")};
static const hostc_arg name_args[] = {HOSTC_ARG("name", "String?", "Who, if anyone.")};
static const hostc_arg n_args[] = {HOSTC_ARG("n", "Int?", "A number, if any.")};
static const hostc_arg point_args[] = {HOSTC_ARG("x", "Int", "Across."),
                                       HOSTC_ARG("y", "Int", "Up.")};
static const hostc_arg count_args[] = {HOSTC_ARG("count", "Int", "How many points.")};
static const hostc_arg points_args[] = {HOSTC_ARG("points", "[Point]", "Points.")};
static const hostc_arg message_args[] = {HOSTC_ARG("message", "String", "What to fail with.")};
static const hostc_arg moved_args[] = {HOSTC_ARG("dx", "Int", "Across."),
                                       HOSTC_ARG_DEFAULT("dy", "Int", "0", "Up.")};

static const hostc_function functions[] = {
    HOSTC_FUNCTION("doubled", doubled, numbers_int_args, "[Int]", HOSTC_CACHE_NEVER,
                   "Doubles each number."),
    HOSTC_FUNCTION("halved", halved, numbers_float_args, "[Float]", HOSTC_CACHE_NEVER,
                   "Halves each number."),
    HOSTC_FUNCTION("negated", negated, flags_args, "[Boolean]", HOSTC_CACHE_NEVER,
                   "Negates each flag."),
    HOSTC_FUNCTION("reversed", reversed, items_args, "[String]", HOSTC_CACHE_NEVER,
                   "Reverses the items."),
    HOSTC_FUNCTION("next", next, color_args, "Color", HOSTC_CACHE_NEVER, "The next colour."),
    HOSTC_FUNCTION("shifted", shifted, colors_args, "[Color]", HOSTC_CACHE_NEVER,
                   "The next colour of each."),
    HOSTC_FUNCTION("greet", greet, name_args, "String?", HOSTC_CACHE_NEVER,
                   "Greets someone, or no one."),
    HOSTC_FUNCTION("successor", successor, n_args, "Int?", HOSTC_CACHE_NEVER, "n + 1, or nothing."),
    HOSTC_FUNCTION("point", point, point_args, "Point", HOSTC_CACHE_NEVER, "Makes a point."),
    HOSTC_FUNCTION("diagonal", diagonal, count_args, "[Point]", HOSTC_CACHE_NEVER,
                   "Points (i, -i)."),
    HOSTC_FUNCTION("total", total, points_args, "Int", HOSTC_CACHE_NEVER,
                   "Sums |x| + |y| over points."),
    HOSTC_FUNCTION("fail", fail, message_args, "String", HOSTC_CACHE_NEVER, "Always fails."),
};

static const hostc_field point_fields[] = {
    HOSTC_FIELD("x", "Int", "Across."),
    HOSTC_FIELD("y", "Int", "Up."),
};
static const hostc_function point_functions[] = {
    HOSTC_FUNCTION("moved", moved, moved_args, "Point", HOSTC_CACHE_NEVER,
                   "A copy moved by (dx, dy)."),
    HOSTC_FUNCTION_NO_ARGS("label", label, "String", HOSTC_CACHE_NEVER, "The point as (x, y)."),
};
static const hostc_object objects[] = {
    HOSTC_OBJECT("Point", point_fields, point_functions, "A point on a grid."),
};

static const hostc_enum_value color_values[] = {
    HOSTC_ENUM_VALUE("RED", "Red."),
    HOSTC_ENUM_VALUE("GREEN", "Green."),
    HOSTC_ENUM_VALUE("BLUE", "Blue."),
};
static const hostc_enum enums[] = {
    HOSTC_ENUM("Color", color_values, "A colour."),
};

HOSTC_MODULE_TYPES("cvals", "0.1.0",
                   "A plain-C test module: every kind of value both ways, objects and enums.",
                   functions, objects, enums);
