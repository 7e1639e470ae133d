// libFuzzer harness of the export reader: bytes -> parse_export -> ReferenceGraph -> DocumentBuilder, all in memory.
//
// It takes the path citego-index takes for one input file (indexer/src/index_builder.cpp): every record is added to
// the reference graph, the references are checked, and when the graph has no fault each record becomes its Xapian
// document. Besides the sanitizers' checks it aborts when a result breaks what the headers promise: a diagnostic or a
// record located outside the input, or a document without its id term. Run it with tests/fuzz/run.sh.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

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
  for (const citego::ExportRecord& record : parsed.records) {
    check_location(record.where, xml);
    if (graph.add(record)) faults = true;
  }
  if (!graph.check_references().empty()) faults = true;
  if (faults) return 0;  // citego-index stops here: facets are derived only from a graph without faults

  citego::DocumentBuilder builder;
  for (const citego::ExportRecord& record : parsed.records) {
    const Xapian::Document document = builder.build(record, graph.facets_of(record.id));
    const std::string id_term = citego::schema::id_term(record.id);
    Xapian::TermIterator term = document.termlist_begin();
    term.skip_to(id_term);
    if (term == document.termlist_end() || *term != id_term) broken_promise("no id term for \"" + record.id + "\"");
  }
  return 0;
}
