/* Compiles abi.h as strict C99 and checks the layout rules a module relies on. */
#include "host/abi.h"

#include <stdio.h>

int main(void) {
  host_api api = {0};
  host_module module = {0};
  host_negotiate io = {0};
  api.struct_size = (uint32_t)sizeof api;
  module.struct_size = (uint32_t)sizeof module;
  io.struct_size = (uint32_t)sizeof io;
  if (!HOST_HAS_SLOT(&api, host_api, log) || !HOST_HAS_SLOT(&module, host_module, invoke) ||
      !HOST_HAS_SLOT(&io, host_negotiate, error)) {
    fprintf(stderr, "a table does not contain its own last slot\n");
    return 1;
  }
  api.struct_size = (uint32_t)offsetof(host_api, call);
  if (HOST_HAS_SLOT(&api, host_api, call)) {
    fprintf(stderr, "an older, shorter table claims a slot it lacks\n");
    return 1;
  }
  if (HOST_ABI_VERSION != 1u) return 1;
  printf("abi.h compiles as C99; struct sizes: api %zu, module %zu, negotiate %zu\n", sizeof api,
         sizeof module, sizeof io);
  return 0;
}
