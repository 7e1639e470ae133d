// FacetCounter: a Xapian match spy that counts facet values over every matching document.
//
// It reads the packed facet slot (schema::kSlotFacets) once per document and counts each value of each facet it is
// asked for, so a document with two years counts once in each. Used by Searcher with check_at_least set to the
// database size, so counts are exact.
#pragma once

#include <array>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <xapian.h>

#include "citego/schema.h"

namespace citego {

class FacetCounter : public Xapian::MatchSpy {
 public:
  // Counts the facets whose entry in `counted` is true.
  FacetCounter(const Xapian::Database& db, std::array<bool, schema::kFacetCount> counted) : db_(db), counted_(counted) {}

  void operator()(const Xapian::Document& doc, double weight) override;

  // Value -> number of matching documents with that value.
  std::map<std::string, Xapian::doccount> counts(schema::Facet facet) const;
  Xapian::doccount documents_seen() const { return seen_; }

 private:
  std::string packed_facets_of(Xapian::docid did);

  Xapian::Database db_;
  Xapian::ValueIterator values_;
  bool streaming_ = false;
  Xapian::docid last_docid_ = 0;
  std::array<bool, schema::kFacetCount> counted_;
  // Per facet, (value, count) in order of first sight: a facet has few distinct values (tens of years at most), so a
  // linear scan over short strings beats a tree on every matching document.
  std::array<std::vector<std::pair<std::string, Xapian::doccount>>, schema::kFacetCount> counts_;
  // Years, the facet with the most values per document, are counted by number.
  std::array<Xapian::doccount, schema::kMaxYear - schema::kMinYear + 1> year_counts_{};
  Xapian::doccount seen_ = 0;
};

}  // namespace citego
