// ExportRecord: one document of an export (<organisation>, <project>, <resource>, <dossier> or <fiche>) as a plain
// struct, and ThesaurusEntry: one entry of the thesauri (<person>, <descriptor>, <place>), which is no document.
//
// citego-index reads XML into records, checks them, derives their facets and turns them into Xapian documents; the
// tests build records directly. Field names follow the export format (schema/README.md).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "citego/schema.h"

namespace citego {

// Where something is in an input file: 1-based line and column (column counted in characters).
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
  bool operator==(const SourceLocation&) const = default;
};

// "file:line:col", or just "file" when the line is unknown.
std::string to_string(const SourceLocation& where);

// A reference from a document to another one (a participant or a link), with where it was written.
struct Reference {
  std::string ref;
  std::string role;  // participants and dossier partners only; may be empty
  SourceLocation where;
  bool operator==(const Reference&) const = default;
};

// One <author> of a fiche or dossier: a reference to a <person> (ref set, name empty) or free text (ref empty).
struct AuthorRef {
  std::string ref;
  std::string name;
  SourceLocation where;
  bool operator==(const AuthorRef&) const = default;
};

// A publication date: YYYY, YYYY-MM or YYYY-MM-DD (month and day 0 when absent), checked to be a real date.
struct Date {
  int year = 0;
  int month = 0;
  int day = 0;
  bool operator==(const Date&) const = default;
};
// "YYYY", "YYYY-MM" or "YYYY-MM-DD", as the date was written.
std::string to_string(const Date& date);

struct ExportRecord {
  schema::DocType doc_type = schema::DocType::Resource;
  std::string id;
  schema::Lang lang = schema::Lang::En;
  SourceLocation where;

  std::string title;  // <title>, or an organisation's <name>
  std::string url;
  std::string summary;  // <summary>, or an organisation's <description>
  std::string body;

  // organisation
  std::string acronym;
  std::string kind;
  std::string relation;
  std::string country;

  // project
  std::string project_type;
  std::optional<int> start_year;
  std::optional<int> end_year;  // unset: the period is the start year only
  std::vector<Reference> participants;

  // resource (authors, keywords and links also in fiches)
  std::string category;
  std::optional<int> year;
  std::vector<std::string> authors;  // free-text authors; a fiche's or dossier's <author> without ref
  std::vector<std::string> keywords;
  std::vector<Reference> links;

  // dossier (also start_year, end_year): <coordinator>, <partners>; fiche and dossier: <authors>, <descriptors>,
  // <places>
  std::optional<Reference> coordinator;
  std::vector<Reference> partners;
  std::vector<AuthorRef> author_refs;  // every <author> in order, references and free text alike
  std::vector<Reference> descriptors;
  std::vector<Reference> places;

  // fiche
  std::string fiche_type;
  std::optional<Date> date;
  std::vector<Reference> dossiers;
  std::optional<Reference> translation_of;
  std::string source;

  bool operator==(const ExportRecord&) const = default;
};

// What a document gets from the other records of the corpus (ReferenceGraph::derived_of): its facets, the other
// versions of a fiche, its authors with the persons' names, and the labels of its descriptors and places (with
// those of the places' ancestors) for the label-word field.
struct DerivedFields {
  schema::FacetValues facets;
  std::vector<schema::StoredTranslation> translations;
  std::vector<schema::StoredAuthor> authors;
  std::vector<std::pair<schema::Lang, std::string>> label_texts;
  bool operator==(const DerivedFields&) const = default;
};

enum class ThesaurusKind { Person, Descriptor, Place };
// "person", "descriptor", "place": the XML element name.
std::string_view name_of(ThesaurusKind kind);

struct ThesaurusEntry {
  ThesaurusKind kind = ThesaurusKind::Descriptor;
  std::string id;
  SourceLocation where;
  schema::Labels labels;                 // descriptor, place: <label xml:lang>; person: its <name> in every slot
  std::string name;                      // person
  std::optional<Reference> affiliation;  // person: an organisation
  std::string family;                    // descriptor, may be empty
  std::vector<Reference> related;        // descriptor: other descriptors
  std::string level;                     // place
  std::string code;                      // place: ISO 3166-1 alpha-2, countries only
  std::optional<Reference> parent;       // place
  bool operator==(const ThesaurusEntry&) const = default;
};

}  // namespace citego
