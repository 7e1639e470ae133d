// QueryBuilder: a SearchRequest to Xapian queries, with the schema's text analysis.
//
// The query text is folded like indexed text (analysis::fold), words other than the operators AND, OR, NOT, XOR,
// NEAR and ADJ are lower-cased (so a capitalised word is still stemmed; a query wholly in capitals has no operators:
// its every word is lower-cased), and Xapian's QueryParser parses the result with the schema's field and facet
// prefixes. Stemming: with a query language, the query is stemmed in that language, and each word also matches its
// exact term in documents of other languages (at no weight of its own: the exact-term boost ranks them);
// without one, each word matches its stems in all four languages, as one synonym group (so a stem shared by several
// languages is not counted twice, and a document matches on the stem of its own language). The most common function
// words of the query language (of all four without one) are left out of queries that have other words. Each plain
// word (not in a phrase, NEAR or a field search) also matches its stems among the words of the labels of the
// documents' descriptors and places, at kLabelWordWeight. Exact (unstemmed) terms add a small boost, so exact matches
// rank above stemmed ones. Facet values in the query language (`place:PLC-FR`) are lower-cased like --filter values. A
// query that does not parse is parsed again as plain words. Filters become boolean terms, kept per facet for
// multi-select facet counts.
//
// A pure stage: without a database it needs only the years present (for year ranges); given a database it also
// offers spelling corrections.
#pragma once

#include <array>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "citego/analysis.h"
#include "citego/schema.h"
#include "citego/search_request.h"

namespace citego {

// Weight factor of the exact-term boost, relative to the stemmed query.
inline constexpr double kExactMatchBoost = 0.25;
// Weight factor of a plain word's stems among the label words of the documents' descriptors and places
// (schema::kPrefixLabel), relative to the same stems in the text: a document found through a label ranks below one
// with the word in its text (a label word has wdf 1, and half the weight).
inline constexpr double kLabelWordWeight = 0.5;

struct QueryPlan {
  Xapian::Query match;   // the query text; MatchAll when the text is empty
  bool browse = false;   // the query text was empty
  bool relaxed = false;  // the text did not parse and was searched as plain words
  // Per facet (schema::index_of): the OR of its allowed values' terms, and the values themselves, when filtered.
  std::array<std::optional<Xapian::Query>, schema::kFacetCount> filters;
  std::array<std::optional<std::set<std::string>>, schema::kFacetCount> allowed;
  std::string correction;              // a spelling correction of the query text (spelling_correction), or empty
  std::vector<std::string> wildcards;  // what each wildcard of the text starts with ("gouvern" of "gouvern*")

  // `match` restricted by every filter except the one of facet `except` (if given).
  Xapian::Query filtered(std::optional<schema::Facet> except = std::nullopt) const;
};

// The query language's words, for the stages that read query text as typed (suggestions):
// True when `text` has a letter and no lower-case one: a query so typed has no operators.
bool is_all_capitals(std::string_view text);
// True for the operators AND, OR, NOT, XOR, NEAR and ADJ, written so.
bool is_operator(std::string_view word);
// True for the name of a filter of the query language (`place`, `type`, `id`, …), lower case.
bool is_filter_name(std::string_view name);

class QueryBuilder {
 public:
  // `known_years`: the years present in the database (year ranges expand to them). `db`, when not null, must
  // outlive the builder; it enables spelling corrections.
  explicit QueryBuilder(std::vector<int> known_years, const Xapian::Database* db = nullptr);

  // Throws SearchError("query_too_long", …) when the text exceeds kMaxQueryBytes or its parse kMaxQueryTerms
  // distinct terms, SearchError("query_too_broad", …) when it has more than kMaxWildcards wildcards, and
  // SearchError("bad_query", …) when even the plain-word parse fails.
  QueryPlan build(const SearchRequest& request) const;

  // The query text as the parser sees it: control characters blanked, folded, words lower-cased but for operators.
  static std::string normalise(std::string_view text);

 private:
  Xapian::Query parse(const std::string& text, std::optional<schema::Lang> lang, DefaultOperator op, unsigned flags,
                      Xapian::QueryParser::stem_strategy strategy) const;
  Xapian::Query parse_text(const std::string& text, const SearchRequest& request, unsigned flags) const;

  std::vector<int> known_years_;
  const Xapian::Database* db_;
  std::array<Xapian::Stem, 4> stemmers_{
      analysis::stemmer_for(schema::Lang::Fr), analysis::stemmer_for(schema::Lang::En),
      analysis::stemmer_for(schema::Lang::Es), analysis::stemmer_for(schema::Lang::Pt)};
};

}  // namespace citego
