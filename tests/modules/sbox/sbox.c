/* sbox: a module that probes its confinement. Each probe returns what happened as text: the
 * file's contents, "connected", or "errno N" with the error the system call gave. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "host/module_c.h"

static host_status errno_text(hostc_call* call, int error) {
  return hostc_return_string(call, hostc_format(call, "errno %d", error));
}

static host_status read_file(hostc_call* call) {
  enum { kLimit = 65536 };
  char* buffer = (char*)hostc_alloc(call, kLimit + 1);
  size_t size = 0;
  ssize_t n;
  int fd = open(hostc_arg_string(call, "path"), O_RDONLY | O_CLOEXEC);
  if (buffer == NULL) {
    return hostc_fail(call, "out of memory");
  }
  if (fd < 0) {
    return errno_text(call, errno);
  }
  while (size < kLimit && (n = read(fd, buffer + size, kLimit - size)) != 0) {
    if (n < 0) {
      int error = errno;
      close(fd);
      return errno_text(call, error);
    }
    size += (size_t)n;
  }
  close(fd);
  /* /proc/self/environ separates entries with NUL: show them as newlines. */
  for (n = 0; (size_t)n < size; ++n) {
    if (buffer[n] == '\0') buffer[n] = '\n';
  }
  buffer[size] = '\0';
  return hostc_return_string(call, buffer);
}

static host_status connect_tcp(hostc_call* call) {
  struct sockaddr_in address;
  int error;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return errno_text(call, errno);
  }
  memset(&address, 0, sizeof address);
  address.sin_family = AF_INET;
  address.sin_port = htons((uint16_t)hostc_arg_int(call, "port"));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  error = connect(fd, (struct sockaddr*)&address, sizeof address) == 0 ? 0 : errno;
  close(fd);
  if (error != 0) {
    return errno_text(call, error);
  }
  return hostc_return_string(call, "connected");
}

/* lcxx's brackets around text, then the text written into a core Directory and read back. */
static host_status relay(hostc_call* call) {
  const hostc_value* bracketed = NULL;
  const hostc_value* directory = NULL;
  const hostc_value* with_file = NULL;
  const hostc_value* file = NULL;
  const hostc_value* contents = NULL;
  hostc_request* request = hostc_request_new(call, "lcxx", "Lcxx", "brackets");
  hostc_request_string(request, "text", hostc_arg_string(call, "text"));
  if (hostc_request_send(request, &bracketed) != HOST_STATUS_OK) {
    return hostc_fail(call, "relay: %s", hostc_request_error(request));
  }
  request = hostc_request_new(call, "core", "Query", "directory");
  if (hostc_request_send(request, &directory) != HOST_STATUS_OK) {
    return hostc_fail(call, "directory: %s", hostc_request_error(request));
  }
  request = hostc_request_new(call, "core", "Directory", "with-new-file");
  hostc_request_receiver(request, directory);
  hostc_request_string(request, "path", "note.txt");
  hostc_request_string(request, "contents", hostc_value_string(bracketed));
  if (hostc_request_send(request, &with_file) != HOST_STATUS_OK) {
    return hostc_fail(call, "with-new-file: %s", hostc_request_error(request));
  }
  request = hostc_request_new(call, "core", "Directory", "file");
  hostc_request_receiver(request, with_file);
  hostc_request_string(request, "path", "note.txt");
  if (hostc_request_send(request, &file) != HOST_STATUS_OK) {
    return hostc_fail(call, "file: %s", hostc_request_error(request));
  }
  request = hostc_request_new(call, "core", "File", "contents");
  hostc_request_receiver(request, file);
  if (hostc_request_send(request, &contents) != HOST_STATUS_OK) {
    return hostc_fail(call, "contents: %s", hostc_request_error(request));
  }
  return hostc_return_string(call, hostc_format(call, "%s", hostc_value_string(contents)));
}

/* Reads a host file through the core Host type: the engine must refuse it to a sandboxed module. */
static host_status host_file(hostc_call* call) {
  const hostc_value* host = NULL;
  const hostc_value* file = NULL;
  const hostc_value* contents = NULL;
  hostc_request* request = hostc_request_new(call, "core", "Query", "host");
  if (hostc_request_send(request, &host) != HOST_STATUS_OK) {
    return hostc_return_string(call,
                               hostc_format(call, "refused: %s", hostc_request_error(request)));
  }
  request = hostc_request_new(call, "core", "Host", "file");
  hostc_request_receiver(request, host);
  hostc_request_string(request, "path", hostc_arg_string(call, "path"));
  if (hostc_request_send(request, &file) != HOST_STATUS_OK) {
    return hostc_return_string(call,
                               hostc_format(call, "refused: %s", hostc_request_error(request)));
  }
  request = hostc_request_new(call, "core", "File", "contents");
  hostc_request_receiver(request, file);
  if (hostc_request_send(request, &contents) != HOST_STATUS_OK) {
    return hostc_return_string(call,
                               hostc_format(call, "refused: %s", hostc_request_error(request)));
  }
  return hostc_return_string(call, hostc_format(call, "%s", hostc_value_string(contents)));
}

/* Writes a terminal escape sequence (OSC 52: set the clipboard) and a line, then crashes. */
static host_status crash_loudly(hostc_call* call) {
  static const char kNoise[] = "\033]52;c;cHduZWQ=\007boom\n";
  (void)call;
  (void)!write(STDERR_FILENO, kNoise, sizeof kNoise - 1);
  abort();
}

static const hostc_arg path_args[] = {
    HOSTC_ARG("path", "String", "The file to read."),
};
static const hostc_arg port_args[] = {
    HOSTC_ARG("port", "Int", "The loopback TCP port to connect to."),
};
static const hostc_arg relay_args[] = {
    HOSTC_ARG("text", "String", "The text lcxx puts in brackets."),
};

static const hostc_function functions[] = {
    HOSTC_FUNCTION("read_file", read_file, path_args, "String", HOSTC_CACHE_NEVER,
                   "Reads a file directly: its contents, or \"errno N\"."),
    HOSTC_FUNCTION("connect_tcp", connect_tcp, port_args, "String", HOSTC_CACHE_NEVER,
                   "Connects to 127.0.0.1:port: \"connected\", or \"errno N\"."),
    HOSTC_FUNCTION("relay", relay, relay_args, "String", HOSTC_CACHE_NEVER,
                   "Brackets text with lcxx, stores it in a core Directory and reads it back."),
    HOSTC_FUNCTION_NO_ARGS("crash_loudly", crash_loudly, "String", HOSTC_CACHE_NEVER,
                           "Writes a terminal escape sequence to stderr and crashes."),
    HOSTC_FUNCTION("host_file", host_file, path_args, "String", HOSTC_CACHE_NEVER,
                   "Reads a file through the core Host type: its contents, or \"refused: ...\"."),
};

HOSTC_MODULE("sbox", "0.1.0", "A test module that probes its confinement.", functions);
