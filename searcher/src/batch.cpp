// TREC runs (see citego/batch.h).
#include "citego/batch.h"

#include <cstdio>
#include <optional>

#include "citego/response_format.h"

namespace citego {

namespace {

constexpr std::string_view kWhitespace = " \t\n\v\f\r";

bool has_whitespace(std::string_view text) { return text.find_first_of(kWhitespace) != std::string_view::npos; }

// Why a QUERY_ID<TAB>QUERY line cannot be run, or nothing when it can.
std::optional<std::string> malformed(const std::string& line, std::size_t tab) {
  if (tab == std::string::npos) return "expected QUERY_ID<TAB>QUERY";
  if (tab == 0) return "the query id is empty";
  const std::string id = line.substr(0, tab);
  if (has_whitespace(id)) {
    return "query id \"" + id + "\" contains whitespace (a TREC run separates its columns with spaces)";
  }
  if (line.find_first_not_of(" \t", tab + 1) == std::string::npos) return "query " + id + " is empty";
  return std::nullopt;
}

}  // namespace

BatchSummary run_batch(const Searcher& searcher, const SearchRequest& base, std::istream& queries, std::ostream& run,
                       const std::string& tag, std::ostream& errors) {
  if (tag.empty()) throw SearchError("usage", "--run-tag is empty", kExitUsage);
  if (has_whitespace(tag)) {
    throw SearchError("usage",
                      "--run-tag \"" + tag + "\" contains whitespace (a TREC run separates its columns with spaces)",
                      kExitUsage);
  }
  errors << warning_lines(base.warnings);
  BatchSummary summary;
  std::string line;
  std::size_t line_number = 0;
  std::size_t query_lines = 0;
  const auto refuse = [&](const std::string& why) {
    errors << "citego-search: line " << line_number << ": " << why << '\n';
    ++summary.refused;
  };
  while (std::getline(queries, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    ++query_lines;
    const std::size_t tab = line.find('\t');
    if (const std::optional<std::string> why = malformed(line, tab)) {
      refuse(*why);
      continue;
    }
    SearchRequest request = base;
    request.ranking_only = true;
    request.query = line.substr(tab + 1);
    const std::string query_id = line.substr(0, tab);
    SearchResponse response;
    try {
      response = searcher.search(request);
    } catch (const SearchError& e) {
      if (!refuses_only_its_line(e)) throw;
      refuse("query " + query_id + " refused: " + e.what());
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
  if (summary.refused > 0) {
    errors << "citego-search: " << summary.refused << " of " << query_lines << " query lines refused\n";
  }
  return summary;
}

bool refuses_only_its_line(const SearchError& error) {
  return error.exit_code() == kExitUsage || error.exit_code() == kExitLimit;
}

bool names_batch_run(const std::vector<std::string>& args) {
  constexpr std::string_view kOption = "batch";
  for (const std::string& arg : args) {
    if (arg == "--") return false;
    if (arg.rfind("--", 0) != 0) continue;
    const std::string_view option = std::string_view(arg).substr(2);
    const std::string_view name = option.substr(0, option.find('='));
    if (!name.empty() && kOption.rfind(name, 0) == 0) return true;
  }
  return false;
}

}  // namespace citego
