// `citego-search --serve SOCKET`: one long-running process that answers citego-client's commands on a Unix socket.
//
// A search process spends most of its time starting: loading Xapian, opening the database. The server does that once
// per worker thread and answers each command with exactly the output and exit status citego-search would give
// (search_wire.h describes the exchange). It serves one database (--db) and follows it when citego-index publishes
// a new generation: before each command, a worker whose database is no longer the one PATH points to reopens it.
// Commands for another database, and --batch runs, are declined: the client then runs citego-search itself.
#pragma once

#include <ostream>
#include <string>

namespace citego {

struct ServeOptions {
  std::string socket_path;
  std::string db;
  unsigned threads = 0;  // 0: one per core, at most 8
};

// Serves until SIGINT or SIGTERM, then removes the socket, logs how many commands it answered and declined, and
// returns kExitOk. Returns kExitRuntime (after a message
// on `log`) when the database cannot be opened or the socket cannot be made: a path too long for a socket, a path
// that exists and is no socket, or a socket another server answers on. A socket file left by a server that is gone
// is replaced.
int serve(const ServeOptions& options, std::ostream& log);

}  // namespace citego
