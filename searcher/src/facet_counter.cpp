// Facet counting spy (see citego/facet_counter.h).
#include "citego/facet_counter.h"

#include <algorithm>
#include <string_view>

namespace citego {

namespace {

// packed_code -> facet index, or -1.
constexpr std::array<int, 128> make_code_table() {
  std::array<int, 128> table{};
  for (int& entry : table) entry = -1;
  for (std::size_t i = 0; i < schema::kFacets.size(); ++i) {
    table[static_cast<unsigned char>(schema::kFacets[i].packed_code)] = static_cast<int>(i);
  }
  return table;
}

constexpr std::array<int, 128> kCodeTable = make_code_table();
constexpr int kYearIndex = static_cast<int>(schema::Facet::Year);

}  // namespace

std::string FacetCounter::packed_facets_of(Xapian::docid did) {
  // The matcher meets documents in ascending docid order, so one value stream read forward serves them all (looking
  // each document's value up from the top of the table costs several times more); a step back starts a new stream.
  if (!streaming_ || did < last_docid_) {
    values_ = db_.valuestream_begin(schema::kSlotFacets);
    streaming_ = true;
  }
  last_docid_ = did;
  const Xapian::ValueIterator end = db_.valuestream_end(schema::kSlotFacets);
  if (values_ != end && values_.get_docid() < did) values_.skip_to(did);
  if (values_ == end || values_.get_docid() != did) return {};
  return *values_;
}

void FacetCounter::operator()(const Xapian::Document& doc, double) {
  ++seen_;
  const std::string packed = packed_facets_of(doc.get_docid());
  std::string_view rest(packed);
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    if (end == std::string_view::npos) break;
    const auto code = static_cast<unsigned char>(rest[0]);
    const int facet = code < 128 ? kCodeTable[code] : -1;
    if (facet == kYearIndex && counted_[kYearIndex] && end == 5) {
      const std::string_view digits = rest.substr(1, 4);
      int year = 0;
      for (char c : digits) year = year * 10 + (c - '0');
      if (year >= schema::kMinYear && year <= schema::kMaxYear) ++year_counts_[static_cast<std::size_t>(year - schema::kMinYear)];
    } else if (facet >= 0 && counted_[static_cast<std::size_t>(facet)] && end > 1) {
      auto& counts = counts_[static_cast<std::size_t>(facet)];
      const std::string_view value = rest.substr(1, end - 1);
      const auto it = std::find_if(counts.begin(), counts.end(), [value](const auto& c) { return c.first == value; });
      if (it != counts.end()) {
        ++it->second;
      } else {
        counts.emplace_back(std::string(value), 1);
      }
    }
    rest.remove_prefix(end + 1);
  }
}

std::map<std::string, Xapian::doccount> FacetCounter::counts(schema::Facet facet) const {
  const auto& values = counts_[schema::index_of(facet)];
  std::map<std::string, Xapian::doccount> out(values.begin(), values.end());
  if (facet == schema::Facet::Year) {
    for (std::size_t i = 0; i < year_counts_.size(); ++i) {
      if (year_counts_[i] > 0) out.emplace(std::to_string(schema::kMinYear + static_cast<int>(i)), year_counts_[i]);
    }
  }
  return out;
}

}  // namespace citego
