/* citego-client: citego-search's command line, answered by a running `citego-search --serve SOCKET`.
 *
 *   citego-client [--socket SOCKET] [CITEGO-SEARCH ARGUMENTS...]
 *
 * Writes exactly what `citego-search ARGUMENTS...` would write, and exits with its status. The socket is --socket
 * (which must come first) or the CITEGO_SOCKET environment variable. When no server answers (none named, none
 * running, or one that declines the command: another database, a --batch run), it runs citego-search itself: the one
 * beside it, else the one on PATH. Written in C with the C library only, so that it starts as fast as a process can.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "citego/search_wire.h"

/* Longer than any search may take: the match time limit is 2 s a pass, and a server that has just seen a new
 * generation reads every document's facets first. */
#define CITEGO_CLIENT_TIMEOUT_SECONDS 30

static int write_all(int fd, const void* data, size_t size) {
  const char* p = data;
  while (size > 0) {
    ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;
    p += n;
    size -= (size_t)n;
  }
  return 1;
}

static int read_all(int fd, void* data, size_t size) {
  char* p = data;
  while (size > 0) {
    ssize_t n = read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;
    p += n;
    size -= (size_t)n;
  }
  return 1;
}

/* Runs citego-search with the arguments; returns only if it cannot be started. */
static int run_locally(char** args) {
  char path[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", path, sizeof path - 32);
  args[-1] = "citego-search";
  if (n > 0) {
    path[n] = '\0';
    char* slash = strrchr(path, '/');
    if (slash) {
      strcpy(slash + 1, "citego-search");
      if (access(path, X_OK) == 0) execv(path, args - 1);
    }
  }
  execvp("citego-search", args - 1);
  fprintf(stderr, "citego-client: cannot run citego-search: %s\n", strerror(errno));
  return 1;
}

/* Sends the request; 0 when the server cannot be reached. */
static int send_request(int fd, int argc, char** args) {
  char cwd[PATH_MAX];
  if (!getcwd(cwd, sizeof cwd)) return 0;
  const char* terminal = isatty(STDOUT_FILENO) ? "1" : "0";
  uint32_t count = (uint32_t)argc + 2;
  if (count > CITEGO_WIRE_MAX_FIELDS) return 0;
  size_t total = 0;
  /* One buffer, one write: the fields are small. */
  size_t size = CITEGO_WIRE_MAGIC_BYTES + sizeof count + count * sizeof(uint32_t) + strlen(cwd) + 1;
  for (int i = 0; i < argc; ++i) size += strlen(args[i]);
  char* buffer = malloc(size);
  if (!buffer) return 0;
  char* p = buffer;
  memcpy(p, CITEGO_WIRE_MAGIC, CITEGO_WIRE_MAGIC_BYTES);
  p += CITEGO_WIRE_MAGIC_BYTES;
  memcpy(p, &count, sizeof count);
  p += sizeof count;
  for (uint32_t i = 0; i < count; ++i) {
    const char* field = i == 0 ? cwd : i == 1 ? terminal : args[i - 2];
    uint32_t length = (uint32_t)strlen(field);
    total += length;
    memcpy(p, &length, sizeof length);
    p += sizeof length;
    memcpy(p, field, length);
    p += length;
  }
  int ok = total <= CITEGO_WIRE_MAX_BYTES && write_all(fd, buffer, (size_t)(p - buffer));
  free(buffer);
  return ok;
}

/* Reads one length-prefixed part of the reply into a new buffer; NULL on a short or oversized reply. */
static char* read_part(int fd, uint32_t* length) {
  if (!read_all(fd, length, sizeof *length) || *length > CITEGO_WIRE_MAX_REPLY_BYTES) return NULL;
  char* part = malloc((size_t)*length + 1);
  if (part && !read_all(fd, part, *length)) {
    free(part);
    return NULL;
  }
  return part;
}

int main(int argc, char** argv) {
  char** args = argv + 1;
  int count = argc - 1;
  const char* socket_path = getenv(CITEGO_WIRE_SOCKET_ENV);
  if (count >= 2 && strcmp(args[0], "--socket") == 0) {
    socket_path = args[1];
    args += 2;
    count -= 2;
  }
  /* run_locally writes the program name just before args: argv[0], or the "--socket" value's slot. The server
   * parses as if POSIXLY_CORRECT were unset: with it set, only citego-search here parses the way the caller expects. */
  if (!socket_path || !*socket_path || getenv("POSIXLY_CORRECT")) return run_locally(args);

  struct sockaddr_un address;
  memset(&address, 0, sizeof address);
  address.sun_family = AF_UNIX;
  if (strlen(socket_path) >= sizeof address.sun_path) return run_locally(args);
  strcpy(address.sun_path, socket_path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, (const struct sockaddr*)&address, sizeof address) != 0) {
    if (fd >= 0) close(fd);
    return run_locally(args);
  }
  /* A server that stops answering must not hang the caller: after this long the command runs here instead. */
  const struct timeval timeout = {CITEGO_CLIENT_TIMEOUT_SECONDS, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  if (!send_request(fd, count, args)) {
    close(fd);
    return run_locally(args);
  }

  char kind = 0;
  if (!read_all(fd, &kind, 1) || kind != CITEGO_WIRE_ANSWERED) {
    close(fd);
    return run_locally(args);
  }
  int32_t status = 0;
  uint32_t out_length = 0;
  uint32_t err_length = 0;
  char* out = NULL;
  char* err = NULL;
  if (!read_all(fd, &status, sizeof status) || !(out = read_part(fd, &out_length)) ||
      !(err = read_part(fd, &err_length))) {
    /* The server went away mid-reply: nothing was written yet, so the command can still run here. */
    free(out);
    close(fd);
    return run_locally(args);
  }
  close(fd);
  int written = write_all(STDOUT_FILENO, out, out_length);
  written = write_all(STDERR_FILENO, err, err_length) && written;
  free(out);
  free(err);
  return written ? status : 1;
}
