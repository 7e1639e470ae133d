// Ranking-quality measures of a TREC run against graded relevance judgments, computed as NIST
// `trec_eval -c -M 1000 -m ndcg_cut.10 -m map -m recall.100 -m P.10` computes them (trec_eval 9.0.5 and later).
//
// What trec_eval does, and so what this does:
// - Qrels lines are `QID DOCID GRADE` (our qrels.tsv) or `QID ITER DOCID GRADE` (TREC qrels; ITER is ignored),
//   whitespace separated; blank lines and lines starting with '#' are skipped. A GRADE >= 1 is relevant, 0 is judged
//   not relevant, a negative GRADE means "in the pool but not judged" (neither relevant nor counted in the ideal
//   ranking). The same (QID, DOCID) twice is an error.
// - Run lines are `QID ITER DOCID RANK SCORE TAG [ignored...]`. ITER, RANK and TAG are ignored: each query's docs
//   are re-sorted by SCORE descending, ties broken by DOCID descending (byte-wise string comparison), and only the
//   first `max_docs` (1000) are kept. The same DOCID twice among them is an error.
// - Every query of the qrels is evaluated (`-c`): one missing from the run scores 0 on every measure. Queries of the
//   run without judgments are ignored. Means are over all queries of the qrels. Note: like trec_eval, a query whose
//   judgments are all non-relevant is still a query of the qrels (it scores 0); judged_queries_without_relevant()
//   counts them so that tools can say so.
// - map: sum, over the relevant retrieved docs, of the precision at their rank, divided by the number of relevant
//   docs. P_10: relevant docs in the top 10 / 10. recall_100: relevant docs in the top 100 / relevant docs (0 when
//   there are none). ndcg_cut_10: DCG@10 = sum over ranks r <= 10 of grade / log2(r + 1) (grades > 0 only), divided
//   by the DCG@10 of the ideal ranking of all judged docs of the query sorted by grade (0 when that is 0).
#pragma once

#include <cstddef>
#include <istream>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace citego::trec {

// A malformed qrels or run file, or a duplicate that trec_eval refuses too. The message names the file and line.
class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Judgments = std::map<std::string, long>;   // docid -> grade, for one query
using Qrels = std::map<std::string, Judgments>;  // qid -> judgments; std::map orders qids as strcmp does

struct Retrieved {
  std::string doc;
  double score = 0.0;
};
using Run = std::map<std::string, std::vector<Retrieved>>;  // qid -> retrieved docs, in file order

struct Measures {
  double ndcg_cut_10 = 0.0;
  double map = 0.0;
  double recall_100 = 0.0;
  double p_10 = 0.0;
};

struct Evaluation {
  std::vector<std::pair<std::string, Measures>> per_query;  // every query of the qrels, in qid order
  Measures mean;                                            // mean over per_query
  std::size_t queries_in_run_without_judgments = 0;         // ignored, as trec_eval does
  std::size_t judged_queries_missing_from_run = 0;          // scored 0 (-c)
};

constexpr std::size_t kDefaultMaxDocs = 1000;  // trec_eval -M 1000

// `source` names the input in error messages.
Qrels parse_qrels(std::istream& in, const std::string& source);
Run parse_run(std::istream& in, const std::string& source);

// The retrieved docs of one query as trec_eval ranks them: by score descending, then docid descending; cut at
// max_docs. Throws FormatError naming `qid` if a docid appears twice in the kept list.
std::vector<Retrieved> rank(std::vector<Retrieved> retrieved, std::size_t max_docs, const std::string& qid = "");

// The measures of one query. `retrieved` is in any order; it is ranked with rank().
Measures evaluate_query(const Judgments& judgments, std::vector<Retrieved> retrieved,
                        std::size_t max_docs = kDefaultMaxDocs, const std::string& qid = "");

Evaluation evaluate(const Qrels& qrels, const Run& run, std::size_t max_docs = kDefaultMaxDocs);

// Queries of the qrels with no judgment of grade >= 1.
std::size_t judged_queries_without_relevant(const Qrels& qrels);

// trec_eval's output layout: "MEASURE<TAB>QID<TAB>VALUE" with 4 decimals, per query (if per_query) then for "all".
std::string format(const Evaluation& evaluation, bool per_query);

}  // namespace citego::trec
