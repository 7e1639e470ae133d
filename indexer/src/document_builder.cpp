// Record to Xapian document (see citego/document_builder.h).
#include "citego/document_builder.h"

#include <algorithm>

#include "citego/analysis.h"

namespace citego {

namespace {

// A dossier's coordinator, then every <author> in order: persons with their names, free text as written. A
// resource's authors are free text.
std::vector<schema::StoredAuthor> stored_authors(const ExportRecord& record, const DerivedFields& derived) {
  std::vector<schema::StoredAuthor> out;
  const auto name_of_person = [&](const std::string& id) {
    for (const schema::StoredAuthor& a : derived.authors) {
      if (a.id == id) return a.name;
    }
    return std::string();
  };
  if (record.coordinator) out.push_back({record.coordinator->ref, name_of_person(record.coordinator->ref)});
  if (record.author_refs.empty()) {
    for (const std::string& name : record.authors) out.push_back({"", name});
  }
  for (const AuthorRef& author : record.author_refs) {
    if (author.ref.empty()) {
      out.push_back({"", author.name});
    } else {
      out.push_back({author.ref, name_of_person(author.ref)});
    }
  }
  return out;
}

}  // namespace

DocumentBuilder::DocumentBuilder(const schema::FacetDictionary* ids) : ids_(ids) {
  generator_.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
}

Xapian::Document DocumentBuilder::build(const ExportRecord& record, const schema::FacetValues& facets) {
  DerivedFields derived;
  derived.facets = facets;
  return build(record, derived);
}

Xapian::Document DocumentBuilder::build(const ExportRecord& record, const DerivedFields& derived,
                                        analysis::WrittenForms* forms) {
  using schema::Facet;
  using schema::Field;
  const schema::FacetValues& facets = derived.facets;
  Xapian::Document doc;
  doc.add_boolean_term(schema::id_term(record.id));
  for (const schema::FacetSpec& spec : schema::kFacets) {
    for (const std::string& value : facets[spec.facet]) doc.add_boolean_term(schema::facet_term(spec.facet, value));
  }

  generator_.set_stemmer(stemmers_[static_cast<std::size_t>(record.lang)]);
  generator_.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  generator_.set_document(doc);
  generator_.set_termpos(0);
  const auto index = [this, forms](Field field, std::string_view text) {
    analysis::index_field(generator_, field, text);
    if (forms) analysis::count_written_forms(text, *forms);
  };
  index(Field::Title, record.title);
  index(Field::Title, record.acronym);
  for (const std::string& author : record.authors) index(Field::Author, author);
  for (const schema::StoredAuthor& author : derived.authors) index(Field::Author, author.name);
  for (const std::string& keyword : record.keywords) index(Field::Keyword, keyword);
  index(Field::Summary, record.summary);
  index(Field::Body, record.body);
  // Label words have no positions (no phrase spans labels) and each label is stemmed in its own language.
  for (const auto& [lang, label] : derived.label_texts) {
    generator_.set_stemmer(stemmers_[static_cast<std::size_t>(lang)]);
    generator_.index_text_without_positions(analysis::fold(label), 1, std::string(schema::kPrefixLabel));
  }
  doc = generator_.get_document();

  doc.add_value(schema::kSlotFacets, schema::pack_facets(facets));
  if (ids_) doc.add_value(schema::kSlotFacetIds, schema::pack_facet_ids(facets, *ids_));
  doc.add_value(schema::kSlotId, record.id);
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
  stored.fiche_type = record.fiche_type;
  if (record.date) stored.date = to_string(*record.date);
  stored.source = record.source;
  stored.authors = stored_authors(record, derived);
  for (const Reference& ref : record.descriptors) stored.descriptors.push_back(ref.ref);
  for (const Reference& ref : record.places) stored.places.push_back(ref.ref);
  for (const Reference& ref : record.dossiers) stored.dossiers.push_back(ref.ref);
  stored.translations = derived.translations;
  if (std::string group = schema::translation_group_key(stored.id, stored.translations); !group.empty()) {
    doc.add_value(schema::kSlotTranslationGroup, group);
  }
  doc.set_data(schema::encode_stored(stored));
  return doc;
}

}  // namespace citego
