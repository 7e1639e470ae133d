// citego-search: answers one query against a citego database, as JSON, readable text or CSV; or, with --serve,
// answers citego-client's queries from a long-running server.
//
// Exit codes: 0 success (also with no hits); 1 runtime or data error (missing database, schema mismatch);
// 2 usage error or bad query; 3 past the request's deadline. With --format json, errors are a JSON object on stdout
// too; diagnostics go to stderr.
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "citego/search_command.h"
#include "citego/text_style.h"
#include "citego/watchdog.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  // Past its deadline, the process writes the deadline error and exits, wherever the search is.
  const citego::DeadlineStop stop{
      [](double seconds, const citego::CommandOutcome& late) {
        std::cout.flush();
        std::cerr.flush();
        citego::Watchdog::arm(seconds, {{STDOUT_FILENO, late.out}, {STDERR_FILENO, late.err}}, late.status);
      },
      [] { citego::Watchdog::disarm(); }};
  const citego_text_style style = citego_text_style_of_stdout();
  return citego::run_search_command(
      args, {std::cout, std::cerr, std::cin, ::isatty(STDOUT_FILENO) == 1, &stop, style.width, style.colour != 0});
}
