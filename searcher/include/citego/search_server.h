// `citego-search --serve SOCKET`: one long-running service that answers citego-client's commands on a Unix socket.
//
// A search process spends most of its time starting: loading Xapian, opening the database. The server does that once
// per worker and answers each command with exactly the output and exit status citego-search would give
// (search_wire.h describes the exchange). It serves one database (--db) and follows it when citego-index publishes
// a new generation: before each command, a worker whose database is no longer the one PATH points to reopens it.
// Commands for another database, and --batch runs, are declined: the client then runs citego-search itself.
//
// No client can hold the service up:
// - One supervising process reads every request itself, without blocking, and drops a connection whose request is
//   not whole within CITEGO_WIRE_REQUEST_MS: idle or slow connections hold no worker.
// - Workers are processes, each answering one command at a time with its deadline kept by a Watchdog. A worker that
//   crashes (a damaged database can make Xapian do so) or is killed ends only its own command, whose client gives the
//   answer the server sent it on acceptance; the supervisor starts another worker in its place.
// - A command still running after kSlowCommandMs is lowered to the lowest CPU priority and another worker is started
//   in its place (up to kMaxExtraWorkers), so slow commands cannot keep quick ones waiting; such a worker retires
//   after its command.
// - A command whose client has gone away is abandoned (its worker is killed and replaced).
// - When more than kQueuedPerWorker commands per worker wait, the next is answered at once with the error "busy".
// - A worker is replaced after --worker-requests commands, which keeps the service's memory flat.
// - At most kMaxReadingConnections connections and kMaxReadingBytes bytes of requests are read at once: past them, a
//   connection is closed unanswered (its client runs the command itself).
#pragma once

#include <cstddef>
#include <ostream>
#include <string>

#include "citego/search_request.h"

namespace citego {

inline constexpr int kSlowCommandMs = 100;
inline constexpr unsigned kMaxExtraWorkers = 4;
inline constexpr std::size_t kQueuedPerWorker = 16;
inline constexpr std::size_t kMaxReadingConnections = 1024;        // connections whose request is being read
inline constexpr std::size_t kMaxReadingBytes = 64 * 1024 * 1024;  // bytes of requests being read, in all
inline constexpr std::size_t kMaxSpawnsPerSecond = 10;

struct ServeOptions {
  std::string socket_path;
  std::string db;
  unsigned workers = 0;                           // 0: one per core, at most 8
  unsigned socket_mode = 0660;                    // permissions of the socket
  std::string socket_group;                       // its group (a name or a number), when not empty
  std::size_t worker_requests = 10000;            // commands a worker answers before it is replaced
  double max_deadline = kDefaultDeadlineSeconds;  // the longest deadline a command gets, whatever it asks
};

// Serves until SIGINT or SIGTERM, then answers the commands it has accepted, removes the socket, logs how many
// commands it answered and declined, and returns kExitOk. Returns kExitRuntime (after a message on `log`) when the
// database cannot be opened or the socket cannot be made: a path too long for a socket, a path that exists and is no
// socket, a socket another server answers on, or a group that does not exist or cannot be given. A socket file left
// by a server that is gone is replaced. Must be called by a process with one thread (it forks its workers).
int serve(const ServeOptions& options, std::ostream& log);

}  // namespace citego
