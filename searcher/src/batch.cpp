// TREC runs (see citego/batch.h).
#include "citego/batch.h"

#include <cstdio>

namespace citego {

BatchSummary run_batch(const Searcher& searcher, const SearchRequest& base, std::istream& queries, std::ostream& run,
                       const std::string& tag, std::ostream& errors) {
  BatchSummary summary;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(queries, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const std::size_t tab = line.find('\t');
    if (tab == std::string::npos || tab == 0) {
      throw SearchError("bad_batch", "line " + std::to_string(line_number) + ": expected QUERY_ID<TAB>QUERY",
                        kExitUsage);
    }
    SearchRequest request = base;
    request.ranking_only = true;
    request.query = line.substr(tab + 1);
    const std::string query_id = line.substr(0, tab);
    SearchResponse response;
    try {
      response = searcher.search(request);
    } catch (const SearchError& e) {
      if (e.exit_code() != kExitUsage) throw;
      errors << "citego-search: line " << line_number << ": query " << query_id << " refused: " << e.what() << '\n';
      ++summary.refused;
      continue;
    }
    for (const Hit& hit : response.hits) {
      char score[32];
      std::snprintf(score, sizeof score, "%.6f", hit.weight);
      run << query_id << " Q0 " << hit.stored.id << ' ' << hit.rank << ' ' << score << ' ' << tag << '\n';
      ++summary.lines_written;
    }
    ++summary.queries;
  }
  return summary;
}

}  // namespace citego
