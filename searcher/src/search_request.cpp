// Filter and sort options (see citego/search_request.h).
#include "citego/search_request.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

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

YearRange parse_year_range(std::string_view value) {
  const auto fail = [&] {
    return bad_filter("bad year filter \"" + std::string(value) +
                      "\" (expected YYYY, YYYY..YYYY, ..YYYY or YYYY.., years " + std::to_string(schema::kMinYear) +
                      " to " + std::to_string(schema::kMaxYear) + ")");
  };
  const std::size_t dots = value.find("..");
  if (dots == std::string_view::npos) {
    const auto year = parse_year(value);
    if (!year) throw fail();
    return YearRange{*year, *year};
  }
  const std::string_view from = value.substr(0, dots);
  const std::string_view to = value.substr(dots + 2);
  if (from.empty() && to.empty()) throw fail();
  YearRange range;
  if (!from.empty()) {
    const auto year = parse_year(from);
    if (!year) throw fail();
    range.first = *year;
  }
  if (!to.empty()) {
    const auto year = parse_year(to);
    if (!year) throw fail();
    range.last = *year;
  }
  if (range.last < range.first) {
    throw bad_filter("bad year filter \"" + std::string(value) + "\": the range ends before it starts");
  }
  return range;
}

}  // namespace

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
    throw bad_filter("unknown facet \"" + std::string(name) +
                     "\" (expected year, project_type or type, organisation_kind or kind, doc_type or doctype, "
                     "or lang)");
  }
  auto reject = [&](const std::string& expected) {
    return bad_filter("unknown value \"" + std::string(value) + "\" for " +
                      std::string(schema::spec_of(*facet).name) + " (expected one of: " + expected + ")");
  };
  switch (*facet) {
    case Facet::Year:
      request.year_filters.push_back(parse_year_range(value));
      return;
    case Facet::ProjectType:
      if (!schema::is_one_of(value, schema::kProjectTypes)) throw reject(schema::list_of(schema::kProjectTypes));
      break;
    case Facet::OrganisationKind:
      if (!schema::is_one_of(value, schema::kOrganisationKinds)) throw reject(schema::list_of(schema::kOrganisationKinds));
      break;
    case Facet::DocType:
      if (!schema::doc_type_from_name(value)) throw reject("organisation, project, resource");
      break;
    case Facet::Lang:
      if (!schema::lang_from_code(value)) throw reject("fr, en, es, pt");
      break;
  }
  auto& values = request.filters[schema::index_of(*facet)];
  if (std::find(values.begin(), values.end(), value) == values.end()) values.emplace_back(value);
}

void validate(const SearchRequest& request) {
  const std::size_t max_limit = request.ranking_only ? kMaxRankingLimit : kMaxLimit;
  if (request.limit > max_limit) {
    throw SearchError("usage", "--limit " + std::to_string(request.limit) + " is above the maximum of " +
                                   std::to_string(max_limit), kExitUsage);
  }
  if (request.offset > kMaxOffset) {
    throw SearchError("usage", "--offset " + std::to_string(request.offset) + " is above the maximum of " +
                                   std::to_string(kMaxOffset), kExitUsage);
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

SortOrder parse_sort(std::string_view text) {
  if (text == "relevance") return SortOrder::Relevance;
  if (text == "year") return SortOrder::YearAscending;
  if (text == "-year") return SortOrder::YearDescending;
  throw SearchError("usage", "unknown sort \"" + std::string(text) + "\" (expected relevance, year or -year)",
                    kExitUsage);
}

}  // namespace citego
