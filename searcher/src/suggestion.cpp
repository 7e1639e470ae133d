// Spelling suggestions (see citego/suggestion.h).
#include "citego/suggestion.h"

#include <algorithm>

#include "citego/analysis.h"
#include "citego/query_builder.h"
#include "citego/schema.h"

namespace citego {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Where the value of a filter (`place:PLC-FR`, `id:"org-x"`) that starts at `at` ends: after its closing quote, or
// at the first blank.
std::size_t end_of_value(std::string_view query, std::size_t at) {
  if (at < query.size() && query[at] == '"') {
    const std::size_t close = query.find('"', at + 1);
    return close == std::string_view::npos ? query.size() : close + 1;
  }
  while (at < query.size() && !is_blank(query[at])) ++at;
  return at;
}

// `written` in the case of the reader's `word`: all capitals (two letters or more), capitalised, or as it is.
std::string in_case_of(std::string_view word, const std::string& written) {
  std::size_t upper = 0;
  std::size_t letters = 0;
  bool first_upper = false;
  for (Xapian::Utf8Iterator it(word.data(), word.size()); it != Xapian::Utf8Iterator(); ++it) {
    const unsigned cp = *it;
    const bool is_upper = Xapian::Unicode::tolower(cp) != cp;
    if (!is_upper && Xapian::Unicode::toupper(cp) == cp) continue;  // no letter with a case
    if (letters == 0) first_upper = is_upper;
    ++letters;
    if (is_upper) ++upper;
  }
  if (letters >= 2 && upper == letters) return Xapian::Unicode::toupper(written);
  if (!first_upper || written.empty()) return written;
  Xapian::Utf8Iterator first(written);
  std::string out;
  Xapian::Unicode::append_utf8(out, Xapian::Unicode::toupper(*first));
  ++first;
  out.append(first.raw(), first.left());
  return out;
}

}  // namespace

std::vector<QueryWord> correctable_words(std::string_view query) {
  std::vector<QueryWord> words;
  const bool operators = !is_all_capitals(query);
  std::size_t value_end = 0;  // words before it belong to a filter's value
  for (const analysis::WordSpan& span : analysis::word_spans(query)) {
    if (span.begin < value_end) continue;
    const std::string_view word = query.substr(span.begin, span.end - span.begin);
    const char after = span.end < query.size() ? query[span.end] : '\0';
    if (after == ':') {  // a field's or a filter's name, known or not
      std::string name(word);
      std::transform(name.begin(), name.end(), name.begin(),
                     [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
      if (is_filter_name(name)) value_end = end_of_value(query, span.end + 1);
      continue;
    }
    if (after == '*') continue;  // a wildcard
    if (std::any_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    if (operators && is_operator(word)) continue;
    words.push_back({span.begin, span.end});
  }
  return words;
}

std::string spelling_correction(std::string_view query, const Xapian::Database& db) {
  std::string corrected;
  std::size_t copied = 0;  // bytes of `query` taken into `corrected`
  for (const QueryWord& w : correctable_words(query)) {
    const std::string_view word = query.substr(w.begin, w.end - w.begin);
    const std::string exact = analysis::exact_term(word);
    if (exact.empty() || db.term_exists(exact)) continue;
    const std::string fix = db.get_spelling_suggestion(exact);
    if (fix.empty()) continue;
    const std::string written = db.get_metadata(std::string(schema::kMetaWrittenFormPrefix) + fix);
    corrected.append(query.substr(copied, w.begin - copied));
    corrected += in_case_of(word, written.empty() ? fix : written);
    copied = w.end;
  }
  if (copied == 0) return {};
  corrected.append(query.substr(copied));
  return corrected;
}

bool worth_suggesting(Xapian::doccount query_hits, Xapian::doccount suggestion_hits) {
  if (suggestion_hits == 0) return false;
  return query_hits == 0 || suggestion_hits / kSuggestionFactor >= query_hits;
}

}  // namespace citego
