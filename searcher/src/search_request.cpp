// Filter and sort options (see citego/search_request.h).
#include "citego/search_request.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "citego/analysis.h"

namespace citego {

namespace {

SearchError bad_filter(const std::string& message) { return SearchError("bad_filter", message, kExitUsage); }

std::optional<int> parse_year(std::string_view text) {
  if (text.size() != 4) return std::nullopt;
  int year = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), year);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (year < schema::kMinYear || year > schema::kMaxYear) return std::nullopt;
  return year;
}

// A year filter's range, or why it has none.
struct ParsedYears {
  YearRange range = kNoYears;
  std::string problem;  // empty when `range` was read
};

ParsedYears parse_year_range(std::string_view value) {
  const auto malformed = [&] {
    return ParsedYears{kNoYears, "bad year filter \"" + std::string(value) +
                                     "\" (expected YYYY, YYYY..YYYY, ..YYYY or YYYY.., years " +
                                     std::to_string(schema::kMinYear) + " to " + std::to_string(schema::kMaxYear) +
                                     ")"};
  };
  const std::size_t dots = value.find("..");
  if (dots == std::string_view::npos) {
    const auto year = parse_year(value);
    if (!year) return malformed();
    return {YearRange{*year, *year}, ""};
  }
  const std::string_view from = value.substr(0, dots);
  const std::string_view to = value.substr(dots + 2);
  if (from.empty() && to.empty()) return malformed();
  YearRange range;
  if (!from.empty()) {
    const auto year = parse_year(from);
    if (!year) return malformed();
    range.first = *year;
  }
  if (!to.empty()) {
    const auto year = parse_year(to);
    if (!year) return malformed();
    range.last = *year;
  }
  if (range.last < range.first) {
    return {kNoYears, "bad year filter \"" + std::string(value) + "\": the range ends before it starts"};
  }
  return {range, ""};
}

// The values a --filter of `facet` may take (empty: any id, or years), in the order the documentation lists them.
std::span<const std::string_view> vocabulary_of(schema::Facet facet) { return schema::spec_of(facet).vocabulary; }

SearchError too_many_ranges(std::size_t ranges) {
  return SearchError("bad_facet_ranges",
                     "--facet-ranges asks for " + std::to_string(ranges) + " ranges; at most " +
                         std::to_string(kMaxYearBuckets) + " are allowed",
                     kExitUsage);
}

void warn(SearchRequest& request, const std::string& message) {
  SearchWarning warning{std::string(kUnknownFilterValue), message + "; it matches no document"};
  const auto& warnings = request.warnings;
  if (std::find(warnings.begin(), warnings.end(), warning) == warnings.end()) request.warnings.push_back(warning);
}

}  // namespace

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool SearchRequest::has_filter(schema::Facet facet) const {
  if (facet == schema::Facet::Year) return !year_filters.empty();
  return !filters[schema::index_of(facet)].empty();
}

void add_filter(SearchRequest& request, std::string_view facet_equals_value) {
  using schema::Facet;
  const std::size_t eq = facet_equals_value.find('=');
  if (eq == std::string_view::npos) {
    throw bad_filter("bad filter \"" + std::string(facet_equals_value) + "\" (expected FACET=VALUE)");
  }
  const std::string_view name = facet_equals_value.substr(0, eq);
  const std::string_view value = facet_equals_value.substr(eq + 1);
  const auto facet = schema::facet_from_name(name);
  if (!facet) {
    throw bad_filter("unknown facet \"" + std::string(name) + "\" (expected " + schema::facet_names_for_messages() +
                     ")");
  }
  if (*facet == Facet::Year) {
    const ParsedYears years = parse_year_range(value);
    if (!years.problem.empty()) warn(request, years.problem);
    request.year_filters.push_back(years.range);
    return;
  }
  // Every facet's values are lower case (vocabularies and ids alike): a value matches ignoring ASCII case. An id
  // facet takes any id; one that no document has matches nothing, as an unknown id should.
  const std::span<const std::string_view> vocabulary = vocabulary_of(*facet);
  const std::string lower = ascii_lower(value);
  const auto entry = std::find(vocabulary.begin(), vocabulary.end(), lower);
  std::string selected(value);
  if (schema::spec_of(*facet).rule == schema::ValueRule::Id) {
    selected = lower;
  } else if (entry != vocabulary.end()) {
    selected = *entry;
  } else {
    std::string expected;
    for (std::string_view v : vocabulary) expected += (expected.empty() ? "" : ", ") + std::string(v);
    warn(request, "unknown value \"" + std::string(value) + "\" for " + std::string(schema::spec_of(*facet).name) +
                      " (expected one of: " + expected + ")");
  }
  auto& values = request.filters[schema::index_of(*facet)];
  if (std::find(values.begin(), values.end(), selected) == values.end()) values.push_back(std::move(selected));
}

void add_facet_ranges(SearchRequest& request, std::string_view facet_equals_ranges) {
  const std::string option(facet_equals_ranges);
  const std::string expected = "(expected year=YYYY..YYYY,YYYY..YYYY,… or year=decades)";
  const auto bad = [](const std::string& message) { return SearchError("bad_facet_ranges", message, kExitUsage); };
  const std::size_t eq = facet_equals_ranges.find('=');
  if (eq == std::string_view::npos) throw bad("bad --facet-ranges \"" + option + "\" " + expected);
  if (schema::facet_from_name(facet_equals_ranges.substr(0, eq)) != schema::Facet::Year) {
    throw bad("--facet-ranges \"" + option + "\": only the year facet has ranges " + expected);
  }
  const std::string ranges = ascii_lower(facet_equals_ranges.substr(eq + 1));
  if (ranges == "decades") {
    if (!request.year_buckets.empty()) {
      throw bad("--facet-ranges \"" + option + "\": year=decades cannot be combined with other ranges");
    }
    request.year_decades = true;
    return;
  }
  std::vector<YearRange> read;
  std::size_t begin = 0;
  for (;;) {
    const std::size_t comma = std::min(ranges.find(',', begin), ranges.size());
    const std::string_view text = std::string_view(ranges).substr(begin, comma - begin);
    if (text == "decades" || (request.year_decades && !text.empty())) {
      throw bad("--facet-ranges \"" + option + "\": year=decades cannot be combined with other ranges");
    }
    const std::size_t dots = text.find("..");
    const auto first = dots == std::string_view::npos ? std::nullopt : parse_year(text.substr(0, dots));
    const auto last = dots == std::string_view::npos ? std::nullopt : parse_year(text.substr(dots + 2));
    if (!first || !last) {
      throw bad("bad range \"" + std::string(text) + "\" in --facet-ranges \"" + option +
                "\" (expected YYYY..YYYY, years " + std::to_string(schema::kMinYear) + " to " +
                std::to_string(schema::kMaxYear) + ")");
    }
    if (*last < *first) {
      throw bad("bad range \"" + std::string(text) + "\" in --facet-ranges \"" + option +
                "\": the range ends before it starts");
    }
    read.push_back({*first, *last});
    if (comma == ranges.size()) break;
    begin = comma + 1;
  }
  if (request.year_buckets.size() + read.size() > kMaxYearBuckets) {
    throw too_many_ranges(request.year_buckets.size() + read.size());
  }
  request.year_buckets.insert(request.year_buckets.end(), read.begin(), read.end());
}

Collapse parse_collapse(std::string_view text) {
  if (text == "translation") return Collapse::Translation;
  if (text == "none") return Collapse::None;
  throw SearchError("usage", "unknown collapse \"" + std::string(text) + "\" (expected translation or none)",
                    kExitUsage);
}

std::vector<schema::Lang> parse_prefer_langs(std::string_view text) {
  std::vector<schema::Lang> langs;
  std::size_t begin = 0;
  for (;;) {
    const std::size_t comma = std::min(text.find(',', begin), text.size());
    const std::string code(text.substr(begin, comma - begin));
    const std::optional<schema::Lang> lang = schema::lang_from_code(ascii_lower(code));
    if (!lang) {
      throw SearchError("usage",
                        "unknown language \"" + code + "\" in --prefer-lang \"" + std::string(text) +
                            "\" (expected fr, en, es or pt, separated by commas)",
                        kExitUsage);
    }
    if (std::find(langs.begin(), langs.end(), *lang) != langs.end()) {
      throw SearchError("usage", "--prefer-lang \"" + std::string(text) + "\" names " + code + " twice", kExitUsage);
    }
    langs.push_back(*lang);
    if (comma == text.size()) break;
    begin = comma + 1;
  }
  return langs;
}

FacetSearch parse_facet_search(std::string_view facet_equals_prefix) {
  const auto bad = [](const std::string& message) { return SearchError("bad_facet_search", message, kExitUsage); };
  const std::string option(facet_equals_prefix);
  const std::size_t eq = facet_equals_prefix.find('=');
  if (eq == std::string_view::npos) throw bad("bad --facet-search \"" + option + "\" (expected FACET=PREFIX)");
  const std::optional<schema::Facet> facet = schema::facet_from_name(facet_equals_prefix.substr(0, eq));
  if (!facet || schema::spec_of(*facet).labels == schema::LabelSource::None) {
    std::string labelled;
    for (const schema::FacetSpec& spec : schema::kFacets) {
      if (spec.labels != schema::LabelSource::None) labelled += (labelled.empty() ? "" : ", ") + std::string(spec.name);
    }
    throw bad("--facet-search \"" + option + "\": only a facet with labels can be searched (" + labelled + ")");
  }
  FacetSearch search{*facet, std::string(facet_equals_prefix.substr(eq + 1)), {}};
  if (search.prefix.size() > kMaxQueryBytes) {
    throw bad("--facet-search prefix of " + std::to_string(search.prefix.size()) +
              " bytes is longer than the limit of " + std::to_string(kMaxQueryBytes));
  }
  for (analysis::Token& token : analysis::tokenize(search.prefix)) search.words.push_back(std::move(token.exact));
  if (search.words.empty()) throw bad("--facet-search \"" + option + "\": the prefix has no word");
  return search;
}

void validate(const SearchRequest& request) {
  const std::size_t max_limit = request.ranking_only ? kMaxRankingLimit : kMaxLimit;
  if (request.limit > max_limit) {
    throw SearchError(
        "usage", "--limit " + std::to_string(request.limit) + " is above the maximum of " + std::to_string(max_limit),
        kExitUsage);
  }
  if (request.year_buckets.size() > kMaxYearBuckets) {
    throw too_many_ranges(request.year_buckets.size());
  }
  if (!request.related.empty() && !request.query.empty()) {
    throw SearchError("usage",
                      "--related lists the documents related to one document: it takes no QUERY (filters "
                      "narrow it)",
                      kExitUsage);
  }
  if (request.query.size() > kMaxQueryBytes) {
    throw SearchError("query_too_long",
                      "query of " + std::to_string(request.query.size()) + " bytes is longer than the limit of " +
                          std::to_string(kMaxQueryBytes),
                      kExitUsage);
  }
}

SearchError deadline_exceeded(double deadline_seconds) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%g", deadline_seconds);
  return SearchError("deadline_exceeded",
                     std::string("the search did not finish within its deadline of ") + seconds +
                         " s: narrow the query, or allow more time with --deadline",
                     kExitLimit);
}

Page page_of(const SearchRequest& request, std::size_t documents) {
  if (request.offset >= documents) return Page{0, 0};
  return Page{request.offset, request.limit};
}

SortOrder parse_sort(std::string_view text) {
  if (text == "relevance") return SortOrder::Relevance;
  if (text == "year") return SortOrder::YearAscending;
  if (text == "-year") return SortOrder::YearDescending;
  throw SearchError("usage", "unknown sort \"" + std::string(text) + "\" (expected relevance, year or -year)",
                    kExitUsage);
}

}  // namespace citego
