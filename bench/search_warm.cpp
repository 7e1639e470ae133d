// search_warm: the in-process cost of one search, with facets, snippets and JSON, in a warm process.
//
//   build/bench/search_warm [--facet-table] DB ROUNDS QUERY...
//
// Opens DB once, then runs every QUERY ROUNDS times the way citego-search does (Searcher::search and to_json) and
// prints the mean microseconds per query. --facet-table reads every document's facets first, as the search server
// does. Whole-process figures (start-up included) come from bench/speed/.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "citego/response_format.h"
#include "citego/searcher.h"

int main(int argc, char** argv) {
  const bool facet_table = argc > 1 && std::string(argv[1]) == "--facet-table";
  if (facet_table) {
    --argc;
    ++argv;
  }
  if (argc < 4) {
    std::cerr << "usage: search_warm [--facet-table] DB ROUNDS QUERY...\n";
    return 2;
  }
  const citego::Searcher searcher(argv[1], facet_table);
  const int rounds = std::max(1, std::atoi(argv[2]));
  std::vector<citego::SearchRequest> requests;
  for (int i = 3; i < argc; ++i) {
    citego::SearchRequest request;
    request.query = argv[i];
    requests.push_back(request);
  }
  std::size_t bytes = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < rounds; ++round) {
    for (const citego::SearchRequest& request : requests) bytes += citego::to_json(searcher.search(request)).size();
  }
  const double micros = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  std::cout << requests.size() << " queries x " << rounds
            << " rounds: " << micros / static_cast<double>(rounds * static_cast<int>(requests.size())) << " us/query ("
            << bytes << " bytes of JSON)\n";
  return 0;
}
