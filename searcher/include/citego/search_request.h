// SearchRequest: what one citego-search call asks for, SearchError: how a call fails, and SearchWarning: what a call
// answered differently from what was asked.
//
// The command line (searcher/main.cpp) fills a SearchRequest; Searcher (searcher.h) answers it. Filters are checked
// against the schema's vocabularies here, before any database work, and forgivingly, because the site turns stale
// URLs into requests: a value is matched ignoring ASCII case where its vocabulary is lower case (every vocabulary of
// a facet is), and a value outside the vocabulary is no error but a warning, and matches no document. An unknown
// facet name, or a filter without '=', stays a usage error.
#pragma once

#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "citego/schema.h"

namespace citego {

// Exit codes of citego-search (also documented in schema/search-response.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;  // missing or unreadable database, schema mismatch
inline constexpr int kExitUsage = 2;    // bad options, filters or query
inline constexpr int kExitLimit = 3;    // refused by the service's limits: past its deadline, or the server is busy

// A failed search: `code` is the stable machine-readable name ("bad_filter", "schema_mismatch", …).
class SearchError : public std::runtime_error {
 public:
  SearchError(std::string code, const std::string& message, int exit_code)
      : std::runtime_error(message), code_(std::move(code)), exit_code_(exit_code) {}
  const std::string& code() const { return code_; }
  int exit_code() const { return exit_code_; }

 private:
  std::string code_;
  int exit_code_;
};

enum class SortOrder { Relevance, YearAscending, YearDescending };
enum class DefaultOperator { Or, And };

// Inclusive year range of a year filter; an open end is the format's lowest or highest year.
struct YearRange {
  int first = schema::kMinYear;
  int last = schema::kMaxYear;
  bool operator==(const YearRange&) const = default;
};

// Caps on what one query may cost (documented in schema/search-response.md).
inline constexpr std::size_t kMaxQueryBytes = 4096;
inline constexpr std::size_t kMaxLimit = 100;
inline constexpr std::size_t kMaxRankingLimit = 1000;   // --batch runs, which only rank
inline constexpr unsigned kMaxWildcardExpansion = 100;  // terms a wildcard expands to (its most frequent)
inline constexpr std::size_t kMaxWildcards = 8;         // wildcards in one query
inline constexpr std::size_t kMaxQueryTerms = 1024;     // distinct terms of the parsed query, stems included
// The deadline covers the whole request: opening the database, matching, every facet pass, snippets, the suggestion.
inline constexpr double kDefaultDeadlineSeconds = 2.0;
inline constexpr double kMinDeadlineSeconds = 0.01;
inline constexpr double kMaxDeadlineSeconds = 600.0;
// A request still running this long after its deadline is stopped by the process's watchdog (watchdog.h), wherever
// it is: the answer then is the deadline error, written by the watchdog.
inline constexpr double kDeadlineGraceSeconds = 0.25;
// Xapian's match time limit starts a timer thread, which costs every process; it is set only on matches that may read
// more than this many postings (documents times query terms), which a small database can never reach.
inline constexpr double kTimedMatchPostings = 2'000'000;

// A request answered, but not quite as asked. `code` is stable and machine-readable; `message` is for people.
struct SearchWarning {
  std::string code;
  std::string message;
  bool operator==(const SearchWarning&) const = default;
};

// The warning of a --filter value outside its facet's vocabulary, or of a year filter that does not parse: the value
// matches no document.
inline constexpr std::string_view kUnknownFilterValue = "unknown_filter_value";

// The year range of a year filter that does not parse: it holds no year, so it matches no document.
inline constexpr YearRange kNoYears{schema::kMaxYear + 1, schema::kMinYear - 1};

// --collapse: what one hit stands for.
enum class Collapse {
  None,         // a document
  Translation,  // a translation group (schema::kSlotTranslationGroup): its versions that match, shown as one
};

// --facet-search FACET=PREFIX: the values of FACET whose label has a word starting with PREFIX.
struct FacetSearch {
  schema::Facet facet = schema::Facet::Descriptor;
  std::string prefix;              // as written
  std::vector<std::string> words;  // its words, folded and lower-cased (analysis::tokenize); at least one
  bool operator==(const FacetSearch&) const = default;
};

// The most values --facet-search lists (its --facet-limit 0 lists this many).
inline constexpr std::size_t kMaxFacetSearchValues = 100;

struct SearchRequest {
  std::string query;                 // the query-language text; empty browses every document
  std::optional<schema::Lang> lang;  // language the query is written in; none: each document's own
  // Allowed values per facet (index by schema::index_of); years go in year_filters. Values of one facet are OR-ed,
  // facets AND-ed.
  std::array<std::vector<std::string>, schema::kFacetCount> filters;
  std::vector<YearRange> year_filters;
  // --facet-ranges year=A..B,C..D (or year=decades): buckets counted over the matches, each a closed range, in the
  // order asked (they may overlap); with year_decades, every decade from the oldest to the newest year of the matches.
  std::vector<YearRange> year_buckets;
  bool year_decades = false;
  std::optional<SortOrder> sort;  // none: relevance, or newest first when browsing
  DefaultOperator default_operator = DefaultOperator::Or;
  std::size_t offset = 0;
  std::size_t limit = 10;
  std::size_t facet_limit = 10;  // values shown per facet; 0 shows all
  bool with_timing = false;
  bool expand = false;                                // --expand: pseudo-relevance feedback (expansion.h)
  double deadline_seconds = kDefaultDeadlineSeconds;  // for the whole request (see kDefaultDeadlineSeconds)
  // Ranking only (--batch): no facet counts, snippets or suggestions, the total is not made exact, and the limit may
  // go up to kMaxRankingLimit.
  bool ranking_only = false;
  // --collapse translation: one hit per translation group, in the first language of `lang`, then `prefer_langs`
  // (--prefer-lang), that has a matching version, else its best-ranked version.
  Collapse collapse = Collapse::None;
  std::vector<schema::Lang> prefer_langs;
  // --related ID: the documents related to this one (no query text), instead of a query's matches.
  std::string related;
  std::optional<FacetSearch> facet_search;
  // What add_filter forgave, in the order of the filters, each once; the response carries them.
  std::vector<SearchWarning> warnings;

  bool has_filter(schema::Facet facet) const;
  bool operator==(const SearchRequest&) const = default;
};

// Adds one --filter FACET=VALUE to `request`. FACET is a facet's name or short name. VALUE is looked up in the
// facet's vocabulary ignoring ASCII case, and the vocabulary's spelling is kept (lang=FR filters on "fr"); a year is
// YYYY, YYYY..YYYY, ..YYYY or YYYY.. . A VALUE outside the vocabulary is kept as written (it matches no document and
// is listed as selected with count 0); a year that does not parse becomes kNoYears. Either adds a warning
// kUnknownFilterValue to request.warnings (unless the same one is there). Throws SearchError("bad_filter", …,
// kExitUsage) when there is no '=' or FACET is not a facet.
void add_filter(SearchRequest& request, std::string_view facet_equals_value);

// The most ranges one request may count on the year (--facet-ranges).
inline constexpr std::size_t kMaxYearBuckets = 50;

// Adds one --facet-ranges FACET=RANGES to `request`: "year=YYYY..YYYY,YYYY..YYYY,…" appends the closed ranges to
// request.year_buckets, "year=decades" (any case) sets request.year_decades. The option may be repeated; its ranges
// add up. Throws SearchError("bad_facet_ranges", …, kExitUsage) when there is no '=', FACET is not year, a range is
// not YYYY..YYYY with years kMinYear to kMaxYear and the first not after the last, "decades" comes with other ranges,
// or the request would have more than kMaxYearBuckets ranges.
void add_facet_ranges(SearchRequest& request, std::string_view facet_equals_ranges);

// Parses --collapse: "translation" or "none". Throws SearchError("usage", …) on others.
Collapse parse_collapse(std::string_view text);

// Parses --prefer-lang: languages separated by commas ("fr,en"), in order of preference, each once. Throws
// SearchError("usage", …) on an unknown or repeated language.
std::vector<schema::Lang> parse_prefer_langs(std::string_view text);

// Parses --facet-search FACET=PREFIX. FACET is a facet with labels (descriptor, place, author, dossier, partner);
// PREFIX has at least one word. Throws SearchError("bad_facet_search", …, kExitUsage) otherwise.
FacetSearch parse_facet_search(std::string_view facet_equals_prefix);

// Checks the request against the caps (kMaxLimit, kMaxQueryBytes, kMaxYearBuckets) before any database work.
// Throws SearchError ("usage", "query_too_long" or "bad_facet_ranges", kExitUsage).
void validate(const SearchRequest& request);

// `text` with ASCII capitals made small: the vocabularies of filters and languages are lower case.
std::string ascii_lower(std::string_view text);

// The error of a request that ran past its deadline ("deadline_exceeded", kExitLimit).
SearchError deadline_exceeded(double deadline_seconds);

// The part of the ranking a request asks the matcher for. Any --offset is allowed: one past the last hit gives an
// empty page with the true total. The matcher keeps `first + size` candidates while it ranks, so an offset at or past
// the database's document count, which no hit can reach, asks for no hit at all (and costs what --limit 0 costs).
struct Page {
  std::size_t first = 0;
  std::size_t size = 0;
  bool operator==(const Page&) const = default;
};

// The page of `request` on a database of `documents` documents: `first` is below `documents` (so it fits Xapian's
// doccount, where a larger offset would wrap), `size` is request.limit (at most kMaxRankingLimit once validated).
Page page_of(const SearchRequest& request, std::size_t documents);

// Parses a --sort value: relevance, year (oldest first) or -year (newest first). Throws SearchError on others.
SortOrder parse_sort(std::string_view text);

}  // namespace citego
