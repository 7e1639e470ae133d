// Searcher: opens a citego database and answers SearchRequests with ranked hits, snippets and facet counts.
//
// Ranking is BM25 over the fields' weighted terms. Facet counts are exact: every matching document is counted.
// With filters on some facets, each such facet is counted with the filters of the other facets only (multi-select
// facets), which takes one extra pass per filtered facet; the hits and the other facets come from one pass.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "citego/facet_counter.h"
#include "citego/query_builder.h"
#include "citego/schema.h"
#include "citego/search_request.h"
#include "citego/snippet.h"

namespace citego {

// BM25 parameters (Xapian's defaults are k1 = 1, b = 0.5). Chosen on the public test collections, the same for all
// (bench/RESULTS.md, "Ranking quality").
inline constexpr double kBm25K1 = 1.5;
inline constexpr double kBm25B = 0.75;

// --related: how many of the given document's best text terms (Xapian's ESet) find documents close in text.
inline constexpr Xapian::termcount kRelatedTerms = 10;
// --related: those terms are chosen among the document's words of at least this within-document frequency (a word of
// its title, keywords, authors or summary, or one its body repeats: schema::kFields), unless it has fewer than
// kRelatedTerms such words, when they are chosen among all its words. Xapian looks up the frequency of every word it
// weighs (a block read each): a fiche has a few hundred words, most of them once in the body, and a few dozen of them.
inline constexpr Xapian::termcount kRelatedMinWdf = 2;
// --related: a descriptor that more than one document in kRelatedCommonShare holds, and more than kRelatedCommonFloor
// documents, is common: sharing it does not relate a document to the given one (so that a descriptor of a third of the
// library does not list a third of the library), though it adds its weight to the order of the documents listed.
inline constexpr Xapian::doccount kRelatedCommonShare = 10;
inline constexpr Xapian::doccount kRelatedCommonFloor = 100;

struct FacetCount {
  std::string value;
  Xapian::doccount count = 0;
  std::string label;      // the value's label in the request's language (schema::pick_label); empty: none
  bool selected = false;  // the request filters on this value (listed whatever the facet limit)
  bool operator==(const FacetCount&) const = default;
};

// One bucket of --facet-ranges on the year: the documents with at least one year in [first, last].
struct RangeCount {
  std::string name;  // "2010..2014" as asked
  int first = 0;
  int last = 0;
  Xapian::doccount count = 0;
  bool operator==(const RangeCount&) const = default;
};

// A record a hit names (descriptor, place, dossier, author), with its label in the request's language, else the
// document's.
struct LabelledRef {
  std::string id;
  std::string label;
  bool operator==(const LabelledRef&) const = default;
};

// Another version of a collapsed hit's translation group, and whether it matches the request too.
struct Version {
  schema::Lang lang = schema::Lang::En;
  std::string id;
  bool matches = false;
  bool operator==(const Version&) const = default;
};

struct Hit {
  std::size_t rank = 0;  // 1-based, counting from the first result (offset included)
  Xapian::docid docid = 0;
  schema::StoredDocument stored;
  double score = 0;   // BM25 weight, rounded to 4 decimals
  double weight = 0;  // BM25 weight, unrounded
  schema::FacetValues facets;
  Snippet snippet;
  // The whole title with the query's matched words marked as in the snippet (mark_words); empty: not marked (a
  // ranking-only request), and the output shows the title unmarked.
  Snippet marked_title;
  // The document's own descriptors, places and dossiers (stored order), labelled; authors are in stored.authors.
  std::vector<LabelledRef> descriptors;
  std::vector<LabelledRef> places;
  std::vector<LabelledRef> dossiers;
  // With --collapse translation: the group's other versions (stored.translations), each saying whether it matches.
  std::vector<Version> versions;
};

// The answer of --facet-search: the values of the facet whose label has a word starting like each word of the prefix.
struct FacetSearchResult {
  schema::Facet facet = schema::Facet::Descriptor;
  std::string prefix;
  std::vector<FacetCount> values;           // count over the matches (as the facet's own counts), best first
  std::vector<std::string> matched_labels;  // by value: the label whose words matched (the request's language first)
};

// FacetSpec::always_listed of each facet.
constexpr std::array<bool, schema::kFacetCount> always_listed_facets() {
  std::array<bool, schema::kFacetCount> listed{};
  for (std::size_t f = 0; f < schema::kFacetCount; ++f) listed[f] = schema::kFacets[f].always_listed;
  return listed;
}

struct SearchResponse {
  std::string query;
  std::optional<schema::Lang> lang;
  Xapian::doccount total = 0;
  bool total_exact = true;
  std::size_t offset = 0;
  std::size_t limit = 0;
  std::vector<Hit> hits;
  std::array<std::vector<FacetCount>, schema::kFacetCount> facets;  // per facet (schema::index_of)
  // Whether each facet is a key of "facets": every FacetSpec::always_listed facet, and the others when the database
  // has a value of them (Searcher).
  std::array<bool, schema::kFacetCount> listed = always_listed_facets();
  std::vector<RangeCount> year_ranges;  // --facet-ranges year=…, in the order asked
  bool facets_exact = true;
  std::optional<std::string> suggestion;  // a corrected query that has hits
  bool relaxed = false;                   // the query did not parse and was searched as plain words
  // --collapse translation: `total` counts translation groups (a document outside any group is one), and
  // `total_documents` the matching documents; facet counts still count documents.
  Collapse collapse = Collapse::None;
  Xapian::doccount total_documents = 0;
  std::string related;  // --related ID
  std::optional<FacetSearchResult> facet_search;
  std::vector<SearchWarning> warnings;  // the request's (search_request.h)
  double seconds = 0;                   // filled when the request asks for timing
};

// Hits ranked per match of an --all export (Searcher::export_all; about 60 bytes each).
inline constexpr std::size_t kExportWindow = 10000;

class LabelTable;  // searcher.cpp

class Searcher {
 public:
  // Opens the database at `path`. Throws SearchError "database_missing" (no database there), "schema_mismatch"
  // (written by another schema version, or not by citego-index), "database_error" (unreadable). With
  // `facet_table`, reads every document's facet values now (a FacetTable), and every facet value's labels, so that
  // each search counts facets and labels them faster: worth it for a process that answers many searches.
  explicit Searcher(const std::string& path, bool facet_table = false);

  // Throws SearchError for a bad query or options, and "database_error" when reading fails.
  SearchResponse search(const SearchRequest& request) const;

  // --all: every hit from request.offset on, in the order of `search`'s pages, handed to `write` 100 at a time (a
  // response with its hits only); returns how many. Each match ranks the next `window_size` hits only (a bounded heap
  // in a match spy), so memory does not grow with the hits; with --related or --collapse, or through a remote shard,
  // one match ranks them all (Xapian keeps a rank entry of each: docid, weight and sort key). Documents are read a
  // page at a time. Each match and each page has the request's deadline. Throws as `search` does.
  std::size_t export_all(const SearchRequest& request, const std::function<void(const SearchResponse&)>& write,
                         std::size_t window_size = kExportWindow) const;

  const Xapian::Database& database() const { return db_; }
  // Whether a search lost the connection to a remote shard: the next one needs a new Searcher (which connects again).
  bool shard_lost() const { return shard_lost_; }

 private:
  // For a set of shards: whether one is remote, and the set's `spelling` database (shard_set.h), which gives
  // suggestions (spelling_: it, then the shards) and labels (catalogue_). Else both are db_.
  void open_shard_set();
  // The request's query plan (validated), expanded with --expand.
  QueryPlan plan_of(const SearchRequest& request) const;
  template <typename Work>
  void reading(Work&& work) const;

  std::string path_;
  Xapian::Database db_;
  bool remote_ = false;
  mutable bool shard_lost_ = false;
  Xapian::Database catalogue_;
  Xapian::Database spelling_;
  std::vector<int> known_years_;
  std::array<bool, schema::kFacetCount> listed_ = always_listed_facets();  // SearchResponse::listed
  std::shared_ptr<const FacetTable> facet_table_;
  std::shared_ptr<const FacetIds> facet_ids_;      // without facet_table, for a database with the facet id slot
  std::shared_ptr<const LabelTable> label_table_;  // with facet_table: every label, by label_key
};

}  // namespace citego
