// ExportRecord: one document of an export (<organisation>, <project> or <resource>) as a plain struct.
//
// citego-index reads XML into records, checks them, derives their facets and turns them into Xapian documents; the
// tests build records directly. Field names follow the export format (schema/README.md).
#pragma once

#include <optional>
#include <string>
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
  std::string role;  // participants only; may be empty
  SourceLocation where;
  bool operator==(const Reference&) const = default;
};

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

  // resource
  std::string category;
  std::optional<int> year;
  std::vector<std::string> authors;
  std::vector<std::string> keywords;
  std::vector<Reference> links;

  bool operator==(const ExportRecord&) const = default;
};

}  // namespace citego
