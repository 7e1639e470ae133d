// ReferenceGraph: what citego-index keeps of every document between reading the inputs and indexing them.
//
// It holds, per document, only the facts that other documents' facets depend on (type, kind, project type, years,
// references), so memory grows with the number of documents, not with their text. It finds duplicate ids and
// dangling references, assigns each document its Xapian docid (the order documents are read in, so the same inputs
// give the same database, and a run of consecutive documents has consecutive docids), and derives the multi-valued
// facets through references (schema/README.md).
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "citego/export_reader.h"
#include "citego/record.h"
#include "citego/schema.h"

namespace citego {

class ReferenceGraph {
 public:
  // Records a document's facts and gives it the next docid (1, 2, …). Returns a diagnostic (and keeps the first) when
  // its id was added before.
  std::optional<Diagnostic> add(const ExportRecord& record);

  // Checks every reference: a participant must name an organisation, a link a project or an organisation.
  // Diagnostics come in the order the documents were added. Call once, after the last add().
  std::vector<Diagnostic> check_references() const;

  // The docid of an added document. Throws std::logic_error for an unknown id.
  Xapian::docid docid_of(const std::string& id) const;

  // Facet values of an added document, derived through its references and the references to it.
  // Requires check_references() to have found nothing.
  schema::FacetValues facets_of(const std::string& id) const;

  std::size_t size() const { return order_.size(); }
  std::size_t count(schema::DocType type) const;

 private:
  struct Facts {
    schema::DocType doc_type = schema::DocType::Resource;
    schema::Lang lang = schema::Lang::En;
    SourceLocation where;
    std::string kind;          // organisations
    std::string project_type;  // projects
    int first_year = 0;        // projects: period; resources: year; 0 = none
    int last_year = 0;
    std::vector<Reference> refs;  // participants or links
    Xapian::docid docid = 0;
  };

  const Facts* find(const std::string& id) const;

  std::unordered_map<std::string, Facts> facts_;
  std::vector<std::string> order_;                                        // ids in the order added
  std::unordered_map<std::string, std::vector<std::string>> projects_of_;  // organisation id -> project ids
};

}  // namespace citego
