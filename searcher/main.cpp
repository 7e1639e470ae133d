// citego-search: answers one query against a citego database, as JSON, readable text or CSV; or, with --serve,
// answers citego-client's queries from one long-running process.
//
// Exit codes: 0 success (also with no hits); 1 runtime or data error (missing database, schema mismatch);
// 2 usage error or bad query. With --format json, errors are a JSON object on stdout too; diagnostics go to stderr.
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "citego/search_command.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return citego::run_search_command(args, {std::cout, std::cerr, std::cin, ::isatty(STDOUT_FILENO) == 1});
}
