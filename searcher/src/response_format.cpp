// JSON, text and CSV renderings (see citego/response_format.h).
//
// Facets follow schema::kFacets: every facet's counts, the in_hits facets of each hit, the labels of the facets that
// have labels, and the CSV columns come from that table, so that a facet added there appears in every format.
#include "citego/response_format.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "citego/analysis.h"

namespace citego {

namespace {

using schema::Facet;

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string snippet_html(const Snippet& snippet) {
  std::string out;
  for (const SnippetPart& part : snippet) {
    out += part.marked ? "<mark>" + html_escape(part.text) + "</mark>" : html_escape(part.text);
  }
  return out;
}

std::string snippet_text(const Snippet& snippet, bool ansi) {
  std::string out;
  for (const SnippetPart& part : snippet) {
    if (!part.marked) {
      out += part.text;
    } else if (ansi) {
      out += "\033[1m" + part.text + "\033[0m";
    } else {
      out += "*" + part.text + "*";
    }
  }
  return out;
}

// The hit's title with its marks; a hit whose title was not marked (Hit::marked_title empty) shows it unmarked.
Snippet title_of(const Hit& hit) {
  if (!hit.marked_title.empty() || hit.stored.title.empty()) return hit.marked_title;
  return Snippet{SnippetPart{hit.stored.title, false}};
}

std::string joined(const std::vector<std::string>& values, std::string_view separator) {
  std::string out;
  for (const std::string& v : values) {
    if (!out.empty()) out += separator;
    out += v;
  }
  return out;
}

std::string format_score(double score) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4f", score);
  return buffer;
}

// JSON written as it is built: one response has hundreds of strings, and building a document tree first (nlohmann's
// json) costs a one-query process more than the search. The bytes are those of nlohmann's dump() with
// error_handler_t::replace, which writes whatever this writer does not (tests compare the two).
class JsonWriter {
 public:
  std::string take() { return std::move(out_); }

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  // The key of the next member of an object.
  JsonWriter& key(std::string_view name) {
    separate();
    write_string(name);
    out_ += ':';
    after_key_ = true;
    return *this;
  }

  JsonWriter& value(std::string_view text) {
    separate();
    write_string(text);
    return *this;
  }
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(bool b) { return raw(b ? "true" : "false"); }
  JsonWriter& value(double number) { return raw(nlohmann::json(number).dump()); }
  template <typename Int>
  requires std::is_integral_v<Int> JsonWriter& value(Int number) { return raw(std::to_string(number)); }
  JsonWriter& null() { return raw("null"); }
  JsonWriter& string_or_null(const std::string& text) { return text.empty() ? null() : value(text); }
  JsonWriter& strings(const std::vector<std::string>& texts) {
    begin_array();
    for (const std::string& text : texts) value(text);
    return end_array();
  }

 private:
  JsonWriter& open(char bracket) {
    separate();
    out_ += bracket;
    first_.push_back(true);
    return *this;
  }
  JsonWriter& close(char bracket) {
    out_ += bracket;
    first_.pop_back();
    return *this;
  }
  JsonWriter& raw(std::string_view text) {
    separate();
    out_ += text;
    return *this;
  }
  // A comma before every value of an array or member of an object but the first.
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
  void write_string(std::string_view text) {
    const bool plain = std::none_of(
        text.begin(), text.end(), [](char c) { return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20; });
    if (plain && analysis::is_valid_utf8(text)) {
      out_ += '"';
      out_ += text;
      out_ += '"';
    } else {
      out_ += nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }

  std::string out_;
  std::vector<bool> first_;  // per open array or object: nothing written in it yet
  bool after_key_ = false;
};

// The records a hit names, labelled. The searcher labels the stored ids (Hit::descriptors, …); a hit it did not label
// shows the stored ids without labels, so that no reference is lost.
std::vector<LabelledRef> labelled(const std::vector<LabelledRef>& refs, const std::vector<std::string>& stored_ids) {
  if (!refs.empty() || stored_ids.empty()) return refs;
  std::vector<LabelledRef> out;
  for (const std::string& id : stored_ids) out.push_back(LabelledRef{id, ""});
  return out;
}

std::vector<LabelledRef> descriptors_of(const Hit& hit) { return labelled(hit.descriptors, hit.stored.descriptors); }
std::vector<LabelledRef> places_of(const Hit& hit) { return labelled(hit.places, hit.stored.places); }
std::vector<LabelledRef> dossiers_of(const Hit& hit) { return labelled(hit.dossiers, hit.stored.dossiers); }

void write_refs(JsonWriter& w, const std::vector<LabelledRef>& refs) {
  w.begin_array();
  for (const LabelledRef& r : refs)
    w.begin_object().key("id").value(r.id).key("label").string_or_null(r.label).end_object();
  w.end_array();
}

void write_hit(JsonWriter& w, const Hit& hit, bool collapsed) {
  const schema::StoredDocument& doc = hit.stored;
  w.begin_object();
  w.key("rank").value(hit.rank);
  w.key("id").value(doc.id);
  w.key("doc_type").value(schema::name_of(doc.doc_type));
  w.key("title").value(doc.title);
  w.key("score").value(hit.score);
  w.key("url").string_or_null(doc.url);
  w.key("lang").value(schema::code_of(doc.lang));
  w.key("fiche_type").string_or_null(doc.fiche_type);
  w.key("date").string_or_null(doc.date);
  w.key("authors").begin_array();
  for (const schema::StoredAuthor& a : doc.authors) {
    w.begin_object().key("id").string_or_null(a.id).key("name").value(a.name).end_object();
  }
  w.end_array();
  write_refs(w.key("descriptors"), descriptors_of(hit));
  write_refs(w.key("places"), places_of(hit));
  write_refs(w.key("dossiers"), dossiers_of(hit));
  w.key("translations").begin_array();
  for (const schema::StoredTranslation& t : doc.translations) {
    w.begin_object().key("lang").value(schema::code_of(t.lang)).key("id").value(t.id).end_object();
  }
  w.end_array();
  if (collapsed) {
    w.key("versions").begin_array();
    for (const Version& v : hit.versions) {
      w.begin_object().key("lang").value(schema::code_of(v.lang)).key("id").value(v.id);
      w.key("matches").value(v.matches).end_object();
    }
    w.end_array();
  }
  w.key("source").string_or_null(doc.source);
  w.key("facets").begin_object();
  for (const schema::FacetSpec& spec : schema::kFacets) {
    if (spec.in_hits) w.key(spec.name).strings(hit.facets[spec.facet]);
  }
  w.end_object();
  w.key("title_html").value(snippet_html(title_of(hit)));
  w.key("snippet").value(snippet_html(hit.snippet));
  w.end_object();
}

void write_facet_value(JsonWriter& w, const schema::FacetSpec& spec, const FacetCount& c) {
  w.begin_object().key("value").value(c.value).key("count").value(c.count);
  if (spec.labels != schema::LabelSource::None) w.key("label").string_or_null(c.label);
  if (c.selected) w.key("selected").value(true);
  w.end_object();
}

}  // namespace

std::string to_json(const SearchResponse& response) {
  JsonWriter w;
  w.begin_object();
  w.key("version").value(kResponseVersion);
  w.key("query").value(response.query);
  if (response.lang) {
    w.key("lang").value(schema::code_of(*response.lang));
  } else {
    w.key("lang").null();
  }
  w.key("total").value(response.total);
  w.key("total_exact").value(response.total_exact);
  if (response.collapse == Collapse::Translation) {
    w.key("collapse").begin_object();
    w.key("by").value("translation").key("total").value("translation_groups");
    w.key("documents").value(response.total_documents).key("facets").value("documents");
    w.end_object();
  }
  if (!response.related.empty()) w.key("related").value(response.related);
  w.key("offset").value(response.offset);
  w.key("limit").value(response.limit);
  w.key("hits").begin_array();
  const bool collapsed = response.collapse != Collapse::None;
  for (const Hit& hit : response.hits) write_hit(w, hit, collapsed);
  w.end_array();
  w.key("facets").begin_object();
  for (const schema::FacetSpec& spec : schema::kFacets) {
    w.key(spec.name).begin_array();
    for (const FacetCount& c : response.facets[schema::index_of(spec.facet)]) write_facet_value(w, spec, c);
    w.end_array();
  }
  w.end_object();
  if (!response.year_ranges.empty()) {
    w.key("facet_ranges").begin_object().key(schema::spec_of(Facet::Year).name).begin_array();
    for (const RangeCount& r : response.year_ranges) {
      w.begin_object().key("range").value(r.name).key("first").value(r.first).key("last").value(r.last);
      w.key("count").value(r.count).end_object();
    }
    w.end_array().end_object();
  }
  if (response.facet_search) {
    const FacetSearchResult& found = *response.facet_search;
    w.key("facet_search").begin_object();
    w.key("facet").value(schema::spec_of(found.facet).name).key("prefix").value(found.prefix);
    w.key("values").begin_array();
    for (std::size_t i = 0; i < found.values.size(); ++i) {
      const FacetCount& c = found.values[i];
      w.begin_object().key("value").value(c.value).key("count").value(c.count).key("label").string_or_null(c.label);
      w.key("matched_label").value(found.matched_labels[i]).end_object();
    }
    w.end_array().end_object();
  }
  w.key("facets_exact").value(response.facets_exact);
  if (response.suggestion) {
    w.key("suggestion").value(*response.suggestion);
  } else {
    w.key("suggestion").null();
  }
  w.key("relaxed").value(response.relaxed);
  if (!response.warnings.empty()) {
    w.key("warnings").begin_array();
    for (const SearchWarning& warning : response.warnings) {
      w.begin_object().key("code").value(warning.code).key("message").value(warning.message).end_object();
    }
    w.end_array();
  }
  if (response.seconds > 0) w.key("seconds").value(response.seconds);
  w.end_object();
  return w.take() + "\n";
}

std::string to_jsonl(const SearchResponse& response) {
  std::string out;
  const bool collapsed = response.collapse != Collapse::None;
  for (const Hit& hit : response.hits) {
    JsonWriter w;
    write_hit(w, hit, collapsed);
    out += w.take() + "\n";
  }
  return out;
}

std::string error_json(const SearchError& error) {
  JsonWriter w;
  w.begin_object().key("version").value(kResponseVersion);
  w.key("error").begin_object().key("code").value(error.code()).key("message").value(error.what()).end_object();
  w.end_object();
  return w.take() + "\n";
}

std::string warning_lines(const std::vector<SearchWarning>& warnings) {
  std::string out;
  for (const SearchWarning& w : warnings) out += "citego-search: warning: " + w.message + "\n";
  return out;
}

namespace {

// "label (id)", or the id alone when it has no label.
std::string labelled_text(const std::string& id, const std::string& label) {
  return label.empty() ? id : label + " (" + id + ")";
}

std::string refs_text(const std::vector<LabelledRef>& refs) {
  std::vector<std::string> parts;
  for (const LabelledRef& r : refs) parts.push_back(labelled_text(r.id, r.label));
  return joined(parts, ", ");
}

// Whether the lines above a hit's facet line already show this facet's values: the fiche line its type and authors,
// the lists of its own descriptors, places and dossiers (by label) theirs. The facet line then leaves the facet out.
bool shown_above(const Hit& hit, Facet facet) {
  switch (facet) {
    case Facet::FicheType:
      return !hit.stored.fiche_type.empty();
    case Facet::Author:
      return !hit.stored.authors.empty();
    case Facet::Descriptor:
      return !descriptors_of(hit).empty();
    case Facet::Place:
      return !places_of(hit).empty();
    case Facet::Dossier:
      return !dossiers_of(hit).empty();
    default:
      return false;
  }
}

void hit_text(std::ostream& out, const Hit& hit, bool collapsed, bool ansi) {
  const schema::StoredDocument& doc = hit.stored;
  const std::string bold = ansi ? "\033[1m" : "";
  const std::string reset = ansi ? "\033[0m" : "";
  out << "\n"
      << hit.rank << ". " << bold << doc.title << reset << "  [" << schema::name_of(doc.doc_type) << ", "
      << schema::code_of(doc.lang) << "]  " << doc.id << "  score " << format_score(hit.score) << "\n";
  std::vector<std::string> about;
  if (!doc.fiche_type.empty()) about.push_back("fiche: " + doc.fiche_type);
  if (!doc.date.empty()) about.push_back("date: " + doc.date);
  if (!doc.authors.empty()) {
    std::vector<std::string> names;
    for (const schema::StoredAuthor& a : doc.authors) {
      names.push_back(a.id.empty() ? a.name : labelled_text(a.id, a.name));
    }
    about.push_back("authors: " + joined(names, ", "));
  }
  if (!about.empty()) out << "   " << joined(about, "; ") << "\n";
  const std::pair<const char*, std::vector<LabelledRef>> lists[] = {
      {"descriptors", descriptors_of(hit)}, {"places", places_of(hit)}, {"dossiers", dossiers_of(hit)}};
  for (const auto& [name, refs] : lists) {
    if (!refs.empty()) out << "   " << name << ": " << refs_text(refs) << "\n";
  }
  if (collapsed && !hit.versions.empty()) {
    std::vector<std::string> versions;
    for (const Version& v : hit.versions) {
      versions.push_back(std::string(schema::code_of(v.lang)) + " " + v.id + (v.matches ? "" : " (no match)"));
    }
    out << "   other versions: " << joined(versions, ", ") << "\n";
  } else if (!doc.translations.empty()) {
    std::vector<std::string> versions;
    for (const schema::StoredTranslation& t : doc.translations) {
      versions.push_back(std::string(schema::code_of(t.lang)) + " " + t.id);
    }
    out << "   translations: " << joined(versions, ", ") << "\n";
  }
  if (!doc.source.empty()) out << "   source: " << doc.source << "\n";
  std::vector<std::string> facts;
  for (const schema::FacetSpec& spec : schema::kFacets) {
    const std::vector<std::string>& values = hit.facets[spec.facet];
    if (spec.in_hits && !values.empty() && !shown_above(hit, spec.facet)) {
      facts.push_back(std::string(spec.name) + ": " + joined(values, ", "));
    }
  }
  if (!facts.empty()) out << "   " << joined(facts, "; ") << "\n";
  if (!hit.snippet.empty()) out << "   " << snippet_text(hit.snippet, ansi) << "\n";
  if (!doc.url.empty()) out << "   " << doc.url << "\n";
}

// A selected value is shown between brackets: "[fr (6)]".
std::string selected_text(const FacetCount& c, std::string text) { return c.selected ? "[" + text + "]" : text; }

void facets_text(std::ostream& out, const SearchResponse& response) {
  out << "\nFacets\n";
  for (const schema::FacetSpec& spec : schema::kFacets) {
    const std::vector<FacetCount>& counts = response.facets[schema::index_of(spec.facet)];
    if (counts.empty()) continue;
    out << "  " << spec.name << ":";
    if (spec.labels == schema::LabelSource::None) {
      // Values that are their own labels, on one line: "fr (6) en (1)".
      for (const FacetCount& c : counts) out << " " << selected_text(c, c.value + " (" + std::to_string(c.count) + ")");
      out << "\n";
    } else {
      // Labelled values, one a line: "budget participatif (dsc-participatory-budgeting) 3".
      out << "\n";
      for (const FacetCount& c : counts) {
        out << "    " << selected_text(c, labelled_text(c.value, c.label) + " " + std::to_string(c.count)) << "\n";
      }
    }
  }
  if (!response.year_ranges.empty()) {
    out << "  " << schema::spec_of(Facet::Year).name << " ranges:";
    for (const RangeCount& r : response.year_ranges) out << " " << r.name << " (" << r.count << ")";
    out << "\n";
  }
}

// The columns `text` takes: its UTF-8 characters, less the ANSI escape sequences (ESC [ … m), which take none.
std::size_t columns_of(std::string_view text) {
  std::size_t columns = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\033') {
      i = std::min(text.find('m', i), text.size());
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++columns;
    }
  }
  return columns;
}

// Where a long line's next lines start: under its text, past its leading spaces and a hit's rank ("12. ").
std::size_t hanging_indent(std::string_view line) {
  const std::size_t text = std::min(line.find_first_not_of(' '), line.size());
  std::size_t digits = text;
  while (digits < line.size() && line[digits] >= '0' && line[digits] <= '9') ++digits;
  return digits > text && line.substr(digits, 2) == ". " ? digits + 2 : text;
}

// `line` (without its newline) in lines of at most `width` columns, broken at spaces, each with its newline; a word
// longer than the width has a line of its own. The spaces where a line breaks are dropped, the others kept.
std::string wrapped_line(std::string_view line, std::size_t width) {
  if (columns_of(line) <= width) return std::string(line) + "\n";
  const std::size_t indent = hanging_indent(line);
  std::string out(line.substr(0, indent));
  std::size_t used = indent;
  bool has_word = false;
  for (std::size_t at = indent; at < line.size();) {
    const std::size_t word = std::min(line.find_first_not_of(' ', at), line.size());
    const std::size_t end = std::min(line.find(' ', word), line.size());
    const std::string_view spaces = line.substr(at, word - at);
    const std::string_view text = line.substr(word, end - word);
    const std::size_t columns = columns_of(text);
    if (has_word && used + spaces.size() + columns > width) {
      out += "\n" + std::string(indent, ' ');
      used = indent;
    } else {
      out += spaces;
      used += spaces.size();
    }
    out += text;
    used += columns;
    has_word = true;
    at = end;
  }
  return out + "\n";
}

// --facet-search: "Facet search descriptor=terr" and the values found, one a line, as the labelled facets show them,
// with the label that matched when it is not the one shown.
void facet_search_text(std::ostream& out, const SearchResponse& response) {
  if (!response.facet_search) return;
  const FacetSearchResult& found = *response.facet_search;
  out << "\nFacet search " << schema::spec_of(found.facet).name << "=" << found.prefix << ": " << found.values.size()
      << (found.values.size() == 1 ? " value" : " values") << "\n";
  for (std::size_t i = 0; i < found.values.size(); ++i) {
    const FacetCount& c = found.values[i];
    out << "    " << labelled_text(c.value, c.label) << " " << c.count;
    if (found.matched_labels[i] != c.label) out << "  (" << found.matched_labels[i] << ")";
    out << "\n";
  }
}

}  // namespace

std::string wrap_text(std::string_view text, std::size_t width) {
  if (width == 0) return std::string(text);
  std::string out;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    out += wrapped_line(text.substr(at, end - at), width);
    at = end + 1;
  }
  if (!text.empty() && text.back() != '\n') out.pop_back();
  return out;
}

std::string to_text(const SearchResponse& response, bool ansi, std::size_t width) {
  std::ostringstream out;
  if (response.relaxed) out << "(the query did not parse; searched its words)\n";
  if (response.suggestion) out << "Did you mean: " << *response.suggestion << "\n";
  if (!response.related.empty()) out << "Related to " << response.related << "\n";
  out << (response.total_exact ? "" : "about ") << response.total;
  if (response.collapse == Collapse::Translation) {
    out << (response.total == 1 ? " fiche or document" : " fiches and documents") << " (translation groups; "
        << response.total_documents << (response.total_documents == 1 ? " version" : " versions") << " match)";
  } else {
    out << (response.total == 1 ? " result" : " results");
  }
  if (!response.hits.empty()) {
    out << ", " << response.hits.front().rank << "-" << response.hits.back().rank << " shown";
  }
  out << "\n";
  const bool collapsed = response.collapse != Collapse::None;
  for (const Hit& hit : response.hits) hit_text(out, hit, collapsed, ansi);
  facet_search_text(out, response);
  facets_text(out, response);
  return wrap_text(out.str(), width);
}

namespace {

// A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV Injection"): `=1+1`, `@SUM(…)`,
// `-2+3`, and tab or CR, after which some spreadsheets look for the formula. A text cell that starts so gets a leading
// apostrophe, which spreadsheets show as text and do not run.
std::string inert(std::string text) {
  constexpr std::string_view kFormulaStarts = "=+-@\t\r";
  if (!text.empty() && kFormulaStarts.find(text.front()) != std::string_view::npos) text.insert(0, 1, '\'');
  return text;
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string csv_header() {
  std::vector<std::string> names = {"rank", "id", "doc_type", "title", "score"};
  for (const schema::FacetSpec& spec : schema::kFacets) {
    if (spec.in_hits) names.emplace_back(spec.name);
  }
  for (const char* name : {"lang", "url", "snippet", "date", "authors", "translations"}) names.emplace_back(name);
  return joined(names, ",") + "\r\n";
}

std::string to_csv(const SearchResponse& response) { return csv_header() + csv_rows(response); }

std::string csv_rows(const SearchResponse& response) {
  std::string out;
  for (const Hit& hit : response.hits) {
    const schema::StoredDocument& doc = hit.stored;
    // Every text cell is made inert; the numeric ones (rank, score, and years) cannot start like a formula.
    std::vector<std::string> fields = {
        std::to_string(hit.rank), inert(doc.id),           inert(std::string(schema::name_of(doc.doc_type))),
        inert(doc.title),         format_score(hit.score),
    };
    for (const schema::FacetSpec& spec : schema::kFacets) {
      if (spec.in_hits) fields.push_back(inert(joined(hit.facets[spec.facet], ";")));
    }
    std::vector<std::string> authors;
    for (const schema::StoredAuthor& a : doc.authors) authors.push_back(a.name);
    std::vector<std::string> translations;
    for (const schema::StoredTranslation& t : doc.translations) {
      translations.push_back(std::string(schema::code_of(t.lang)) + ":" + t.id);
    }
    for (std::string cell : {std::string(schema::code_of(doc.lang)), doc.url, plain_text(hit.snippet), doc.date,
                             joined(authors, ";"), joined(translations, ";")}) {
      fields.push_back(inert(std::move(cell)));
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i) out += ',';
      out += csv_field(fields[i]);
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace citego
