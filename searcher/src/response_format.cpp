// JSON, text and CSV renderings (see citego/response_format.h).
//
// Facets follow schema::kFacets: every facet's counts, the in_hits facets of each hit, the labels of the facets that
// have labels, and the CSV columns come from that table, so that a facet added there appears in every format.
#include "citego/response_format.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

namespace citego {

namespace {

using json = nlohmann::ordered_json;
using schema::Facet;

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
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

json string_or_null(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

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

json refs_json(const std::vector<LabelledRef>& refs) {
  json out = json::array();
  for (const LabelledRef& r : refs) out.push_back(json{{"id", r.id}, {"label", string_or_null(r.label)}});
  return out;
}

json hit_json(const Hit& hit, bool collapsed) {
  const schema::StoredDocument& doc = hit.stored;
  json h;
  h["rank"] = hit.rank;
  h["id"] = doc.id;
  h["doc_type"] = schema::name_of(doc.doc_type);
  h["title"] = doc.title;
  h["score"] = hit.score;
  h["url"] = string_or_null(doc.url);
  h["lang"] = schema::code_of(doc.lang);
  h["fiche_type"] = string_or_null(doc.fiche_type);
  h["date"] = string_or_null(doc.date);
  json authors = json::array();
  for (const schema::StoredAuthor& a : doc.authors) {
    authors.push_back(json{{"id", string_or_null(a.id)}, {"name", a.name}});
  }
  h["authors"] = std::move(authors);
  h["descriptors"] = refs_json(descriptors_of(hit));
  h["places"] = refs_json(places_of(hit));
  h["dossiers"] = refs_json(dossiers_of(hit));
  json translations = json::array();
  for (const schema::StoredTranslation& t : doc.translations) {
    translations.push_back(json{{"lang", schema::code_of(t.lang)}, {"id", t.id}});
  }
  h["translations"] = std::move(translations);
  if (collapsed) {
    json versions = json::array();
    for (const Version& v : hit.versions) {
      versions.push_back(json{{"lang", schema::code_of(v.lang)}, {"id", v.id}, {"matches", v.matches}});
    }
    h["versions"] = std::move(versions);
  }
  h["source"] = string_or_null(doc.source);
  json facets = json::object();
  for (const schema::FacetSpec& spec : schema::kFacets) {
    if (spec.in_hits) facets[std::string(spec.name)] = hit.facets[spec.facet];
  }
  h["facets"] = std::move(facets);
  h["title_html"] = snippet_html(title_of(hit));
  h["snippet"] = snippet_html(hit.snippet);
  return h;
}

json facet_value_json(const schema::FacetSpec& spec, const FacetCount& c) {
  json v{{"value", c.value}, {"count", c.count}};
  if (spec.labels != schema::LabelSource::None) v["label"] = string_or_null(c.label);
  if (c.selected) v["selected"] = true;
  return v;
}

}  // namespace

std::string to_json(const SearchResponse& response) {
  json out;
  out["version"] = kResponseVersion;
  out["query"] = response.query;
  out["lang"] = response.lang ? json(std::string(schema::code_of(*response.lang))) : json(nullptr);
  out["total"] = response.total;
  out["total_exact"] = response.total_exact;
  if (response.collapse == Collapse::Translation) {
    out["collapse"] = json{{"by", "translation"},
                           {"total", "translation_groups"},
                           {"documents", response.total_documents},
                           {"facets", "documents"}};
  }
  if (!response.related.empty()) out["related"] = response.related;
  out["offset"] = response.offset;
  out["limit"] = response.limit;
  json hits = json::array();
  const bool collapsed = response.collapse != Collapse::None;
  for (const Hit& hit : response.hits) hits.push_back(hit_json(hit, collapsed));
  out["hits"] = std::move(hits);
  json facets = json::object();
  for (const schema::FacetSpec& spec : schema::kFacets) {
    json values = json::array();
    for (const FacetCount& c : response.facets[schema::index_of(spec.facet)]) {
      values.push_back(facet_value_json(spec, c));
    }
    facets[std::string(spec.name)] = std::move(values);
  }
  out["facets"] = std::move(facets);
  if (!response.year_ranges.empty()) {
    json buckets = json::array();
    for (const RangeCount& r : response.year_ranges) {
      buckets.push_back(json{{"range", r.name}, {"first", r.first}, {"last", r.last}, {"count", r.count}});
    }
    out["facet_ranges"] = json{{std::string(schema::spec_of(Facet::Year).name), std::move(buckets)}};
  }
  if (response.facet_search) {
    const FacetSearchResult& found = *response.facet_search;
    json values = json::array();
    for (std::size_t i = 0; i < found.values.size(); ++i) {
      const FacetCount& c = found.values[i];
      values.push_back(json{{"value", c.value}, {"count", c.count}, {"label", string_or_null(c.label)},
                            {"matched_label", found.matched_labels[i]}});
    }
    out["facet_search"] = json{{"facet", schema::spec_of(found.facet).name}, {"prefix", found.prefix},
                               {"values", std::move(values)}};
  }
  out["facets_exact"] = response.facets_exact;
  out["suggestion"] = response.suggestion ? json(*response.suggestion) : json(nullptr);
  out["relaxed"] = response.relaxed;
  if (!response.warnings.empty()) {
    json warnings = json::array();
    for (const SearchWarning& w : response.warnings) warnings.push_back(json{{"code", w.code}, {"message", w.message}});
    out["warnings"] = std::move(warnings);
  }
  if (response.seconds > 0) out["seconds"] = response.seconds;
  // Invalid UTF-8 cannot reach here (the indexer refuses it), but never throw while printing: replace it.
  return out.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string to_jsonl(const SearchResponse& response) {
  std::string out;
  const bool collapsed = response.collapse != Collapse::None;
  for (const Hit& hit : response.hits) out += hit_json(hit, collapsed).dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  return out;
}

std::string error_json(const SearchError& error) {
  json out;
  out["version"] = kResponseVersion;
  out["error"] = json{{"code", error.code()}, {"message", error.what()}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
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
    case Facet::FicheType: return !hit.stored.fiche_type.empty();
    case Facet::Author: return !hit.stored.authors.empty();
    case Facet::Descriptor: return !descriptors_of(hit).empty();
    case Facet::Place: return !places_of(hit).empty();
    case Facet::Dossier: return !dossiers_of(hit).empty();
    default: return false;
  }
}

void hit_text(std::ostream& out, const Hit& hit, bool collapsed, bool ansi) {
  const schema::StoredDocument& doc = hit.stored;
  const std::string bold = ansi ? "\033[1m" : "";
  const std::string reset = ansi ? "\033[0m" : "";
  out << "\n" << hit.rank << ". " << bold << doc.title << reset << "  [" << schema::name_of(doc.doc_type) << ", "
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
  out << "\nFacet search " << schema::spec_of(found.facet).name << "=" << found.prefix << ": "
      << found.values.size() << (found.values.size() == 1 ? " value" : " values") << "\n";
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
        std::to_string(hit.rank),
        inert(doc.id),
        inert(std::string(schema::name_of(doc.doc_type))),
        inert(doc.title),
        format_score(hit.score),
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
