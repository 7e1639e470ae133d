// Snippets: the best passage of a document's original text, with the words that matched the query marked.
//
// Matching is accent-insensitive, but snippets show the text as written: each word of the original text is analysed
// like the indexer analyses it (analysis::tokenize, then the document language's stemmer), and marked when its exact
// term or its stem is among the terms that matched.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "citego/schema.h"

namespace citego {

struct SnippetPart {
  std::string text;
  bool marked = false;
  bool operator==(const SnippetPart&) const = default;
};
using Snippet = std::vector<SnippetPart>;

// The terms a hit matched, split by kind: exact terms ("economie") and stems without the "Z" prefix ("econom"); and
// the starts of the query's wildcards ("gouvern" of "gouvern*"): a word whose exact term starts so matched one.
struct MatchedTerms {
  std::set<std::string> exact;
  std::set<std::string> stems;
  std::set<std::string> prefixes;
};

// Sorts index terms into MatchedTerms: unprefixed terms are exact, "Z"-prefixed ones stems; field prefixes
// (upper-case letters after "Z", or before an exact term) are dropped, boolean terms ignored.
MatchedTerms matched_terms_of(const std::vector<std::string>& terms);

inline constexpr std::size_t kSnippetWords = 30;

// The passage of at most `window` words of `text` that holds the most distinct matched words (the earliest of equals),
// with "…" where it cuts the text. With no matched word, the start of the text. Empty text gives an empty snippet.
Snippet make_snippet(std::string_view text, schema::Lang lang, const MatchedTerms& terms,
                     std::size_t window = kSnippetWords);

// The whole of `text` (a title, or another short text), with its matched words marked as make_snippet marks them:
// no window and no "…" cuts. A text without any word is one unmarked part; empty text gives an empty snippet.
Snippet mark_words(std::string_view text, schema::Lang lang, const MatchedTerms& terms);

// The snippet as plain text, without marks.
std::string plain_text(const Snippet& snippet);

}  // namespace citego
