// Spelling suggestions ("did you mean") a reader can trust, for Searcher.
//
// A suggestion changes only the words of the query that the index does not know (whose exact term no document has),
// each to the spelling table's best correction (Xapian::Database::get_spelling_suggestion), shown as the documents
// most often write it (schema::kMetaWrittenFormPrefix: "démocratie", not "democratie") and in the case the reader
// typed it (capitalised, or all capitals). Everything else is kept byte for byte: the words the index knows, with
// the reader's accents; field names (any word right before ':', so `title: démocratie` keeps its `title`); facet
// values and ids (`place:PLC-FR`); the operators AND, OR, NOT, XOR, NEAR and ADJ (unless the whole query is in
// capitals, when they are words); quotes, brackets and signs; wildcards (`gouvern*`); words with digits.
//
// Searcher shows a suggestion only when worth_suggesting() says so of the documents each query finds.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

namespace citego {

// A word of a query text that a suggestion may change: its byte offsets in the text.
struct QueryWord {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool operator==(const QueryWord&) const = default;
};

// The words of `query` (as the reader typed it) that a suggestion may change, in order (see above). A pure function:
// no database.
std::vector<QueryWord> correctable_words(std::string_view query);

// `query` with each correctable word unknown to `db` replaced by its correction, or empty when none changes (every
// word is known, or the spelling table has no correction for an unknown one). Throws Xapian::Error.
std::string spelling_correction(std::string_view query, const Xapian::Database& db);

// A query that finds documents gets a suggestion only when the suggestion finds this many times as many.
inline constexpr Xapian::doccount kSuggestionFactor = 10;

// Whether to show a suggestion: it finds documents (`suggestion_hits` > 0), and when the query finds `query_hits`
// > 0, at least kSuggestionFactor times as many.
bool worth_suggesting(Xapian::doccount query_hits, Xapian::doccount suggestion_hits);

}  // namespace citego
