// Pseudo-relevance feedback (see citego/expansion.h).
#include "citego/expansion.h"

#include <vector>

#include "citego/schema.h"

namespace citego {

namespace {

// Plain stems: "Z" then a lower-case letter or digit (a field's or a label's stems have an upper-case prefix).
class PlainStems : public Xapian::ExpandDecider {
 public:
  bool operator()(const std::string& term) const override {
    if (term.size() <= schema::kPrefixStem.size() ||
        term.compare(0, schema::kPrefixStem.size(), schema::kPrefixStem) != 0) {
      return false;
    }
    const char c = term[schema::kPrefixStem.size()];
    return !(c >= 'A' && c <= 'Z');
  }
};

}  // namespace

Xapian::Query expanded(const Xapian::Database& db, const Xapian::Query& match, const Xapian::Query& filtered,
                       const Xapian::Weight& weight) {
  Xapian::Enquire enquire(db);
  enquire.set_weighting_scheme(weight);
  enquire.set_docid_order(Xapian::Enquire::ASCENDING);
  enquire.set_query(filtered);
  const Xapian::MSet top = enquire.get_mset(0, kExpansionDocuments);
  if (top.empty()) return match;
  Xapian::RSet relevant;
  for (auto it = top.begin(); it != top.end(); ++it) relevant.add_document(*it);
  const PlainStems plain;
  const Xapian::ESet best = enquire.get_eset(kExpansionTerms, relevant, &plain);
  std::vector<Xapian::Query> terms;
  for (auto it = best.begin(); it != best.end(); ++it) terms.emplace_back(*it);
  if (terms.empty()) return match;
  return Xapian::Query(
      Xapian::Query::OP_AND_MAYBE, match,
      Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()),
                    kExpansionWeight));
}

}  // namespace citego
