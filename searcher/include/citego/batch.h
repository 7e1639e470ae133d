// Batch runs: many queries against one database in one process, written as a TREC run file.
//
// For researchers and for measuring ranking quality (bench/relevance/): each input line is "QUERY_ID<TAB>QUERY";
// each hit becomes "QUERY_ID Q0 DOC_ID RANK SCORE TAG", the format trec_eval reads.
#pragma once

#include <istream>
#include <ostream>
#include <string>

#include "citego/searcher.h"

namespace citego {

struct BatchSummary {
  std::size_t queries = 0;        // queries run
  std::size_t refused = 0;        // queries refused (bad or too long), reported on `errors` and left out of the run
  std::size_t lines_written = 0;
};

// Runs every query of `queries` with the options of `base` (its query text is ignored; ranking only) and writes the
// run to `run`. Empty lines and lines starting with '#' are skipped. A query the searcher refuses (a usage error such
// as query_too_long or bad_query) gets no line in the run and one line on `errors`:
// "citego-search: line N: query QID refused: MESSAGE". Throws SearchError("bad_batch", …) naming the line of a line
// without a tab, and passes on runtime errors (database).
BatchSummary run_batch(const Searcher& searcher, const SearchRequest& base, std::istream& queries, std::ostream& run,
                       const std::string& tag, std::ostream& errors);

}  // namespace citego
