// Matching, facet counting and hit assembly (see citego/searcher.h).
#include "citego/searcher.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <unordered_map>

#include "citego/facet_counter.h"

namespace citego {

namespace {

using schema::Facet;

double round4(double x) { return std::round(x * 10000.0) / 10000.0; }

// The values of a filtered facet that the request selects.
struct Selection {
  std::set<std::string> values;   // listed whatever the facet limit, also with no match (count 0)
  std::vector<YearRange> ranges;  // the year facet's range filters: a year counted inside one is selected too

  bool selects(const std::string& value) const {
    if (values.count(value)) return true;
    if (ranges.empty()) return false;
    const int year = std::stoi(value);  // a year value of the counter: four digits
    return std::any_of(ranges.begin(), ranges.end(), [year](const YearRange& r) { return year >= r.first && year <= r.last; });
  }
};

// What the request selects of `facet`: the values of its filters, as add_filter kept them (also those outside a
// vocabulary); for the year, each year a filter names alone, and the ranges (a range lists only its years that have
// counts: listing every year of 1000..2999 would say nothing).
Selection selection_of(Facet facet, const SearchRequest& request) {
  Selection selection;
  if (facet != Facet::Year) {
    const auto& values = request.filters[schema::index_of(facet)];
    selection.values.insert(values.begin(), values.end());
    return selection;
  }
  for (const YearRange& range : request.year_filters) {
    if (range.first == range.last) {
      selection.values.insert(std::to_string(range.first));
    } else if (range.first < range.last) {  // not kNoYears, which selects nothing
      selection.ranges.push_back(range);
    }
  }
  return selection;
}

// A facet's values to show, ordered for display: years newest first; others by count, then value. With a limit, the
// first `limit` values in that order, and the selected ones wherever they come (a visitor can always untick them),
// also those no match has. Only the values shown are put in order: a facet may have thousands.
std::vector<FacetCount> ordered_counts(Facet facet, const FacetCounter& counter, std::size_t limit,
                                       const Selection* selection) {
  const auto before = [facet](const FacetCount& a, const FacetCount& b) {
    if (facet == Facet::Year) return a.value > b.value;
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  };
  std::vector<FacetCount> all;
  for (ValueCount& c : counter.counts(facet)) {
    const bool selected = selection && selection->selects(c.value);
    all.push_back({std::move(c.value), c.count, "", selected});
  }
  std::vector<FacetCount> out;
  if (limit == 0 || all.size() <= limit) {
    out = std::move(all);
  } else {
    const auto shown = all.begin() + static_cast<std::ptrdiff_t>(limit);
    std::partial_sort(all.begin(), shown, all.end(), before);
    out.assign(std::make_move_iterator(all.begin()), std::make_move_iterator(shown));
    for (auto it = shown; it != all.end(); ++it) {
      if (it->selected) out.push_back(std::move(*it));
    }
  }
  if (selection) {
    for (const std::string& value : selection->values) {
      if (std::none_of(out.begin(), out.end(), [&value](const FacetCount& c) { return c.value == value; })) {
        out.push_back({value, 0, "", true});
      }
    }
  }
  std::sort(out.begin(), out.end(), before);
  return out;
}

// The labels of facet values (schema::label_key metadata), read once per request and value. A value without
// metadata has no label: every entry empty.
class LabelReader {
 public:
  explicit LabelReader(const Xapian::Database& db) : db_(db) {}

  // Throws std::invalid_argument on metadata that encode_labels cannot have written.
  const schema::Labels& of(Facet facet, const std::string& value) {
    std::string key = schema::label_key(facet, value);
    auto it = cache_.find(key);
    if (it == cache_.end()) {
      const std::string data = db_.get_metadata(key);
      it = cache_.emplace(std::move(key), data.empty() ? schema::Labels{} : schema::decode_labels(data)).first;
    }
    return it->second;
  }

  // The labelled references of a hit: each id with its label in `lang`, else the document's language.
  std::vector<LabelledRef> refs(Facet facet, const std::vector<std::string>& ids, std::optional<schema::Lang> lang,
                                schema::Lang document_lang) {
    std::vector<LabelledRef> out;
    out.reserve(ids.size());
    for (const std::string& id : ids) out.push_back({id, schema::pick_label(of(facet, id), lang, document_lang)});
    return out;
  }

 private:
  const Xapian::Database& db_;
  std::unordered_map<std::string, schema::Labels> cache_;
};

// Labels the values shown of a facet whose values have labels, in the request's language.
void label_counts(Facet facet, std::vector<FacetCount>& counts, std::optional<schema::Lang> lang,
                  LabelReader& labels) {
  if (schema::spec_of(facet).labels == schema::LabelSource::None) return;
  for (FacetCount& c : counts) c.label = schema::pick_label(labels.of(facet, c.value), lang, std::nullopt);
}

// The clock of one request: its deadline covers every stage.
class Deadline {
 public:
  explicit Deadline(double seconds)
      : seconds_(seconds),
        end_(std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                     std::chrono::duration<double>(seconds))) {}

  double remaining() const {
    return std::chrono::duration<double>(end_ - std::chrono::steady_clock::now()).count();
  }
  // Throws deadline_exceeded once the deadline has passed.
  void check() const {
    if (remaining() <= 0) fail();
  }
  [[noreturn]] void fail() const { throw deadline_exceeded(seconds_); }

 private:
  double seconds_;
  std::chrono::steady_clock::time_point end_;
};

// A match reads at most one posting per document and query term (a wildcard counts as its largest expansion).
bool may_run_long(const Xapian::Query& query, bool has_wildcard, Xapian::doccount documents) {
  const double terms = static_cast<double>(query.get_length()) * (has_wildcard ? kMaxWildcardExpansion : 1);
  return terms * documents > kTimedMatchPostings;
}

// An exhaustive match (check_at_least = every document), within what is left of the deadline: Xapian stops counting
// exhaustively when its time limit passes, which would make counts estimates, so that is the deadline error.
Xapian::MSet exhaustive_mset(Xapian::Enquire& enquire, Xapian::doccount first, Xapian::doccount size,
                             Xapian::doccount all, bool timed, const Deadline& deadline) {
  deadline.check();
  if (timed) enquire.set_time_limit(std::max(deadline.remaining(), 0.001));
  Xapian::MSet mset = enquire.get_mset(first, size, all);
  if (timed && mset.get_matches_lower_bound() != mset.get_matches_upper_bound()) deadline.fail();
  return mset;
}

void apply_sort(Xapian::Enquire& enquire, const SearchRequest& request, bool browse) {
  const SortOrder order = request.sort.value_or(browse ? SortOrder::YearDescending : SortOrder::Relevance);
  switch (order) {
    case SortOrder::Relevance:
      enquire.set_sort_by_relevance();
      break;
    case SortOrder::YearAscending:
      enquire.set_sort_by_value_then_relevance(schema::kSlotYearMin, false);
      break;
    case SortOrder::YearDescending:
      enquire.set_sort_by_value_then_relevance(schema::kSlotYearMax, true);
      break;
  }
}

}  // namespace

Searcher::Searcher(const std::string& path, bool facet_table) : path_(path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw SearchError("database_missing",
                      "no database at " + path + " (build one with: citego-index --db " + path + " corpus/)",
                      kExitRuntime);
  }
  try {
    db_ = Xapian::Database(path);
  } catch (const Xapian::DatabaseOpeningError& e) {
    throw SearchError("database_missing", "cannot open " + path + " as a database: " + e.get_msg(), kExitRuntime);
  } catch (const Xapian::Error& e) {
    throw SearchError("database_error", "cannot open " + path + ": " + e.get_description(), kExitRuntime);
  }
  std::string version;
  try {
    version = db_.get_metadata(std::string(schema::kMetaSchemaVersion));
  } catch (const Xapian::Error& e) {
    throw SearchError("database_error", "cannot read " + path + ": " + e.get_description(), kExitRuntime);
  }
  if (version.empty()) {
    throw SearchError("schema_mismatch",
                      path + " was not built by citego-index (no schema version); rebuild it with: citego-index --db " +
                          path + " INPUT...",
                      kExitRuntime);
  }
  if (version != std::to_string(schema::kSchemaVersion)) {
    throw SearchError("schema_mismatch",
                      path + " was built with schema version " + version + "; this citego-search reads version " +
                          std::to_string(schema::kSchemaVersion) + ": rebuild it with: citego-index --db " + path +
                          " INPUT...",
                      kExitRuntime);
  }
  const std::string prefix(schema::spec_of(Facet::Year).term_prefix);
  try {
    for (auto it = db_.allterms_begin(prefix); it != db_.allterms_end(prefix); ++it) {
      known_years_.push_back(std::stoi((*it).substr(prefix.size())));
    }
    if (facet_table) facet_table_ = std::make_shared<const FacetTable>(db_);
  } catch (const Xapian::Error& e) {
    throw SearchError("database_error", "cannot read " + path + ": " + e.get_description(), kExitRuntime);
  } catch (const std::logic_error& e) {  // std::stoi on a year term citego-index cannot have written
    throw SearchError("database_error", "cannot read " + path + ": " + e.what(), kExitRuntime);
  }
}

SearchResponse Searcher::search(const SearchRequest& request) const {
  const auto started = std::chrono::steady_clock::now();
  const Deadline deadline(request.deadline_seconds);
  validate(request);
  const QueryBuilder builder(known_years_, &db_);
  const QueryPlan plan = builder.build(request);

  SearchResponse response;
  response.query = request.query;
  response.lang = request.lang;
  response.offset = request.offset;
  response.limit = request.limit;
  response.relaxed = plan.relaxed;
  response.warnings = request.warnings;
  try {
    const Xapian::doccount all = db_.get_doccount();
    const bool has_wildcard = !plan.wildcards.empty();
    const bool timed = may_run_long(plan.filtered(), has_wildcard, all);
    LabelReader labels(db_);
    Xapian::Enquire enquire(db_);
    enquire.set_weighting_scheme(Xapian::BM25Weight(kBm25K1, 0, 1, kBm25B, 0.5));
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
    apply_sort(enquire, request, plan.browse);

    // Pass 1: hits, total, and the counts of every facet that is not filtered.
    std::array<bool, schema::kFacetCount> unfiltered{};
    for (const schema::FacetSpec& spec : schema::kFacets) unfiltered[schema::index_of(spec.facet)] = !request.has_filter(spec.facet);
    if (request.ranking_only) unfiltered.fill(false);
    FacetCounter counter(db_, unfiltered, facet_table_.get());
    enquire.set_query(plan.filtered());
    if (!request.ranking_only) enquire.add_matchspy(&counter);
    const Page page = page_of(request, all);
    const auto first = static_cast<Xapian::doccount>(page.first);
    const auto size = static_cast<Xapian::doccount>(page.size);
    deadline.check();
    const Xapian::MSet mset = request.ranking_only
                                  ? enquire.get_mset(first, size, Xapian::doccount{0})
                                  : exhaustive_mset(enquire, first, size, all, timed, deadline);
    enquire.clear_matchspies();
    response.total = mset.get_matches_estimated();
    response.total_exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
    response.facets_exact = response.total_exact && counter.documents_seen() == mset.get_matches_lower_bound();
    for (const schema::FacetSpec& spec : schema::kFacets) {
      if (unfiltered[schema::index_of(spec.facet)]) {
        response.facets[schema::index_of(spec.facet)] = ordered_counts(spec.facet, counter, request.facet_limit, nullptr);
        label_counts(spec.facet, response.facets[schema::index_of(spec.facet)], request.lang, labels);
      }
    }

    // One more pass per filtered facet, with the other facets' filters only.
    for (const schema::FacetSpec& spec : schema::kFacets) {
      const std::size_t i = schema::index_of(spec.facet);
      if (unfiltered[i] || request.ranking_only) continue;
      std::array<bool, schema::kFacetCount> only{};
      only[i] = true;
      FacetCounter own(db_, only, facet_table_.get());
      Xapian::Enquire pass(db_);
      pass.set_weighting_scheme(Xapian::BoolWeight());
      pass.set_query(plan.filtered(spec.facet));
      pass.add_matchspy(&own);
      const Xapian::MSet counted = exhaustive_mset(pass, 0, 0, all, timed, deadline);
      if (counted.get_matches_lower_bound() != counted.get_matches_upper_bound() ||
          own.documents_seen() != counted.get_matches_lower_bound()) {
        response.facets_exact = false;
      }
      const Selection selection = selection_of(spec.facet, request);
      response.facets[i] = ordered_counts(spec.facet, own, request.facet_limit, &selection);
      label_counts(spec.facet, response.facets[i], request.lang, labels);
    }

    // Words to mark in snippets: the query's own terms (a term a hit lacks marks nothing), and the words that start
    // like one of its wildcards.
    MatchedTerms matched = matched_terms_of({plan.match.get_unique_terms_begin(), plan.match.get_unique_terms_end()});
    matched.prefixes.insert(plan.wildcards.begin(), plan.wildcards.end());
    std::size_t rank = request.offset;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      deadline.check();
      Hit hit;
      hit.rank = ++rank;
      hit.docid = *it;
      const Xapian::Document doc = it.get_document();
      hit.stored = schema::decode_stored(doc.get_data());
      hit.weight = it.get_weight();
      hit.score = round4(hit.weight);
      hit.facets = schema::unpack_facets(doc.get_value(schema::kSlotFacets));
      if (request.ranking_only) {
        response.hits.push_back(std::move(hit));
        continue;
      }
      hit.descriptors = labels.refs(Facet::Descriptor, hit.stored.descriptors, request.lang, hit.stored.lang);
      hit.places = labels.refs(Facet::Place, hit.stored.places, request.lang, hit.stored.lang);
      hit.dossiers = labels.refs(Facet::Dossier, hit.stored.dossiers, request.lang, hit.stored.lang);
      hit.snippet = make_snippet(hit.stored.summary, hit.stored.lang, matched);
      const bool summary_has_mark =
          std::any_of(hit.snippet.begin(), hit.snippet.end(), [](const SnippetPart& p) { return p.marked; });
      if (!summary_has_mark && !hit.stored.body.empty()) {
        Snippet from_body = make_snippet(hit.stored.body, hit.stored.lang, matched);
        const bool body_has_mark =
            std::any_of(from_body.begin(), from_body.end(), [](const SnippetPart& p) { return p.marked; });
        if (body_has_mark || hit.snippet.empty()) hit.snippet = std::move(from_body);
      }
      response.hits.push_back(std::move(hit));
    }

    // "Did you mean": only a correction that finds something.
    if (!plan.correction.empty() && !request.ranking_only) {
      deadline.check();
      SearchRequest corrected = request;
      corrected.query = plan.correction;
      const QueryPlan corrected_plan = QueryBuilder(known_years_, nullptr).build(corrected);
      Xapian::Enquire check(db_);
      check.set_query(corrected_plan.filtered());
      if (check.get_mset(0, 0, 1).get_matches_lower_bound() > 0) response.suggestion = plan.correction;
      deadline.check();
    }
  } catch (const Xapian::Error& e) {
    throw SearchError("database_error", "reading " + path_ + " failed: " + e.get_description(), kExitRuntime);
  } catch (const std::invalid_argument& e) {
    throw SearchError("database_error", "reading " + path_ + " failed: " + e.what(), kExitRuntime);
  }
  if (request.with_timing) {
    response.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
  return response;
}

}  // namespace citego
