// Batch runs: many queries against one database in one process, written as a TREC run file.
//
// For researchers and for measuring ranking quality (bench/relevance/): each input line is "QUERY_ID<TAB>QUERY";
// each hit becomes "QUERY_ID Q0 DOC_ID RANK SCORE TAG", the format trec_eval reads. A bad line never stops the run
// and never reaches the run file: it is named on the error stream with its line number, and the run goes on.
#pragma once

#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "citego/searcher.h"

namespace citego {

struct BatchSummary {
  std::size_t queries = 0;  // queries run
  std::size_t refused = 0;  // lines refused (malformed, or a query the searcher refuses), left out of the run
  std::size_t lines_written = 0;
};

// Runs every query of `queries` with the options of `base` (its query text is ignored; ranking only) and writes the
// run to `run`. Empty lines and lines starting with '#' are skipped. A refused line gets no line in the run and one
// line on `errors`, and the run goes on:
//   citego-search: line N: expected QUERY_ID<TAB>QUERY          (no tab)
//   citego-search: line N: the query id is empty
//   citego-search: line N: query id "a b" contains whitespace (a TREC run separates its columns with spaces)
//   citego-search: line N: query QID is empty
//   citego-search: line N: query QID refused: MESSAGE           (see refuses_only_its_line)
// The warnings of `base` (its filters) go to `errors` first; after the run, when lines were refused, one more line:
// "citego-search: R of Q query lines refused". Throws SearchError("usage", …) before reading anything when `tag` is
// empty or contains whitespace, and passes on runtime errors (database), which stop the run.
BatchSummary run_batch(const Searcher& searcher, const SearchRequest& base, std::istream& queries, std::ostream& run,
                       const std::string& tag, std::ostream& errors);

// Whether the error of one query of a batch refuses only its line, and the run goes on: the query's own fault (a usage
// error: query_too_long, query_too_broad, bad_query) or its deadline (deadline_exceeded; each query has its own).
// Other errors (reading the database) stop the run.
bool refuses_only_its_line(const SearchError& error);

// Whether `args` (argv without the program name) ask for a --batch run (the option or a prefix of it, before "--"),
// so that even a command line that does not parse reports its errors on stderr only, never in the run.
bool names_batch_run(const std::vector<std::string>& args);

}  // namespace citego
