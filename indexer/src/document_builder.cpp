// Record to Xapian document (see citego/document_builder.h).
#include "citego/document_builder.h"

#include <algorithm>

#include "citego/analysis.h"

namespace citego {

DocumentBuilder::DocumentBuilder() { generator_.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME); }

Xapian::Document DocumentBuilder::build(const ExportRecord& record, const schema::FacetValues& facets) {
  using schema::Facet;
  using schema::Field;
  Xapian::Document doc;
  doc.add_boolean_term(schema::id_term(record.id));
  for (const schema::FacetSpec& spec : schema::kFacets) {
    for (const std::string& value : facets[spec.facet]) doc.add_boolean_term(schema::facet_term(spec.facet, value));
  }

  generator_.set_stemmer(stemmers_[static_cast<std::size_t>(record.lang)]);
  generator_.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  generator_.set_document(doc);
  generator_.set_termpos(0);
  analysis::index_field(generator_, Field::Title, record.title);
  analysis::index_field(generator_, Field::Title, record.acronym);
  for (const std::string& author : record.authors) analysis::index_field(generator_, Field::Author, author);
  for (const std::string& keyword : record.keywords) analysis::index_field(generator_, Field::Keyword, keyword);
  analysis::index_field(generator_, Field::Summary, record.summary);
  analysis::index_field(generator_, Field::Body, record.body);
  doc = generator_.get_document();

  doc.add_value(schema::kSlotFacets, schema::pack_facets(facets));
  const auto& years = facets[Facet::Year];
  if (years.empty()) {
    doc.add_value(schema::kSlotYearMin, schema::no_year_low_key());
  } else {
    // Years are four-digit strings, so string order is numeric order.
    doc.add_value(schema::kSlotYearMin, Xapian::sortable_serialise(std::stoi(years.front())));
    doc.add_value(schema::kSlotYearMax, Xapian::sortable_serialise(std::stoi(years.back())));
  }

  schema::StoredDocument stored;
  stored.id = record.id;
  stored.doc_type = record.doc_type;
  stored.lang = record.lang;
  stored.title = record.title;
  stored.url = record.url;
  stored.summary = record.summary;
  stored.body = record.body;
  doc.set_data(schema::encode_stored(stored));
  return doc;
}

}  // namespace citego
