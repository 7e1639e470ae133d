// Rendering a SearchResponse (or a SearchError) as JSON, readable text or CSV.
//
// The JSON is the contract with the site backend (schema/search-response.md): keys in a fixed order, scores with at
// most four decimals, no timing unless asked, so the same request on the same database gives the same bytes.
#pragma once

#include <string>
#include <string_view>

#include "citego/search_request.h"
#include "citego/searcher.h"

namespace citego {

// Version of the JSON response contract.
inline constexpr int kResponseVersion = 2;

enum class OutputFormat { Json, Text, Csv, Jsonl };

// One JSON object and a newline (schema/search-response.md). "snippet" and "title_html" mark matches with
// <mark>…</mark> and HTML-escape the text around them; every other string is raw text. Facets follow schema::kFacets:
// every facet's counts, with "label" for the facets that have labels and "selected": true on the values the request
// filters on; each hit's "facets" holds the in_hits facets. "facet_ranges" is there only when the response has
// year ranges.
std::string to_json(const SearchResponse& response);
// {"version":2,"error":{"code":…,"message":…}} and a newline.
std::string error_json(const SearchError& error);
// One "citego-search: warning: MESSAGE" line per warning, for stderr beside text and CSV output (the JSON carries
// them in "warnings").
std::string warning_lines(const std::vector<SearchWarning>& warnings);
// A ranked list with snippets and facet counts; `ansi` emphasises matches with bold, otherwise with *stars*. With a
// `width`, wrapped to it (wrap_text); 0: lines as long as their text.
std::string to_text(const SearchResponse& response, bool ansi, std::size_t width = 0);
// `text` with each line longer than `width` columns (UTF-8 characters, ANSI escapes taking none) broken at spaces into
// lines of at most `width`, never inside a word (a longer word has a line of its own); the lines after the first start
// under its text (past its leading spaces, and a hit's "12. "). Width 0 leaves the text as it is.
std::string wrap_text(std::string_view text, std::size_t width);
// RFC 4180 CSV with a header line: rank,id,doc_type,title,score, one column per in_hits facet of schema::kFacets (year,
// project_type, organisation_kind, fiche_type, …), then lang,url,snippet,date,authors,translations. Lists are joined
// with ';'. A text cell that starts with =, +, -, @, tab or CR gets a leading ' so that a spreadsheet does not run it
// as a formula.
std::string to_csv(const SearchResponse& response);
// to_csv's header line, and its lines of the response's hits without the header: an export of every hit (--all)
// writes the header once and the hits page by page.
std::string csv_header();
std::string csv_rows(const SearchResponse& response);
// The UTF-8 byte-order mark --csv-bom writes before the header, by which spreadsheets read the file as UTF-8.
inline constexpr std::string_view kCsvByteOrderMark = "\xEF\xBB\xBF";
// JSON Lines: one line per hit, each the object of the JSON's "hits" array (schema/search-response.md), nothing else.
std::string to_jsonl(const SearchResponse& response);

}  // namespace citego
