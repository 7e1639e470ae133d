// One citego-search command, from its arguments to its output and exit status, without the process around it: the
// program runs it on its own standard streams, and the search server runs it for each client on buffers.
#pragma once

#include <functional>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "citego/command_line.h"
#include "citego/searcher.h"

namespace citego {

// Where the command gets its Searcher for the database it names (--db): by default a new Searcher of that path.
using SearcherFor = std::function<const Searcher&(const std::string& db)>;

// What a command prints and its exit status.
struct CommandOutcome {
  int status = 0;
  std::string out;
  std::string err;
  bool operator==(const CommandOutcome&) const = default;
};

// How the process running a command stops it at its deadline whatever it is doing (a Watchdog, watchdog.h): `arm`
// is called with the seconds left and the answer owed if they pass, before the search starts; `disarm` before the
// command writes its own answer. No command gets a deadline longer than `max_seconds` (the search server's
// --max-deadline), whatever its --deadline says.
struct DeadlineStop {
  std::function<void(double seconds, const CommandOutcome& late)> arm;
  std::function<void()> disarm;
  double max_seconds = kMaxDeadlineSeconds;
};

struct CommandStreams {
  std::ostream& out;
  std::ostream& err;
  std::istream& in;                             // read by --batch -
  bool out_is_terminal;                         // picks the default format (text on a terminal, else JSON)
  const DeadlineStop* deadline_stop = nullptr;  // none: the deadline is kept by the searcher's own checks only
  // How text output is laid out (text_style.h): the width it is wrapped to (0: not wrapped), and ANSI bold or not.
  unsigned text_width = 0;
  bool text_colour = false;
};

// Runs `args` (argv without the program name) and returns the exit status (kExitOk, kExitRuntime, kExitUsage,
// kExitLimit). Errors go to `err`, and as a JSON object to `out` when the output format is JSON.
int run_search_command(const std::vector<std::string>& args, const CommandStreams& streams,
                       const SearcherFor& searcher_for = {});

// The format `args` ask for (their --format, else text on a terminal and JSON otherwise), as run_search_command
// decides it even for a command line that does not parse.
OutputFormat requested_format(const std::vector<std::string>& args, bool out_is_terminal);

// Exactly what run_search_command prints, and its exit status, when a command fails with `error`.
CommandOutcome refusal(const SearchError& error, OutputFormat format);

// The parsed command line of `args`, or nothing when it does not parse.
std::optional<CommandLine> try_parse_command_line(const std::vector<std::string>& args);

}  // namespace citego
