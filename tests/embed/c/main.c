/* Embeds an installed host through its C API (host/host.h), compiled as C99 with the C compiler
 * only: loads the built-in semver module, lists its functions, runs chains, checks the errors of
 * bad requests, and frees everything (the test runs it under valgrind or AddressSanitizer). */
#include <host/host.h>
#include <stdio.h>
#include <string.h>

static int failures = 0;

/* Reports a failed check. */
static void fail(const char* what, const char* detail) {
  fprintf(stderr, "FAIL %s: %s\n", what, detail ? detail : "(null)");
  ++failures;
}

/* Checks that a chain returned the string want; frees the result and the error. */
static void expect_string(const char* what, host_result* result, host_error* error,
                          const char* want) {
  if (result == NULL) {
    fail(what, host_error_message(error));
  } else if (host_result_string(result) == NULL || strcmp(host_result_string(result), want) != 0) {
    fail(what, host_result_json(result));
  } else {
    printf("ok %s: %s\n", what, host_result_string(result));
  }
  host_result_free(result);
  host_error_free(error);
}

/* Checks that a chain failed with a usage error whose message holds every one of words. */
static void expect_usage(const char* what, host_result* result, host_error* error,
                         const char* const* words, size_t count) {
  size_t i;
  if (result != NULL || error == NULL) {
    fail(what, "no error");
  } else if (host_error_get_kind(error) != HOST_ERROR_USAGE) {
    fail(what, host_error_message(error));
  } else {
    for (i = 0; i < count; ++i) {
      if (strstr(host_error_message(error), words[i]) == NULL) {
        fail(what, host_error_message(error));
        break;
      }
    }
    if (i == count) printf("ok %s: %s\n", what, host_error_message(error));
  }
  host_result_free(result);
  host_error_free(error);
}

int main(void) {
  host_error* error = NULL;
  host_options* options = host_options_new();
  host_engine* engine;
  char* schema;
  host_result* result;
  host_result* version;

  host_options_set_progress(options, 0);
  engine = host_engine_new(options, &error);
  host_options_free(options);
  if (engine == NULL) {
    fail("host_engine_new", host_error_message(error));
    host_error_free(error);
    return 1;
  }
  if (!host_engine_load(engine, "semver", &error)) {
    fail("loading semver", host_error_message(error));
    host_error_free(error);
    host_engine_free(engine);
    return 1;
  }

  /* The functions, as JSON. */
  schema = host_engine_describe(engine, "semver", &error);
  if (schema == NULL) {
    fail("describe", host_error_message(error));
    host_error_free(error);
  } else if (strstr(schema, "\"name\":\"bump\"") == NULL ||
             strstr(schema, "\"type\":\"Part\"") == NULL ||
             strstr(schema, "\"main_object\":\"Semver\"") == NULL) {
    fail("describe", schema);
  } else {
    printf("ok describe: %.60s...\n", schema);
  }
  host_string_free(schema);

  /* host -m semver call --version 1.4.2 next --commits "feat: add login" tag */
  {
    host_arg start[] = {{"version", "1.4.2", NULL, NULL}};
    host_arg commits[] = {{"commits", NULL, "[\"feat: add login\", \"fix: typo\"]", NULL}};
    host_step steps[] = {{NULL, start, 1}, {"next", commits, 1}, {"tag", NULL, 0}};
    result = host_engine_call(engine, "semver", steps, 3, &error);
    expect_string("semver chain", result, error, "v1.5.0");
  }

  /* An object result, chained on later; a field read as an Int. */
  {
    host_arg start[] = {{"version", "2.0.0-rc.1", NULL, NULL}};
    host_step make[] = {{"", start, 1}};
    host_step major[] = {{"major", NULL, 0}};
    version = host_engine_call(engine, "semver", make, 1, &error);
    if (version == NULL || host_result_kind(version) != HOST_VALUE_OBJECT ||
        strcmp(host_result_object_type(version), "Semver") != 0 ||
        strncmp(host_result_object_id(version), "sha256:", 7) != 0) {
      fail("object result", version ? host_result_json(version) : host_error_message(error));
      host_error_free(error);
    } else {
      result = host_engine_call_on(engine, version, major, 1, &error);
      if (result == NULL || host_result_kind(result) != HOST_VALUE_INT ||
          host_result_int(result) != 2 || strcmp(host_result_text(result), "2\n") != 0) {
        fail("field on an object", result ? host_result_json(result) : host_error_message(error));
      } else {
        printf("ok field on an object: %s", host_result_text(result));
      }
      host_result_free(result);
      host_error_free(error);
    }
    host_result_free(version);
  }

  /* Bad requests are usage errors that say what is wrong. */
  {
    host_arg part[] = {{"part", "HUGE", NULL, NULL}};
    host_step steps[] = {{"bump", part, 1}};
    const char* words[] = {"bump", "part", "HUGE", "MAJOR"};
    result = host_engine_call(engine, "semver", steps, 1, &error);
    expect_usage("bad enum value", result, error, words, 4);
  }
  {
    host_arg start[] = {{"verison", "1.0.0", NULL, NULL}};
    host_step steps[] = {{NULL, start, 1}, {"tag", NULL, 0}};
    const char* words[] = {"verison", "did you mean", "version"};
    result = host_engine_call(engine, "semver", steps, 2, &error);
    expect_usage("unknown argument", result, error, words, 3);
  }
  {
    host_arg commits[] = {{"commits", NULL, "[1, 2]", NULL}};
    host_step steps[] = {{"next", commits, 1}};
    const char* words[] = {"next", "commits", "1 is not a String"};
    result = host_engine_call(engine, "semver", steps, 1, &error);
    expect_usage("JSON of the wrong type", result, error, words, 3);
  }
  {
    host_step steps[] = {{"tag", NULL, 0}, {"major", NULL, 0}};
    const char* words[] = {"tag", "String", "nothing can be chained"};
    result = host_engine_call(engine, "semver", steps, 2, &error);
    expect_usage("chain on a string", result, error, words, 3);
  }
  {
    const char* words[] = {"nosuch"};
    if (host_engine_load(engine, "nosuch", &error) || error == NULL) {
      fail("unknown module", "loaded");
    } else if (host_error_get_kind(error) != HOST_ERROR_USAGE ||
               strstr(host_error_message(error), words[0]) == NULL) {
      fail("unknown module", host_error_message(error));
    } else {
      printf("ok unknown module: %.60s...\n", host_error_message(error));
    }
    host_error_free(error);
  }
  /* Errors may be ignored: a NULL error pointer. */
  {
    host_step steps[] = {{"no-such-function", NULL, 0}};
    if (host_engine_call(engine, "semver", steps, 1, NULL) != NULL) {
      fail("NULL error pointer", "the call worked");
    }
  }

  host_engine_free(engine);
  if (failures == 0) printf("all passed\n");
  return failures == 0 ? 0 : 1;
}
