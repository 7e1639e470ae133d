// FacetCounter: a Xapian match spy that counts facet values over every matching document.
//
// It reads the packed facet slot (schema::kSlotFacets) once per document and counts each value of each facet it is
// asked for, so a document with two years counts once in each. Used by Searcher with check_at_least set to the
// database size, so counts are exact.
//
// A long-running process (the search server) can read every document's facet values once into a FacetTable; the
// counter then adds up value ids instead of reading and parsing the slot of each matching document. Both ways give
// the same counts.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <xapian.h>

#include "citego/schema.h"

namespace citego {

// Every document's facet values, as ids of distinct (facet, value) pairs.
class FacetTable {
 public:
  // Reads the facet slot of every document of `db`.
  explicit FacetTable(const Xapian::Database& db);

  // The value ids of document `did` (none for a docid past the last document, or a document without values).
  std::span<const std::uint32_t> ids_of(Xapian::docid did) const;
  std::size_t facet_of(std::uint32_t id) const { return facets_[id]; }  // schema::index_of
  const std::string& value_of(std::uint32_t id) const { return values_[id]; }
  std::size_t size() const { return values_.size(); }

 private:
  std::vector<std::uint32_t> starts_;  // by docid: where its ids start in ids_ (one more entry than documents)
  std::vector<std::uint32_t> ids_;
  std::vector<std::uint8_t> facets_;   // by id
  std::vector<std::string> values_;    // by id
};

class FacetCounter : public Xapian::MatchSpy {
 public:
  // Counts the facets whose entry in `counted` is true, reading each document's slot from `db`, or its values from
  // `table` when there is one (which must be `db`'s).
  FacetCounter(const Xapian::Database& db, std::array<bool, schema::kFacetCount> counted,
               const FacetTable* table = nullptr)
      : db_(db), table_(table), counted_(counted) {
    if (table_) id_counts_.assign(table_->size(), 0);
  }

  void operator()(const Xapian::Document& doc, double weight) override;

  // Value -> number of matching documents with that value.
  std::map<std::string, Xapian::doccount> counts(schema::Facet facet) const;
  Xapian::doccount documents_seen() const { return seen_; }

 private:
  std::string packed_facets_of(Xapian::docid did);

  Xapian::Database db_;
  const FacetTable* table_;
  Xapian::ValueIterator values_;
  bool streaming_ = false;
  Xapian::docid last_docid_ = 0;
  std::array<bool, schema::kFacetCount> counted_;
  // Per facet, (value, count) in order of first sight: a facet has few distinct values (tens of years at most), so a
  // linear scan over short strings beats a tree on every matching document.
  std::array<std::vector<std::pair<std::string, Xapian::doccount>>, schema::kFacetCount> counts_;
  // Years, the facet with the most values per document, are counted by number.
  std::array<Xapian::doccount, schema::kMaxYear - schema::kMinYear + 1> year_counts_{};
  std::vector<Xapian::doccount> id_counts_;  // with a table: by value id
  Xapian::doccount seen_ = 0;
};

}  // namespace citego
