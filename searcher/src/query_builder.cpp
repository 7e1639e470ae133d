// Request to query (see citego/query_builder.h).
#include "citego/query_builder.h"

#include <algorithm>

#include "citego/analysis.h"
#include "citego/suggestion.h"

namespace citego {

namespace {

using schema::Facet;

constexpr std::array<std::string_view, 6> kOperators = {"AND", "OR", "NOT", "XOR", "NEAR", "ADJ"};

// Expands year ranges in the query language ("year:2016..2018", "year:..2017") to the years present.
class YearRangeProcessor : public Xapian::RangeProcessor {
 public:
  YearRangeProcessor(const std::vector<int>& known_years, std::string prefix)
      : Xapian::RangeProcessor(Xapian::BAD_VALUENO, prefix), known_years_(known_years) {}

  Xapian::Query operator()(const std::string& begin, const std::string& end) override {
    YearRange range;
    auto year = [](const std::string& s, int fallback) -> std::optional<int> {
      if (s.empty()) return fallback;
      if (s.size() != 4 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
      }
      return std::stoi(s);
    };
    const auto first = year(begin, schema::kMinYear);
    const auto last = year(end, schema::kMaxYear);
    if (!first || !last) return Xapian::Query(Xapian::Query::OP_INVALID);  // not a year range: parse otherwise
    range = YearRange{*first, *last};
    std::vector<Xapian::Query> terms;
    for (int y : known_years_) {
      if (y >= range.first && y <= range.last) terms.emplace_back(schema::facet_term(Facet::Year, std::to_string(y)));
    }
    if (terms.empty()) return Xapian::Query::MatchNothing;
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
  }

 private:
  const std::vector<int>& known_years_;
};

// Words are "stemmed" to a marker holding the word itself; rewrite_stems() then replaces each marker term with the
// word's stems in the query language, or in every language without one. QueryParser takes one stemmer, and Xapian 1.4
// has no other way to give a word several stems, or its exact term beside its stem, while keeping the query's
// structure.
constexpr char kStemMarker = '\x01';

class MarkerStemmer : public Xapian::StemImplementation {
 public:
  std::string operator()(const std::string& word) override { return kStemMarker + word; }
  std::string get_description() const override { return "citego-all-languages"; }
};

// The terms of `stems` (each "Z" + stem) as label words ("ZB" + stem).
std::vector<std::string> label_stems_of(const std::vector<std::string>& stems) {
  std::vector<std::string> out;
  for (const std::string& stem : stems) {
    out.push_back(std::string(schema::kPrefixStem) + std::string(schema::kPrefixLabel) +
                  stem.substr(schema::kPrefixStem.size()));
  }
  return out;
}

Xapian::Query synonym_of(const std::vector<std::string>& terms) {
  if (terms.size() == 1) return Xapian::Query(terms.front());
  return Xapian::Query(Xapian::Query::OP_SYNONYM, terms.begin(), terms.end());
}

// Rewrites the marker leaves ("Z" [field prefix] marker word) of a parsed query:
// - without a query language (`lang` empty), each becomes the OP_SYNONYM of the word's distinct stems in the four
//   languages, so a document matches on the stem of its own language and the word weighs as one term;
// - with one, the word's stem in that language, OR-ed with the word's exact term at weight 0: a document of another
//   language whose stemmer gave the word another stem still matches the word as written ("participation" in a
//   French fiche, searched with --lang es), ranked by the exact-term boost and the other words. A document of the
//   query language that has the exact term has its stem too, so its weight is the stem's alone, as before;
// - a plain word's stems (no field prefix) are OR-ed with the same stems among the label words of the documents'
//   descriptors and places (kPrefixLabel), scaled by kLabelWordWeight, so the word also finds the documents indexed
//   with a descriptor or place that it names, below a text match of it.
// Only the operators QueryParser puts above stemmed terms are rebuilt; other subqueries (phrases, NEAR, wildcards,
// boolean filters, …) hold no stemmed terms and are kept as they are: they use no label words.
Xapian::Query rewrite_stems(const Xapian::Query& query, const std::array<Xapian::Stem, 4>& stemmers,
                            std::optional<schema::Lang> lang) {
  using Xapian::Query;
  const Query::op op = query.get_type();
  if (op == Query::LEAF_TERM) {
    const std::string term = *query.get_terms_begin();
    const std::size_t marker = term.find(kStemMarker);
    if (marker == std::string::npos) return query;  // an exact term, or a boolean one
    // A field's stems are "Z" + the field's prefix + stem; a plain word's, "Z" + stem; its exact term drops the "Z".
    const std::string prefix = term.substr(0, marker);
    const bool plain = prefix == schema::kPrefixStem;
    const std::string word = term.substr(marker + 1);
    std::vector<std::string> stems;
    Query text;
    if (lang) {
      stems.push_back(prefix + stemmers[static_cast<std::size_t>(*lang)](word));
      const std::string exact = prefix.substr(schema::kPrefixStem.size()) + word;
      text = Query(Query::OP_OR, Query(stems.front()), Query(Query::OP_SCALE_WEIGHT, Query(exact), 0.0));
    } else {
      for (const Xapian::Stem& stemmer : stemmers) {
        std::string stemmed = prefix + stemmer(word);
        if (std::find(stems.begin(), stems.end(), stemmed) == stems.end()) stems.push_back(std::move(stemmed));
      }
      // Xapian 1.4 does not expose a leaf's wqf and position; both only matter for repeated words and phrases,
      // which hold no stemmed terms.
      text = synonym_of(stems);
    }
    if (!plain) return text;
    return Query(Query::OP_OR, text,
                 Query(Query::OP_SCALE_WEIGHT, synonym_of(label_stems_of(stems)), kLabelWordWeight));
  }
  switch (op) {
    case Query::OP_AND:
    case Query::OP_OR:
    case Query::OP_AND_NOT:
    case Query::OP_XOR:
    case Query::OP_AND_MAYBE:
    case Query::OP_FILTER:
    case Query::OP_SYNONYM:
    case Query::OP_MAX: {
      std::vector<Query> subqueries;
      for (std::size_t i = 0; i < query.get_num_subqueries(); ++i) {
        subqueries.push_back(rewrite_stems(query.get_subquery(i), stemmers, lang));
      }
      return Query(op, subqueries.begin(), subqueries.end());
    }
    default:
      return query;
  }
}

// A filter of the query language: `name:value` finds the boolean term term_prefix + value.
struct BooleanPrefix {
  std::string_view name;
  std::string_view term_prefix;
};

// Every facet's name and short name (`author:` is the author text field, which finds names; the author facet is
// `person:` in the query language), and `id:`.
const std::vector<BooleanPrefix>& boolean_prefixes() {
  static const std::vector<BooleanPrefix> prefixes = [] {
    std::vector<BooleanPrefix> out;
    for (const schema::FacetSpec& facet : schema::kFacets) {
      if (!schema::is_field_query_name(facet.name)) out.push_back({facet.name, facet.term_prefix});
      if (!facet.short_name.empty()) out.push_back({facet.short_name, facet.term_prefix});
    }
    out.push_back({"id", schema::kPrefixId});
    return out;
  }();
  return prefixes;
}

bool is_word_byte(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80;
}

// Lower-cases the value after each boolean prefix of `text` ("place:PLC-OR" is "place:plc-or"): facet values and ids
// are lower case, and QueryParser keeps a boolean term as written, so without this a value holding an operator word
// (kept upper case for the parser) would match nothing. A quoted value ends at its closing quote, another at a blank.
void lower_boolean_values(std::string& text) {
  for (std::size_t colon = text.find(':'); colon != std::string::npos; colon = text.find(':', colon + 1)) {
    std::size_t start = colon;
    while (start > 0 && is_word_byte(text[start - 1])) --start;
    if (!is_filter_name(std::string_view(text).substr(start, colon - start))) continue;
    std::size_t end = colon + 1;
    const bool quoted = end < text.size() && text[end] == '"';
    if (quoted) ++end;
    for (; end < text.size() && (quoted ? text[end] != '"' : text[end] != ' ' && text[end] != '\t'); ++end) {
      text[end] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[end])));
    }
  }
}

// What each wildcard of normalised query text starts with: the word before each '*' that ends a word.
std::vector<std::string> wildcards_of(std::string_view text) {
  std::vector<std::string> prefixes;
  const auto in_word = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80;
  };
  for (std::size_t star = text.find('*'); star != std::string_view::npos; star = text.find('*', star + 1)) {
    std::size_t begin = star;
    while (begin > 0 && in_word(text[begin - 1])) --begin;
    if (begin < star) prefixes.emplace_back(text.substr(begin, star - begin));
  }
  return prefixes;
}

Xapian::Query or_of(const std::vector<std::string>& terms) {
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

}  // namespace

bool is_all_capitals(std::string_view text) {
  bool letter = false;
  for (Xapian::Utf8Iterator it(text.data(), text.size()); it != Xapian::Utf8Iterator(); ++it) {
    const unsigned cp = *it;
    if (Xapian::Unicode::tolower(cp) != cp) {
      letter = true;
    } else if (Xapian::Unicode::toupper(cp) != cp) {
      return false;
    }
  }
  return letter;
}

bool is_operator(std::string_view word) {
  return std::find(kOperators.begin(), kOperators.end(), word) != kOperators.end();
}

bool is_filter_name(std::string_view name) {
  const auto& prefixes = boolean_prefixes();
  return std::any_of(prefixes.begin(), prefixes.end(), [name](const BooleanPrefix& p) { return p.name == name; });
}

Xapian::Query QueryPlan::filtered(std::optional<schema::Facet> except) const {
  std::vector<Xapian::Query> parts;
  for (const schema::FacetSpec& spec : schema::kFacets) {
    if (except && *except == spec.facet) continue;
    if (const auto& f = filters[schema::index_of(spec.facet)]) parts.push_back(*f);
  }
  if (parts.empty()) return match;
  return Xapian::Query(Xapian::Query::OP_FILTER, match,
                       Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end()));
}

QueryBuilder::QueryBuilder(std::vector<int> known_years, const Xapian::Database* db)
    : known_years_(std::move(known_years)), db_(db) {
  std::sort(known_years_.begin(), known_years_.end());
}

std::string QueryBuilder::normalise(std::string_view text) {
  std::string clean(text);
  for (char& c : clean) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  std::string folded = analysis::fold(clean);
  // Lower-case ASCII words, except the upper-case operators (NEAR/3 keeps its NEAR) when the query has lower-case
  // letters: whoever types the whole query in capitals ("ELECTRON BEAM AND PLASMA") means words.
  const bool operators = !is_all_capitals(folded);
  std::size_t i = 0;
  while (i < folded.size()) {
    if (!std::isalpha(static_cast<unsigned char>(folded[i]))) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < folded.size() && std::isalpha(static_cast<unsigned char>(folded[end]))) ++end;
    const bool standalone_start = i == 0 || !std::isalnum(static_cast<unsigned char>(folded[i - 1]));
    if (!(operators && standalone_start && is_operator(std::string_view(folded).substr(i, end - i)))) {
      for (std::size_t k = i; k < end; ++k)
        folded[k] = static_cast<char>(std::tolower(static_cast<unsigned char>(folded[k])));
    }
    i = end;
  }
  lower_boolean_values(folded);
  return folded;
}

Xapian::Query QueryBuilder::parse(const std::string& text, std::optional<schema::Lang> lang, DefaultOperator op,
                                  unsigned flags, Xapian::QueryParser::stem_strategy strategy) const {
  Xapian::QueryParser parser;
  parser.set_stemmer(Xapian::Stem(new MarkerStemmer));
  parser.set_stemming_strategy(strategy);
  auto* stopper = new Xapian::SimpleStopper;
  for (schema::Lang l : schema::kLangs) {
    if (lang && l != *lang) continue;
    for (const std::string& word : analysis::stopwords_for(l)) stopper->add(word);
  }
  parser.set_stopper(stopper->release());
  parser.set_default_op(op == DefaultOperator::And ? Xapian::Query::OP_AND : Xapian::Query::OP_OR);
  parser.set_max_expansion(kMaxWildcardExpansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                           Xapian::QueryParser::FLAG_WILDCARD | Xapian::QueryParser::FLAG_PARTIAL);
  for (const schema::FieldSpec& field : schema::kFields) {
    for (std::string_view name : field.query_names) {
      if (!name.empty()) parser.add_prefix(std::string(name), std::string(field.prefix));
    }
  }
  for (const BooleanPrefix& prefix : boolean_prefixes()) {
    // Grouped by term prefix, so that the values of one facet are OR-ed under its long and short names alike
    // (`type:mooc project_type:dossier`), as --filter values are; the facets are AND-ed.
    const std::string term_prefix(prefix.term_prefix);
    parser.add_boolean_prefix(std::string(prefix.name), term_prefix, &term_prefix);
  }
  parser.add_rangeprocessor((new YearRangeProcessor(known_years_, "year:"))->release());
  return parser.parse_query(text, flags);
}

Xapian::Query QueryBuilder::parse_text(const std::string& text, const SearchRequest& request, unsigned flags) const {
  using Xapian::Query;
  const auto stem_some = Xapian::QueryParser::STEM_SOME;
  const Query stemmed =
      rewrite_stems(parse(text, request.lang, request.default_operator, flags, stem_some), stemmers_, request.lang);
  // Exact-term boost: the unprefixed terms of an unstemmed parse.
  const Query plain = parse(text, request.lang, request.default_operator, flags, Xapian::QueryParser::STEM_NONE);
  std::vector<std::string> exact;
  for (auto it = plain.get_unique_terms_begin(); it != plain.get_unique_terms_end(); ++it) {
    const std::string& term = *it;
    if (!term.empty() && !std::isupper(static_cast<unsigned char>(term[0]))) exact.push_back(term);
  }
  if (exact.empty()) return stemmed;
  return Query(Query::OP_AND_MAYBE, stemmed, Query(Query::OP_SCALE_WEIGHT, or_of(exact), kExactMatchBoost));
}

QueryPlan QueryBuilder::build(const SearchRequest& request) const {
  validate(request);
  QueryPlan plan;
  const std::string text = normalise(request.query);
  const bool blank = std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; });
  if (blank) {
    plan.browse = true;
    plan.match = Xapian::Query::MatchAll;
  } else {
    const unsigned full =
        Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD | Xapian::QueryParser::FLAG_PURE_NOT;
    // Each wildcard is expanded by every matching pass (the hits, and one more per filtered facet).
    plan.wildcards = wildcards_of(text);
    if (plan.wildcards.size() > kMaxWildcards) {
      throw SearchError("query_too_broad",
                        "the query has " + std::to_string(plan.wildcards.size()) + " wildcards; at most " +
                            std::to_string(kMaxWildcards) + " are allowed",
                        kExitUsage);
    }
    try {
      plan.match = parse_text(text, request, full);
    } catch (const Xapian::QueryParserError&) {
      try {
        plan.match = parse_text(text, request, 0);
        plan.relaxed = true;
        plan.wildcards.clear();  // '*' is no operator of a plain-word parse
      } catch (const Xapian::QueryParserError& e) {
        throw SearchError("bad_query", "cannot parse the query: " + e.get_msg(), kExitUsage);
      }
    }
    if (db_) plan.correction = spelling_correction(request.query, *db_);
    if (plan.match.empty()) {
      // Only punctuation or operators: nothing to search for.
      plan.match = Xapian::Query::MatchNothing;
    }
    // The budget counts the terms of the text: each plain word's label stems double its stems, but most are no term
    // of the database (labels have few words), which costs a lookup.
    const std::string label_stem = std::string(schema::kPrefixStem) + std::string(schema::kPrefixLabel);
    const auto terms = static_cast<std::size_t>(
        std::count_if(plan.match.get_unique_terms_begin(), plan.match.get_unique_terms_end(),
                      [&label_stem](const std::string& term) { return term.rfind(label_stem, 0) != 0; }));
    if (terms > kMaxQueryTerms) {
      throw SearchError("query_too_long",
                        "the query has " + std::to_string(terms) + " distinct terms, stems included; the limit is " +
                            std::to_string(kMaxQueryTerms),
                        kExitUsage);
    }
  }

  for (const schema::FacetSpec& spec : schema::kFacets) {
    const std::size_t i = schema::index_of(spec.facet);
    if (!request.has_filter(spec.facet)) continue;
    std::set<std::string> allowed;
    if (spec.facet == Facet::Year) {
      for (int y : known_years_) {
        for (const YearRange& range : request.year_filters) {
          if (y >= range.first && y <= range.last) allowed.insert(std::to_string(y));
        }
      }
    } else {
      allowed.insert(request.filters[i].begin(), request.filters[i].end());
    }
    std::vector<std::string> terms;
    for (const std::string& value : allowed) terms.push_back(schema::facet_term(spec.facet, value));
    plan.filters[i] = terms.empty() ? Xapian::Query::MatchNothing : or_of(terms);
    plan.allowed[i] = std::move(allowed);
  }
  return plan;
}

}  // namespace citego
