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
  std::size_t queries = 0;
  std::size_t lines_written = 0;
};

// Runs every query of `queries` with the options of `base` (its query text is ignored; ranking only) and writes the
// run to `run`. Empty lines and lines starting with '#' are skipped. Throws SearchError("bad_batch", …) naming the
// line of a line without a tab, and passes on a query's own SearchError with its line number in the message.
BatchSummary run_batch(const Searcher& searcher, const SearchRequest& base, std::istream& queries, std::ostream& run,
                       const std::string& tag);

}  // namespace citego
