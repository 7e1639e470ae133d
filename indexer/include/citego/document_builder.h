// Record to Xapian document: the terms, values and stored data of one export document.
//
// A pure stage: given a record and its derived facets it returns the document citego-index adds, so tests can assert
// on terms and values without a database. Every prefix, slot, weight and encoding comes from the schema library.
#pragma once

#include <array>

#include <xapian.h>

#include "citego/analysis.h"
#include "citego/record.h"
#include "citego/schema.h"

namespace citego {

class DocumentBuilder {
 public:
  // With `ids` (which must outlive the builder), documents also get the facet id slot (schema::kSlotFacetIds).
  explicit DocumentBuilder(const schema::FacetDictionary* ids = nullptr);

  // The document for `record`: the id term, one boolean term per facet value, the text of each searchable field
  // (exact terms with positions and stems in the record's language), the facet and year values, and the stored data.
  Xapian::Document build(const ExportRecord& record, const schema::FacetValues& facets);
  // The same with everything else the document gets from other records: translations, the names of its authors, and
  // the labels of its descriptors and places (label words, schema::kPrefixLabel).
  // With `forms`, also counts there the written forms of the words of the record's indexed text
  // (analysis::count_written_forms), from which the spelling table shows its words.
  Xapian::Document build(const ExportRecord& record, const DerivedFields& derived,
                         analysis::WrittenForms* forms = nullptr);

 private:
  const schema::FacetDictionary* ids_;
  Xapian::TermGenerator generator_;
  std::array<Xapian::Stem, 4> stemmers_{
      analysis::stemmer_for(schema::Lang::Fr), analysis::stemmer_for(schema::Lang::En),
      analysis::stemmer_for(schema::Lang::Es), analysis::stemmer_for(schema::Lang::Pt)};
};

}  // namespace citego
