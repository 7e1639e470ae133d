// citego-trec-eval: nDCG@10, MAP, Recall@100 and P@10 of a TREC run, as `trec_eval -c -M 1000` computes them.
//
//   build/bench/relevance/citego-trec-eval [-q] [-M N] QRELS RUN
//
// QRELS: QID DOCID GRADE (or QID ITER DOCID GRADE) lines; RUN: QID Q0 DOCID RANK SCORE TAG lines (trec_measures.h).
// Prints trec_eval's layout, MEASURE<TAB>QID<TAB>VALUE, for every query with -q, then the means ("all").
// Exit status: 0 success; 1 unreadable or malformed input; 2 usage error.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

#include "trec_measures.h"

namespace {

constexpr std::string_view kUsage =
    "usage: citego-trec-eval [-q] [-M N] QRELS RUN\n"
    "  nDCG@10 (ndcg_cut_10), MAP (map), Recall@100 (recall_100) and P@10 (P_10) of RUN, computed as\n"
    "  NIST trec_eval -c -M 1000 does: every query of QRELS counts (0 when absent from RUN).\n"
    "  -q    also print every query's measures\n"
    "  -M N  keep the first N documents of each query after ranking by score (default 1000)\n";

int usage_error(const std::string& message) {
  std::cerr << "citego-trec-eval: " << message << "\n" << kUsage;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  bool per_query = false;
  std::size_t max_docs = citego::trec::kDefaultMaxDocs;
  std::string files[2];
  int file_count = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (arg == "-q") {
      per_query = true;
    } else if (arg == "-M") {
      if (i + 1 >= argc) return usage_error("-M needs a number");
      char* end = nullptr;
      const long value = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || value <= 0) return usage_error("-M needs a positive number");
      max_docs = static_cast<std::size_t>(value);
    } else if (arg.size() > 1 && arg[0] == '-') {
      return usage_error("unknown option " + std::string(arg));
    } else {
      if (file_count == 2) return usage_error("too many arguments");
      files[file_count++] = std::string(arg);
    }
  }
  if (file_count != 2) return usage_error("expected QRELS and RUN");

  try {
    std::ifstream qrels_in(files[0]);
    if (!qrels_in) throw citego::trec::FormatError("cannot read qrels " + files[0]);
    const citego::trec::Qrels qrels = citego::trec::parse_qrels(qrels_in, files[0]);
    if (qrels.empty()) throw citego::trec::FormatError(files[0] + ": no judgments");
    std::ifstream run_in(files[1]);
    if (!run_in) throw citego::trec::FormatError("cannot read run " + files[1]);
    const citego::trec::Run run = citego::trec::parse_run(run_in, files[1]);

    const citego::trec::Evaluation evaluation = citego::trec::evaluate(qrels, run, max_docs);
    std::cout << citego::trec::format(evaluation, per_query);
    if (evaluation.judged_queries_missing_from_run > 0) {
      std::cerr << "citego-trec-eval: note: " << evaluation.judged_queries_missing_from_run
                << " judged queries have no result in the run; they score 0\n";
    }
    if (evaluation.queries_in_run_without_judgments > 0) {
      std::cerr << "citego-trec-eval: note: " << evaluation.queries_in_run_without_judgments
                << " queries of the run have no judgments; they are ignored\n";
    }
    if (const std::size_t none = citego::trec::judged_queries_without_relevant(qrels); none > 0) {
      std::cerr << "citego-trec-eval: note: " << none
                << " queries of the qrels have no relevant document; as in trec_eval they count, and score 0\n";
    }
    std::cout.flush();
    return std::cout ? 0 : 1;
  } catch (const citego::trec::FormatError& e) {
    std::cerr << "citego-trec-eval: " << e.what() << "\n";
    return 1;
  }
}
