// Ranking-quality measures as trec_eval computes them (see trec_measures.h).
#include "trec_measures.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace citego::trec {

namespace {

// Whitespace-separated fields of a line, as trec_eval splits them (isspace).
std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream stream(line);
  std::string field;
  while (stream >> field) fields.push_back(field);
  return fields;
}

bool skip_line(const std::string& line) {
  const std::size_t first = line.find_first_not_of(" \t\r\f\v");
  return first == std::string::npos || line[first] == '#';
}

std::string where(const std::string& source, std::size_t line_number) {
  return source + ":" + std::to_string(line_number) + ": ";
}

long parse_grade(const std::string& text, const std::string& context) {
  errno = 0;
  char* end = nullptr;
  const long grade = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE) {
    throw FormatError(context + "grade \"" + text + "\" is not an integer");
  }
  return grade;
}

double parse_score(const std::string& text, const std::string& context) {
  errno = 0;
  char* end = nullptr;
  const double score = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(score)) {
    throw FormatError(context + "score \"" + text + "\" is not a finite number");
  }
  return score;
}

}  // namespace

Qrels parse_qrels(std::istream& in, const std::string& source) {
  Qrels qrels;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (skip_line(line)) continue;
    const std::vector<std::string> fields = split_fields(line);
    const std::string context = where(source, line_number);
    if (fields.size() != 3 && fields.size() != 4) {
      throw FormatError(context + "expected QID DOCID GRADE or QID ITER DOCID GRADE, found " +
                        std::to_string(fields.size()) + " fields");
    }
    const std::string& qid = fields[0];
    const std::string& doc = fields[fields.size() - 2];
    const long grade = parse_grade(fields.back(), context);
    if (!qrels[qid].emplace(doc, grade).second) {
      throw FormatError(context + "document " + doc + " is judged twice for query " + qid);
    }
  }
  if (in.bad()) throw FormatError(source + ": read error");
  return qrels;
}

Run parse_run(std::istream& in, const std::string& source) {
  Run run;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (skip_line(line)) continue;
    const std::vector<std::string> fields = split_fields(line);
    const std::string context = where(source, line_number);
    if (fields.size() < 6) {
      throw FormatError(context + "expected QID Q0 DOCID RANK SCORE TAG, found " + std::to_string(fields.size()) +
                        " fields");
    }
    run[fields[0]].push_back(Retrieved{fields[2], parse_score(fields[4], context)});
  }
  if (in.bad()) throw FormatError(source + ": read error");
  return run;
}

std::vector<Retrieved> rank(std::vector<Retrieved> retrieved, std::size_t max_docs, const std::string& qid) {
  // trec_eval's comp_sim_docno: higher score first; equal scores by strcmp(docno2, docno1), i.e. docid descending.
  std::sort(retrieved.begin(), retrieved.end(), [](const Retrieved& a, const Retrieved& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.doc > b.doc;
  });
  if (retrieved.size() > max_docs) retrieved.resize(max_docs);
  std::vector<const std::string*> docs;
  docs.reserve(retrieved.size());
  for (const Retrieved& r : retrieved) docs.push_back(&r.doc);
  std::sort(docs.begin(), docs.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
  const auto duplicate =
      std::adjacent_find(docs.begin(), docs.end(), [](const std::string* a, const std::string* b) { return *a == *b; });
  if (duplicate != docs.end()) {
    throw FormatError("run: document " + **duplicate + " is retrieved twice for query " + qid);
  }
  return retrieved;
}

Measures evaluate_query(const Judgments& judgments, std::vector<Retrieved> retrieved, std::size_t max_docs,
                        const std::string& qid) {
  const std::vector<Retrieved> ranked = rank(std::move(retrieved), max_docs, qid);

  std::vector<long> ideal_gains;  // grades > 0 of every judged doc, for the ideal ranking
  std::size_t num_rel = 0;
  for (const auto& [doc, grade] : judgments) {
    if (grade > 0) {
      ++num_rel;
      ideal_gains.push_back(grade);
    }
  }
  std::sort(ideal_gains.begin(), ideal_gains.end(), std::greater<>());

  Measures m;
  double precision_sum = 0.0;
  std::size_t rel_so_far = 0, rel_in_10 = 0, rel_in_100 = 0;
  double dcg = 0.0;
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    const auto found = judgments.find(ranked[i].doc);
    const long grade = found == judgments.end() ? 0 : found->second;
    if (grade <= 0) continue;  // unjudged, judged non-relevant, or in the pool but unjudged (< 0)
    ++rel_so_far;
    precision_sum += static_cast<double>(rel_so_far) / static_cast<double>(i + 1);
    if (i < 10) {
      ++rel_in_10;
      dcg += static_cast<double>(grade) / std::log2(static_cast<double>(i + 2));  // rank i + 1: log2(rank + 1)
    }
    if (i < 100) ++rel_in_100;
  }
  double ideal_dcg = 0.0;
  for (std::size_t i = 0; i < ideal_gains.size() && i < 10; ++i) {
    ideal_dcg += static_cast<double>(ideal_gains[i]) / std::log2(static_cast<double>(i + 2));
  }
  if (num_rel > 0) {
    m.map = precision_sum / static_cast<double>(num_rel);
    m.recall_100 = static_cast<double>(rel_in_100) / static_cast<double>(num_rel);
  }
  m.p_10 = static_cast<double>(rel_in_10) / 10.0;
  m.ndcg_cut_10 = ideal_dcg > 0.0 ? dcg / ideal_dcg : dcg;  // dcg is 0 whenever ideal_dcg is 0
  return m;
}

Evaluation evaluate(const Qrels& qrels, const Run& run, std::size_t max_docs) {
  Evaluation evaluation;
  for (const auto& [qid, judgments] : qrels) {
    const auto found = run.find(qid);
    Measures m;
    if (found == run.end()) {
      ++evaluation.judged_queries_missing_from_run;
    } else {
      m = evaluate_query(judgments, found->second, max_docs, qid);
    }
    evaluation.per_query.emplace_back(qid, m);
    evaluation.mean.ndcg_cut_10 += m.ndcg_cut_10;
    evaluation.mean.map += m.map;
    evaluation.mean.recall_100 += m.recall_100;
    evaluation.mean.p_10 += m.p_10;
  }
  for (const auto& [qid, retrieved] : run) {
    if (qrels.find(qid) == qrels.end()) ++evaluation.queries_in_run_without_judgments;
  }
  if (!evaluation.per_query.empty()) {
    const auto n = static_cast<double>(evaluation.per_query.size());
    evaluation.mean.ndcg_cut_10 /= n;
    evaluation.mean.map /= n;
    evaluation.mean.recall_100 /= n;
    evaluation.mean.p_10 /= n;
  }
  return evaluation;
}

std::size_t judged_queries_without_relevant(const Qrels& qrels) {
  std::size_t count = 0;
  for (const auto& [qid, judgments] : qrels) {
    count += std::none_of(judgments.begin(), judgments.end(), [](const auto& j) { return j.second > 0; });
  }
  return count;
}

std::string format(const Evaluation& evaluation, bool per_query) {
  std::string out;
  char line[256];
  const auto print = [&](const char* measure, const std::string& qid, double value) {
    std::snprintf(line, sizeof line, "%-22s\t%s\t%6.4f\n", measure, qid.c_str(), value);
    out += line;
  };
  const auto print_all = [&](const std::string& qid, const Measures& m) {
    // trec_eval's measure order.
    print("map", qid, m.map);
    print("P_10", qid, m.p_10);
    print("recall_100", qid, m.recall_100);
    print("ndcg_cut_10", qid, m.ndcg_cut_10);
  };
  if (per_query) {
    for (const auto& [qid, m] : evaluation.per_query) print_all(qid, m);
  }
  std::snprintf(line, sizeof line, "%-22s\t%s\t%zu\n", "num_q", "all", evaluation.per_query.size());
  out += line;
  print_all("all", evaluation.mean);
  return out;
}

}  // namespace citego::trec
