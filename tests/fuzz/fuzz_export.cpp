// libFuzzer harness of the export reader: bytes -> parse_export -> ReferenceGraph -> DocumentBuilder, all in memory.
//
// It takes the path citego-index takes for one input file (indexer/src/index_builder.cpp): every record is added to
// the reference graph, the references are checked, and when the graph has no fault each record becomes its Xapian
// document. Besides the sanitizers' checks it aborts when a result breaks what the headers promise: a diagnostic or a
// record or thesaurus entry located outside the input; a record or entry with text that is not valid UTF-8, holds a
// character XML 1.0 forbids or is longer than its field's limit (the reader refuses all three), or an entry without
// a label; a document without its id term, or whose stored data or packed facets do not read back as the record and
// facets it was built from. Run it with tests/fuzz/run.sh.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "citego/document_builder.h"
#include "citego/export_reader.h"
#include "citego/reference_graph.h"
#include "citego/schema.h"

namespace {

constexpr const char* kFile = "fuzz.xml";

[[noreturn]] void broken_promise(const std::string& what) {
  std::fprintf(stderr, "fuzz_export: %s\n", what.c_str());
  std::abort();
}

// A location names the input and lies inside it (line 0 only for "the whole file"), or one past its last character.
void check_location(const citego::SourceLocation& where, std::string_view xml) {
  if (where.file != kFile) broken_promise("location names \"" + where.file + "\"");
  std::size_t lines = 1;
  for (char c : xml) lines += c == '\n' ? 1 : 0;
  const bool whole_file = where.line == 0 && where.column == 0;
  const bool inside = where.line >= 1 && static_cast<std::size_t>(where.line) <= lines && where.column >= 1 &&
                      static_cast<std::size_t>(where.column) <= xml.size() + 1;
  if (!whole_file && !inside) broken_promise("location " + citego::to_string(where) + " is outside the input");
}

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF), checked here
// rather than with the reader's own function.
bool is_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = [&text](std::size_t at) { return static_cast<unsigned char>(text[at]); };
    const unsigned lead = byte(i);
    const std::size_t length = lead < 0x80                   ? 1
                               : lead >= 0xC2 && lead < 0xE0 ? 2
                               : lead >= 0xE0 && lead < 0xF0 ? 3
                               : lead >= 0xF0 && lead < 0xF5 ? 4
                                                             : 0;
    if (length == 0 || i + length > text.size()) return false;
    unsigned code = length == 1 ? lead : lead & (0x7Fu >> length);
    for (std::size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return false;
      code = (code << 6) | (byte(i + k) & 0x3F);
    }
    const unsigned smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < smallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

// Whether `text` holds a character XML 1.0 forbids: a control character other than tab, LF and CR, U+FFFE or U+FFFF.
bool has_non_xml_char(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') return true;
    if (text.substr(i, 3) == "\xEF\xBF\xBE" || text.substr(i, 3) == "\xEF\xBF\xBF") return true;
  }
  return false;
}

std::size_t characters(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

// Each text is valid UTF-8, holds only XML characters, and is within its limit (export_reader.h).
void check_texts(const std::string& what, const std::vector<std::pair<const std::string*, std::size_t>>& texts) {
  for (const auto& [text, limit] : texts) {
    if (!is_utf8(*text)) broken_promise(what + " holds invalid UTF-8: " + *text);
    if (has_non_xml_char(*text)) broken_promise(what + " holds a character XML forbids");
    if (characters(*text) > limit) broken_promise(what + " holds a field over its limit");
  }
}

// A record's text is valid UTF-8, holds only XML characters, and each field is within its limit (export_reader.h).
void check_text(const citego::ExportRecord& record) {
  std::vector<std::pair<const std::string*, std::size_t>> texts = {{&record.title, citego::kMaxTitleChars},
                                                                   {&record.url, citego::kMaxUrlChars},
                                                                   {&record.summary, citego::kMaxSummaryChars},
                                                                   {&record.body, citego::kMaxBodyChars},
                                                                   {&record.acronym, citego::kMaxAcronymChars},
                                                                   {&record.kind, SIZE_MAX},
                                                                   {&record.relation, SIZE_MAX},
                                                                   {&record.country, SIZE_MAX},
                                                                   {&record.category, SIZE_MAX},
                                                                   {&record.project_type, SIZE_MAX}};
  texts.emplace_back(&record.fiche_type, SIZE_MAX);
  texts.emplace_back(&record.source, citego::kMaxSourceChars);
  for (const std::string& author : record.authors) texts.emplace_back(&author, citego::kMaxAuthorChars);
  for (const citego::AuthorRef& author : record.author_refs) texts.emplace_back(&author.name, citego::kMaxAuthorChars);
  for (const std::string& keyword : record.keywords) texts.emplace_back(&keyword, citego::kMaxKeywordChars);
  for (const citego::Reference& participant : record.participants) {
    texts.emplace_back(&participant.role, citego::kMaxRoleChars);
  }
  for (const citego::Reference& partner : record.partners) texts.emplace_back(&partner.role, citego::kMaxRoleChars);
  check_texts("record \"" + record.id + "\"", texts);
}

// The same of a thesaurus entry, whose label is never empty in every language.
void check_text(const citego::ThesaurusEntry& entry) {
  std::vector<std::pair<const std::string*, std::size_t>> texts = {{&entry.name, citego::kMaxAuthorChars},
                                                                   {&entry.family, SIZE_MAX},
                                                                   {&entry.level, SIZE_MAX},
                                                                   {&entry.code, SIZE_MAX}};
  bool labelled = false;
  for (const std::string& label : entry.labels) {
    texts.emplace_back(&label, citego::kMaxLabelChars);
    labelled = labelled || !label.empty();
  }
  if (!labelled) broken_promise("entry \"" + entry.id + "\" has no label");
  check_texts("entry \"" + entry.id + "\"", texts);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  const citego::ParsedExport parsed = citego::parse_export(xml, kFile);
  for (const citego::Diagnostic& error : parsed.errors) {
    check_location(error.where, xml);
    if (error.message.empty()) broken_promise("a diagnostic without a message at " + citego::to_string(error.where));
  }
  if (parsed.errors.empty() && xml.find('<') == std::string_view::npos) broken_promise("no element, no diagnostic");

  citego::ReferenceGraph graph;
  bool faults = false;
  for (const citego::ThesaurusEntry& entry : parsed.entries) {
    check_location(entry.where, xml);
    check_text(entry);
    if (graph.add(entry)) faults = true;
  }
  for (const citego::ExportRecord& record : parsed.records) {
    check_location(record.where, xml);
    check_text(record);
    if (graph.add(record)) faults = true;
  }
  if (!graph.check_references().empty()) faults = true;
  if (faults) return 0;  // citego-index stops here: facets are derived only from a graph without faults

  citego::DocumentBuilder builder;
  for (const citego::ExportRecord& record : parsed.records) {
    const citego::DerivedFields derived = graph.derived_of(record.id);
    const citego::schema::FacetValues& facets = derived.facets;
    const Xapian::Document document = builder.build(record, derived);
    // The fields of every document, then those of version 2 as the record wrote them.
    citego::schema::StoredDocument stored;
    stored.id = record.id;
    stored.doc_type = record.doc_type;
    stored.lang = record.lang;
    stored.title = record.title;
    stored.url = record.url;
    stored.summary = record.summary;
    stored.body = record.body;
    stored.fiche_type = record.fiche_type;
    if (record.date) stored.date = citego::to_string(*record.date);
    stored.source = record.source;
    const auto ids = [](const std::vector<citego::Reference>& refs) {
      std::vector<std::string> out;
      for (const citego::Reference& ref : refs) out.push_back(ref.ref);
      return out;
    };
    stored.descriptors = ids(record.descriptors);
    stored.places = ids(record.places);
    stored.dossiers = ids(record.dossiers);
    stored.translations = derived.translations;
    citego::schema::StoredDocument decoded = citego::schema::decode_stored(document.get_data());
    if (decoded.authors.size() < record.author_refs.size()) broken_promise("authors of \"" + record.id + "\" lost");
    decoded.authors.clear();
    if (decoded != stored) {
      broken_promise("the stored data of \"" + record.id + "\" does not read back as its record");
    }
    if (citego::schema::unpack_facets(document.get_value(citego::schema::kSlotFacets)) != facets) {
      broken_promise("the packed facets of \"" + record.id + "\" do not read back as its facets");
    }
    const std::string id_term = citego::schema::id_term(record.id);
    Xapian::TermIterator term = document.termlist_begin();
    term.skip_to(id_term);
    if (term == document.termlist_end() || *term != id_term) broken_promise("no id term for \"" + record.id + "\"");
  }
  return 0;
}
