// Reading exports: XML text to ExportRecords (the documents) and ThesaurusEntries (persons, descriptors, places), with
// every local fault of the format reported as a Diagnostic. Reads versions 1 and 2 of the format (schema/README.md).
//
// Used by citego-index (index_builder.h) and by the tests. Checks that need other documents or entries (duplicate
// ids, references, their kinds, translation groups, the levels of a place's parents) are made by ReferenceGraph
// (reference_graph.h), not here.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "citego/record.h"

namespace citego {

// The longest text of each field, in characters once white space is collapsed (schema/README.md, "Limits"): far
// above what the site writes, low enough that one document cannot make every search that returns it slow.
inline constexpr std::size_t kMaxTitleChars = 1000;  // <title>, an organisation's <name>
inline constexpr std::size_t kMaxAcronymChars = 100;
inline constexpr std::size_t kMaxUrlChars = 2000;
inline constexpr std::size_t kMaxSummaryChars = 10000;  // <summary>, an organisation's <description>
inline constexpr std::size_t kMaxBodyChars = 100000;    // about 30 pages
inline constexpr std::size_t kMaxAuthorChars = 200;     // one <author>, a person's <name>
inline constexpr std::size_t kMaxKeywordChars = 200;    // one <keyword>
inline constexpr std::size_t kMaxRoleChars = 100;       // a participant's or a dossier partner's role
inline constexpr std::size_t kMaxSourceChars = 1000;    // a fiche's <source>
inline constexpr std::size_t kMaxLabelChars = 200;      // one <label> of a descriptor or a place

// An error in an input, reported as "file:line:col: error: message".
struct Diagnostic {
  SourceLocation where;
  std::string message;
  bool operator==(const Diagnostic&) const = default;
};

std::string to_string(const Diagnostic& diagnostic);

struct ParsedExport {
  std::vector<ExportRecord> records;    // the documents without local faults, in file order
  std::vector<ThesaurusEntry> entries;  // the persons, descriptors and places without local faults, in file order
  std::vector<Diagnostic> errors;       // every local fault found, in file order
};

// Parses one export held in memory; `file` names it in locations. Never throws on bad input: a file that is not
// well-formed UTF-8 XML 1.0 (find_xml_fault, xml_check.h, then pugixml) gives a single diagnostic and no records; a
// document or entry with a fault, such as a field over its limit above, gives diagnostics and no record or entry. An
// element of version 2 (<dossier>, <fiche>, <person>, <descriptor>, <place>) in a file of version 1 is a fault.
// Linear in the size of the input, however its lines are laid out.
ParsedExport parse_export(std::string_view xml, const std::string& file);

// Reads `path` (read_input, input_file.h) and parses it. A file that cannot be read gives one diagnostic naming it and
// why (the system's reason, or what the path is instead of a file).
ParsedExport read_export_file(const std::string& path);

}  // namespace citego
