// citego::trec: the measures of trec_eval -c -M 1000 on a small example computed by hand.
#include "trec_measures.h"

#include <cmath>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace {

using citego::trec::Evaluation;
using citego::trec::FormatError;
using citego::trec::Measures;
using citego::trec::Qrels;
using citego::trec::Run;

// Graded judgments, tab separated as in our qrels.tsv.
//   q1: d1 2, d2 1, d3 0, d4 2, d5 1   -> 4 relevant docs (d1 d2 d4 d5); ideal gains 2 2 1 1
//   q2: dA 1, dB 0                     -> 1 relevant doc; q2 is missing from the run
constexpr const char* kQrels =
    "q1\td1\t2\n"
    "q1\td2\t1\n"
    "q1\td3\t0\n"
    "q1\td4\t2\n"
    "q1\td5\t1\n"
    "# a comment, then a blank line\n"
    "\n"
    "q2\tdA\t1\n"
    "q2\tdB\t0\n";

// The run lists q1's docs out of order and with wrong ranks: only the score counts. d1 and d9 tie at 9.0;
// trec_eval breaks ties by docid descending, so d9 comes first. n1..n7 are unjudged. d4 is never retrieved.
// q3 has no judgments and is ignored.
//
//   rank:  1   2   3   4   5   6   7   8   9   10  11  12
//   doc:   d3  d9  d1  d2  n1  n2  n3  n4  n5  n6  n7  d5
//   grade: 0   -   2   1   -   -   -   -   -   -   -   1
constexpr const char* kRun =
    "q1 Q0 d2 1 8.0 test\n"
    "q1 Q0 d1 2 9.0 test\n"
    "q3 Q0 d1 1 5.0 test\n"
    "q1 Q0 d9 3 9.0 test\n"
    "q1 Q0 d3 4 10 test\n"
    "q1 Q0 n1 5 7 test\n"
    "q1 Q0 n2 5 6 test\n"
    "q1 Q0 n3 5 5 test\n"
    "q1 Q0 n4 5 4 test\n"
    "q1 Q0 n5 5 3 test\n"
    "q1 Q0 n6 5 2 test\n"
    "q1 Q0 n7 5 1 test\n"
    "q1 Q0 d5 5 0.5e0 test\n";

// q1, by hand:
//   AP    = (1/3 [d1 at 3] + 2/4 [d2 at 4] + 3/12 [d5 at 12]) / 4 relevant = 1.0833333 / 4 = 0.2708333
//           (with the tie broken the other way, d1 at 2: (1/2 + 2/4 + 3/12) / 4 = 0.3125)
//   P@10  = 2 (d1, d2) / 10 = 0.2
//   R@100 = 3 (d1, d2, d5) / 4 = 0.75
//   DCG@10  = 2/log2(3+1) + 1/log2(4+1) = 1 + 0.4306766 = 1.4306766            (d5 at 12 is past the cut)
//   IDCG@10 = 2/log2(2) + 2/log2(3) + 1/log2(4) + 1/log2(5)
//           = 2 + 1.2618595 + 0.5 + 0.4306766 = 4.1925361
//   nDCG@10 = 1.4306766 / 4.1925361 = 0.3412437
// q2: missing from the run, so 0 everywhere (-c). Means over the 2 queries of the qrels: half of q1's values.
const double kQ1Dcg = 2.0 / std::log2(4.0) + 1.0 / std::log2(5.0);
const double kQ1Idcg = 2.0 / std::log2(2.0) + 2.0 / std::log2(3.0) + 1.0 / std::log2(4.0) + 1.0 / std::log2(5.0);
const double kQ1Ap = (1.0 / 3.0 + 2.0 / 4.0 + 3.0 / 12.0) / 4.0;

Qrels qrels_of(const std::string& text) {
  std::istringstream in(text);
  return citego::trec::parse_qrels(in, "qrels");
}

Run run_of(const std::string& text) {
  std::istringstream in(text);
  return citego::trec::parse_run(in, "run");
}

TEST(TrecMeasures, HandComputedExample) {
  const Evaluation e = citego::trec::evaluate(qrels_of(kQrels), run_of(kRun));
  ASSERT_EQ(e.per_query.size(), 2u);
  EXPECT_EQ(e.judged_queries_missing_from_run, 1u);
  EXPECT_EQ(e.queries_in_run_without_judgments, 1u);

  EXPECT_EQ(e.per_query[0].first, "q1");
  const Measures& q1 = e.per_query[0].second;
  EXPECT_NEAR(q1.map, 0.2708333, 1e-7);
  EXPECT_NEAR(q1.map, kQ1Ap, 1e-12);
  EXPECT_NEAR(q1.p_10, 0.2, 1e-12);
  EXPECT_NEAR(q1.recall_100, 0.75, 1e-12);
  EXPECT_NEAR(q1.ndcg_cut_10, 0.3412437, 1e-7);
  EXPECT_NEAR(q1.ndcg_cut_10, kQ1Dcg / kQ1Idcg, 1e-12);

  EXPECT_EQ(e.per_query[1].first, "q2");
  const Measures& q2 = e.per_query[1].second;
  EXPECT_EQ(q2.map, 0.0);
  EXPECT_EQ(q2.p_10, 0.0);
  EXPECT_EQ(q2.recall_100, 0.0);
  EXPECT_EQ(q2.ndcg_cut_10, 0.0);

  EXPECT_NEAR(e.mean.map, 0.1354167, 1e-7);
  EXPECT_NEAR(e.mean.p_10, 0.1, 1e-12);
  EXPECT_NEAR(e.mean.recall_100, 0.375, 1e-12);
  EXPECT_NEAR(e.mean.ndcg_cut_10, 0.1706219, 1e-7);
}

TEST(TrecMeasures, TiesGoByDocidDescending) {
  const auto ranked = citego::trec::rank({{"d1", 9.0}, {"d10", 9.0}, {"d9", 9.0}, {"a", 10.0}}, 1000);
  ASSERT_EQ(ranked.size(), 4u);
  EXPECT_EQ(ranked[0].doc, "a");
  EXPECT_EQ(ranked[1].doc, "d9");  // string comparison: "d9" > "d10" > "d1"
  EXPECT_EQ(ranked[2].doc, "d10");
  EXPECT_EQ(ranked[3].doc, "d1");
}

TEST(TrecMeasures, RunIsCutAfterRanking) {
  // -M 3 keeps d3 d9 d1: AP = (1/3) / 4; P@10 = 1/10; R@100 = 1/4; nDCG@10 = (2/log2(4)) / IDCG.
  const Evaluation e = citego::trec::evaluate(qrels_of(kQrels), run_of(kRun), 3);
  const Measures& q1 = e.per_query[0].second;
  EXPECT_NEAR(q1.map, (1.0 / 3.0) / 4.0, 1e-12);
  EXPECT_NEAR(q1.p_10, 0.1, 1e-12);
  EXPECT_NEAR(q1.recall_100, 0.25, 1e-12);
  EXPECT_NEAR(q1.ndcg_cut_10, 1.0 / kQ1Idcg, 1e-12);
}

TEST(TrecMeasures, FourColumnQrelsReadLikeThreeColumns) {
  std::string four;
  std::istringstream in(kQrels);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t tab = line.find('\t');
    four += line.substr(0, tab) + " 0 " + line.substr(tab + 1) + "\n";
  }
  EXPECT_EQ(qrels_of(four), qrels_of(kQrels));
}

TEST(TrecMeasures, QueryWithoutRelevantDocStillCounts) {
  // As trec_eval -c: q0 is in the qrels with only a non-relevant judgment, so it is a query of the mean, scoring 0.
  const Qrels qrels = qrels_of(std::string(kQrels) + "q0\tdZ\t0\n");
  EXPECT_EQ(citego::trec::judged_queries_without_relevant(qrels), 1u);
  const Evaluation e = citego::trec::evaluate(qrels, run_of(std::string(kRun) + "q0 Q0 dZ 1 3 test\n"));
  ASSERT_EQ(e.per_query.size(), 3u);
  EXPECT_EQ(e.per_query[0].first, "q0");
  EXPECT_EQ(e.per_query[0].second.map, 0.0);
  EXPECT_EQ(e.per_query[0].second.ndcg_cut_10, 0.0);
  EXPECT_NEAR(e.mean.map, kQ1Ap / 3.0, 1e-12);
}

TEST(TrecMeasures, NegativeGradeIsNeitherRelevantNorIdeal) {
  // d1 -1 ("in the pool, unjudged"), d2 1: one relevant doc; IDCG@10 = 1. d1 at rank 1, d2 at rank 2:
  // AP = (1/2) / 1; nDCG@10 = (1/log2(3)) / 1.
  const Measures m = citego::trec::evaluate_query({{"d1", -1}, {"d2", 1}}, {{"d1", 2.0}, {"d2", 1.0}});
  EXPECT_NEAR(m.map, 0.5, 1e-12);
  EXPECT_NEAR(m.ndcg_cut_10, 1.0 / std::log2(3.0), 1e-12);
}

TEST(TrecMeasures, FormatIsTrecEvals) {
  const std::string text = citego::trec::format(citego::trec::evaluate(qrels_of(kQrels), run_of(kRun)), true);
  EXPECT_NE(text.find("map                   \tq1\t0.2708\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ndcg_cut_10           \tq2\t0.0000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("num_q                 \tall\t2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ndcg_cut_10           \tall\t0.1706\n"), std::string::npos) << text;
  EXPECT_EQ(citego::trec::format(citego::trec::evaluate(qrels_of(kQrels), run_of(kRun)), false).find("q1"),
            std::string::npos);
}

TEST(TrecMeasures, MalformedInputsAreErrors) {
  EXPECT_THROW(qrels_of("q1\td1\n"), FormatError);                // too few fields
  EXPECT_THROW(qrels_of("q1\td1\tx\n"), FormatError);             // grade not an integer
  EXPECT_THROW(qrels_of("q1\td1\t1\nq1\td1\t0\n"), FormatError);  // judged twice
  EXPECT_THROW(run_of("q1 Q0 d1 1 2.0\n"), FormatError);          // no tag
  EXPECT_THROW(run_of("q1 Q0 d1 1 high test\n"), FormatError);    // score not a number
  // A doc retrieved twice is an error for a judged query (as in trec_eval), ignored for an unjudged one.
  EXPECT_THROW(citego::trec::evaluate(qrels_of(kQrels), run_of("q1 Q0 d1 1 2 t\nq1 Q0 d1 2 1 t\n")), FormatError);
  EXPECT_NO_THROW(citego::trec::evaluate(qrels_of(kQrels), run_of("q9 Q0 d1 1 2 t\nq9 Q0 d1 2 1 t\n")));
}

}  // namespace
