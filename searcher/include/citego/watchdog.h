// Watchdog: the hard stop of a request that runs past its deadline, for the process that answers it.
//
// The searcher checks its deadline between stages and gives Xapian's matcher a time limit, but some work cannot be
// interrupted from inside (a wildcard's expansion, a long facet pass, a slow read). The watchdog is the backstop: a
// process answering one request at a time (citego-search, or a worker of the search server) arms it with the answer
// it owes should the deadline pass, and disarms it before writing its own answer. If it fires, a signal handler
// writes the prepared bytes and ends the process at once with the prepared exit status: no lock is taken and no
// memory allocated on that path, so it works wherever the process was stopped.
#pragma once

#include <string>
#include <vector>

namespace citego {

class Watchdog {
 public:
  struct Write {
    int fd = -1;
    std::string bytes;
  };

  // Arms the process's watchdog: after `seconds` (> 0), each write is made in order (to the end, whatever the
  // descriptor's state allows), and the process exits with `status` without running destructors or exit handlers.
  // Replaces any armed watchdog. Uses SIGALRM and the real-time interval timer: nothing else in the process may.
  static void arm(double seconds, std::vector<Write> writes, int status);

  // Disarms it; the prepared writes are dropped. Safe to call when it is not armed.
  static void disarm();
};

}  // namespace citego
