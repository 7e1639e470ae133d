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

struct CommandStreams {
  std::ostream& out;
  std::ostream& err;
  std::istream& in;          // read by --batch -
  bool out_is_terminal;      // picks the default format (text on a terminal, else JSON) and ANSI marks in text
};

// Runs `args` (argv without the program name) and returns the exit status (kExitOk, kExitRuntime, kExitUsage).
// Errors go to `err`, and as a JSON object to `out` when the output format is JSON.
int run_search_command(const std::vector<std::string>& args, const CommandStreams& streams,
                       const SearcherFor& searcher_for = {});

// The parsed command line of `args`, or nothing when it does not parse.
std::optional<CommandLine> try_parse_command_line(const std::vector<std::string>& args);

}  // namespace citego
