// Text analysis shared by citego-index and citego-search.
//
// Matching is accent- and case-insensitive and still stems. Text goes through fold() before Xapian's TermGenerator
// (at indexing) and QueryParser (at search) see it, so both produce the same terms:
//   * typographic apostrophes become ASCII ones, and a French elision (l', d', j', m', n', s', t', c', ç', qu', jusqu',
//     lorsqu', puisqu', quoiqu', quelqu', presqu', entr') is removed with its apostrophe, so "l'économie" indexes
//     "economie" and "quoiqu'inquiète" "inquiete";
//   * diacritics are removed (Unicode decomposition, combining marks dropped) and ligatures expanded (œ → oe);
//   * case is kept, because the query language's operators (AND, OR, NOT) are upper case; Xapian lower-cases terms.
// Stemming then follows the document's language (Snowball), on folded words whose accented endings that matter to the
// stemmer (French -ées, Spanish -ción, Portuguese -ção, …) are restored first. Exact (unstemmed) terms are indexed too.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "citego/schema.h"

namespace citego::analysis {

// Folds `text` as described above. Invalid UTF-8 sequences are replaced by U+FFFD first, so fold never throws on
// input bytes. The result is valid UTF-8.
std::string fold(std::string_view text);

// A word's exact term: fold(word) lower-cased, exactly as TermGenerator writes the unprefixed term.
std::string exact_term(std::string_view word);

// True when `text` is valid UTF-8.
bool is_valid_utf8(std::string_view text);

// The stemmer of a language, for folded words: restores the accented endings its Snowball stemmer needs, stems, and
// folds the stem.
Xapian::Stem stemmer_for(schema::Lang lang);

// The language's most common function words, folded ("a", "the", "de", "que", …), which queries leave out when
// they have other words. Sorted, without duplicates.
const std::vector<std::string>& stopwords_for(schema::Lang lang);

// Stemmed term (without the "Z" prefix) of an exact term, in a language.
std::string stem_term(schema::Lang lang, std::string_view exact);

// Indexes one field of a document with the field's prefix and weight (schema::kFields). The TermGenerator must be set
// up by configure_indexer() and have its document set. Text is folded here; callers pass the original text.
void index_field(Xapian::TermGenerator& generator, schema::Field field, std::string_view text);

// Sets the stemmer and stemming strategy (unstemmed terms with positions, "Z"-prefixed stems) for a language.
void configure_indexer(Xapian::TermGenerator& generator, schema::Lang lang);

// One word of an original (unfolded) text: where it is, and its exact term.
struct Token {
  std::size_t begin = 0;  // byte offset in the original text
  std::size_t end = 0;    // one past the last byte
  std::string exact;      // exact_term() of the word
};

// Splits original text into words the way the indexer sees them, for snippets: offsets point into `text`.
std::vector<Token> tokenize(std::string_view text);

// Where the words of tokenize() are, without their exact terms (which cost most of the work): a word whose
// exact_term() is empty (a lone combining mark, say) is among them, and gives no Token.
struct WordSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
};
std::vector<WordSpan> word_spans(std::string_view text);

// How often each written form of a word occurs, by the word's exact term: {"democratie": {"démocratie": 12}}.
using WrittenForms = std::unordered_map<std::string, std::map<std::string, std::size_t>>;

// Counts into `forms` each word of original `text` whose written form, lower-cased (Xapian::Unicode::tolower), is
// not its exact term: the accented words ("démocratie"), and those with a typographic apostrophe. Plain ASCII text
// has none and costs one pass over its bytes.
void count_written_forms(std::string_view text, WrittenForms& forms);

// The written form to show for exact term `exact`: the most frequent of `forms`, the first in byte order among equals;
// `exact` itself when it has none. The same counts give the same form whatever order they were added in.
std::string most_frequent_form(const WrittenForms& forms, const std::string& exact);

}  // namespace citego::analysis
