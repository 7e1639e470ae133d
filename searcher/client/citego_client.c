/* citego-client: citego-search's command line, answered by a running `citego-search --serve SOCKET`.
 *
 *   citego-client [--socket SOCKET] [CITEGO-SEARCH ARGUMENTS...]
 *   citego-client --help | --version
 *
 * Writes exactly what `citego-search ARGUMENTS...` would write, and exits with its status. The socket is --socket
 * (which must come first) or the CITEGO_SOCKET environment variable. When no server can be reached (none named, none
 * running, a socket it may not connect to, a server that closes the connection before replying) or the server
 * declines the command (another database, a --batch run, an --all export), it runs citego-search itself: the one
 * beside it, else the one on PATH. When a socket was named but no server could be reached there, it first writes one
 * line to standard error saying why. A command the server accepted is never run again here: if its answer does not come
 * in the time the server gave, the client gives the answer the server sent with its acceptance (an error). Written in C
 * with the C library only, so that it starts as fast as a process can.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "citego/search_wire.h"
#include "citego/text_style.h"

/* The server replies at once when it reads a request (an answer, a refusal, or its acceptance); a server that has
 * not replied after this long cannot be reached. */
#define CITEGO_CLIENT_REPLY_MS 5000

static long long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

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

/* Reads exactly `size` bytes before `deadline` (now_ms() time); 0 on end of stream, error or time out. */
static int read_until(int fd, void* data, size_t size, long long deadline) {
  char* p = data;
  while (size > 0) {
    long long left = deadline - now_ms();
    struct pollfd ready = {fd, POLLIN, 0};
    if (left <= 0) return 0;
    int polled = poll(&ready, 1, left > INT_MAX ? INT_MAX : (int)left);
    if (polled < 0 && errno == EINTR) continue;
    if (polled <= 0) return 0;
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

/* Runs citego-search because the server at `socket_path` could not be reached, after one line saying why. */
static int unreachable(const char* socket_path, const char* why, char** args) {
  fprintf(stderr, "citego-client: no search server could be reached at %s (%s); running citego-search\n", socket_path,
          why);
  fflush(stderr);
  return run_locally(args);
}

/* Sends the request; 0 when it cannot be sent. */
static int send_request(int fd, int argc, char** args) {
  char cwd[PATH_MAX];
  if (!getcwd(cwd, sizeof cwd)) return 0;
  const struct citego_text_style style = citego_text_style_of_stdout();
  char terminal[16];
  snprintf(terminal, sizeof terminal, "%d %u %d", isatty(STDOUT_FILENO) == 1, style.width % 10000, style.colour);
  uint32_t count = (uint32_t)argc + 2;
  if (count > CITEGO_WIRE_MAX_FIELDS) return 0;
  size_t total = 0;
  /* One buffer, one write: the fields are small. */
  size_t size = CITEGO_WIRE_MAGIC_BYTES + sizeof count + count * sizeof(uint32_t) + strlen(cwd) + strlen(terminal);
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

/* An answer: exit status, standard output, standard error. */
struct answer {
  int32_t status;
  uint32_t out_length;
  uint32_t err_length;
  char* out;
  char* err;
};

/* Reads one length-prefixed part of a reply into a new buffer; NULL on a short or oversized reply. */
static char* read_part(int fd, uint32_t* length, long long deadline) {
  if (!read_until(fd, length, sizeof *length, deadline) || *length > CITEGO_WIRE_MAX_REPLY_BYTES) return NULL;
  char* part = malloc((size_t)*length + 1);
  if (part && !read_until(fd, part, *length, deadline)) {
    free(part);
    return NULL;
  }
  return part;
}

/* Reads the status and both outputs; 0 (nothing kept) when the reply is cut short. */
static int read_answer(int fd, struct answer* a, long long deadline) {
  a->out = NULL;
  a->err = NULL;
  if (read_until(fd, &a->status, sizeof a->status, deadline) && (a->out = read_part(fd, &a->out_length, deadline)) &&
      (a->err = read_part(fd, &a->err_length, deadline))) {
    return 1;
  }
  free(a->out);
  a->out = NULL;
  return 0;
}

/* Writes the answer as citego-search would have; returns its exit status (1 when writing fails). */
static int give(struct answer* a) {
  int written = write_all(STDOUT_FILENO, a->out, a->out_length);
  written = write_all(STDERR_FILENO, a->err, a->err_length) && written;
  free(a->out);
  free(a->err);
  return written ? a->status : 1;
}

static const char kClientHelp[] =
    "Usage: citego-client [--socket SOCKET] [CITEGO-SEARCH ARGUMENTS...]\n"
    "Runs a citego-search command through a running `citego-search --serve SOCKET`, which answers it without\n"
    "opening the database again: the output and exit status are those of `citego-search ARGUMENTS...`.\n"
    "\n"
    "Options:\n"
    "  --socket SOCKET  the server's Unix socket; must come first (default: the CITEGO_SOCKET environment\n"
    "                   variable)\n"
    "  -h, --help       show this help and exit (citego-search --help shows the search's arguments)\n"
    "  --version        show the version and exit\n"
    "\n"
    "Every other argument is citego-search's. With no socket named, or when no server can be reached there (after\n"
    "one line on standard error saying why), or when the server declines the command (another database, a --batch\n"
    "run, an --all export), citego-client runs citego-search itself: the one beside it, else the one on PATH.\n"
    "\n"
    "Environment:\n"
    "  CITEGO_SOCKET    the server's socket when --socket is not given\n"
    "\n"
    "Exit status:\n"
    "  citego-search's (see citego-search --help); 2 for a usage error of citego-client itself; 1 when citego-search\n"
    "  cannot be run.\n";

/* A usage error of the client's own options: one line naming citego-client, and exit status 2. */
static int client_usage(const char* message) {
  fprintf(stderr, "citego-client: %s\nTry 'citego-client --help'.\n", message);
  return 2;
}

int main(int argc, char** argv) {
  /* A server that closes the connection must not kill the client: it is then a server that could not be reached. */
  signal(SIGPIPE, SIG_IGN);
  char** args = argv + 1;
  int count = argc - 1;
  const char* socket_path = getenv(CITEGO_WIRE_SOCKET_ENV);
  if (count >= 1 && strcmp(args[0], "--socket") == 0) {
    if (count < 2) return client_usage("option '--socket' needs a SOCKET");
    socket_path = args[1];
    args += 2;
    count -= 2;
  } else if (count >= 1 && strncmp(args[0], "--socket=", 9) == 0) {
    socket_path = args[0] + 9;
    args += 1;
    count -= 1;
  }
  /* The client's own options; every other argument is citego-search's. Word "--" ends the options. */
  for (int i = 0; i < count && strcmp(args[i], "--") != 0; ++i) {
    if (strcmp(args[i], "--socket") == 0 || strncmp(args[i], "--socket=", 9) == 0) {
      return client_usage("--socket must come first: citego-client --socket SOCKET [CITEGO-SEARCH ARGUMENTS...]");
    }
  }
  if (count >= 1 && (strcmp(args[0], "--help") == 0 || strcmp(args[0], "-h") == 0)) {
    return write_all(STDOUT_FILENO, kClientHelp, sizeof kClientHelp - 1) ? 0 : 1;
  }
  if (count >= 1 && strcmp(args[0], "--version") == 0) {
    printf("citego-client %s\n", CITEGO_VERSION);
    return fflush(stdout) == 0 ? 0 : 1;
  }
  /* run_locally writes the program name just before args: argv[0], or the "--socket" value's slot. The server
   * parses as if POSIXLY_CORRECT were unset: with it set, only citego-search here parses the way the caller expects. */
  if (!socket_path || !*socket_path || getenv("POSIXLY_CORRECT")) return run_locally(args);

  struct sockaddr_un address;
  memset(&address, 0, sizeof address);
  address.sun_family = AF_UNIX;
  if (strlen(socket_path) >= sizeof address.sun_path) return unreachable(socket_path, "path too long", args);
  strcpy(address.sun_path, socket_path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  /* The time limit covers connecting too: a server that does not take connections (its backlog full) is one that
   * cannot be reached. */
  const struct timeval send_timeout = {CITEGO_CLIENT_REPLY_MS / 1000, 0};
  if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
  if (fd < 0 || connect(fd, (const struct sockaddr*)&address, sizeof address) != 0) {
    const char* why = errno == EAGAIN || errno == EINPROGRESS ? "no connection within 5 s" : strerror(errno);
    if (fd >= 0) close(fd);
    return unreachable(socket_path, why, args);
  }
  if (!send_request(fd, count, args)) {
    close(fd);
    return unreachable(socket_path, "the request could not be sent", args);
  }

  char kind = 0;
  if (!read_until(fd, &kind, 1, now_ms() + CITEGO_CLIENT_REPLY_MS)) {
    close(fd);
    return unreachable(socket_path, "no reply", args);
  }
  struct answer a;
  if (kind == CITEGO_WIRE_ANSWERED) {
    int whole = read_answer(fd, &a, now_ms() + CITEGO_CLIENT_REPLY_MS);
    close(fd);
    return whole ? give(&a) : unreachable(socket_path, "a reply cut short", args);
  }
  if (kind != CITEGO_WIRE_ACCEPTED) {
    close(fd);
    return run_locally(args); /* declined (or a reply of another kind): citego-search answers */
  }
  /* Accepted: the answer comes within the time the server gave, else its answer for that case stands. */
  uint32_t wait_ms = 0;
  struct answer no_answer;
  if (!read_until(fd, &wait_ms, sizeof wait_ms, now_ms() + CITEGO_CLIENT_REPLY_MS) ||
      !read_answer(fd, &no_answer, now_ms() + CITEGO_CLIENT_REPLY_MS)) {
    close(fd);
    return unreachable(socket_path, "a reply cut short", args);
  }
  const long long deadline = now_ms() + wait_ms;
  if (read_until(fd, &kind, 1, deadline)) {
    if (kind == CITEGO_WIRE_ANSWERED && read_answer(fd, &a, deadline)) {
      close(fd);
      free(no_answer.out);
      free(no_answer.err);
      return give(&a);
    }
    if (kind == CITEGO_WIRE_DECLINED) {
      close(fd);
      free(no_answer.out);
      free(no_answer.err);
      return run_locally(args);
    }
  }
  close(fd);
  return give(&no_answer);
}
