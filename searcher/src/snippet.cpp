// Best-passage snippets (see citego/snippet.h).
#include "citego/snippet.h"

#include <algorithm>
#include <array>
#include <limits>
#include <map>

#include "citego/analysis.h"

namespace citego {

namespace {

constexpr std::string_view kEllipsis = "…";

bool is_upper_ascii(char c) { return c >= 'A' && c <= 'Z'; }

std::string_view drop_prefix(std::string_view term) {
  while (!term.empty() && is_upper_ascii(term.front())) term.remove_prefix(1);
  return term;
}

}  // namespace

MatchedTerms matched_terms_of(const std::vector<std::string>& terms) {
  MatchedTerms matched;
  for (const std::string& term : terms) {
    if (term.empty()) continue;
    if (term[0] == 'Z') {
      const std::string_view stem = drop_prefix(std::string_view(term).substr(1));
      if (!stem.empty()) matched.stems.emplace(stem);
    } else if (!is_upper_ascii(term[0])) {
      matched.exact.insert(term);
    } else if (term[0] == 'S' || term[0] == 'A' || term[0] == 'K') {
      // Field terms: a title/author/keyword search still highlights the word.
      const std::string_view word = drop_prefix(term);
      if (!word.empty()) matched.exact.emplace(word);
    }
  }
  return matched;
}

Snippet make_snippet(std::string_view text, schema::Lang lang, const MatchedTerms& terms, std::size_t window) {
  Snippet snippet;
  if (text.empty() || window == 0) return snippet;
  // Which words match, and which distinct term each one is (by its exact form). Snowball's stemmers change word
  // endings only, so a word's stem starts with the word's first two bytes (or is shorter): only words that start like
  // one of the stems are worth stemming. And a plain ASCII word's exact term starts with its first letter in lower
  // case, so only words that start like a term or a stem are worth folding: most words of a text are neither.
  std::vector<std::string_view> stem_heads;
  std::array<bool, 0x80> initials{};
  for (const std::string& stem : terms.stems) {
    if (stem.empty()) continue;
    stem_heads.push_back(std::string_view(stem).substr(0, 2));
    if (static_cast<unsigned char>(stem[0]) < 0x80) initials[static_cast<unsigned char>(stem[0])] = true;
  }
  for (const std::set<std::string>* words : {&terms.exact, &terms.prefixes}) {
    for (const std::string& word : *words) {
      if (!word.empty() && static_cast<unsigned char>(word[0]) < 0x80)
        initials[static_cast<unsigned char>(word[0])] = true;
    }
  }
  const auto starts_like_a_wildcard = [&terms](std::string_view word) {
    return std::any_of(terms.prefixes.begin(), terms.prefixes.end(),
                       [word](const std::string& prefix) { return word.substr(0, prefix.size()) == prefix; });
  };
  auto may_stem_to_one = [&stem_heads](std::string_view word) {
    return std::any_of(stem_heads.begin(), stem_heads.end(),
                       [word](std::string_view head) { return word.substr(0, head.size()) == head; });
  };
  const Xapian::Stem stemmer = analysis::stemmer_for(lang);
  std::vector<analysis::WordSpan> tokens;
  std::vector<int> match_id;
  std::map<std::string, int> ids;
  for (const analysis::WordSpan& span : analysis::word_spans(text)) {
    const auto first = static_cast<unsigned char>(text[span.begin]);
    const bool plain_start = first < 0x80;
    int id = -1;
    if (!plain_start ||
        initials[static_cast<unsigned char>(first >= 'A' && first <= 'Z' ? first - 'A' + 'a' : first)]) {
      const std::string exact = analysis::exact_term(text.substr(span.begin, span.end - span.begin));
      if (exact.empty()) continue;  // no word at all (a lone combining mark)
      const bool hit = terms.exact.count(exact) > 0 || starts_like_a_wildcard(exact) ||
                       (may_stem_to_one(exact) && terms.stems.count(stemmer(exact)) > 0);
      if (hit) id = ids.emplace(exact, static_cast<int>(ids.size())).first->second;
    }
    tokens.push_back(span);
    match_id.push_back(id);
  }
  if (tokens.empty()) return snippet;

  // Slide a window over the tokens; score = distinct matched words, then matched words.
  std::size_t best_start = 0;
  if (!ids.empty() && tokens.size() > window) {
    std::vector<int> in_window(ids.size(), 0);
    std::size_t distinct = 0;
    std::size_t total = 0;
    std::pair<std::size_t, std::size_t> best{0, 0};
    for (std::size_t end = 0; end < tokens.size(); ++end) {
      if (match_id[end] >= 0) {
        if (in_window[static_cast<std::size_t>(match_id[end])]++ == 0) ++distinct;
        ++total;
      }
      if (end >= window) {
        const std::size_t out = end - window;
        if (match_id[out] >= 0) {
          if (--in_window[static_cast<std::size_t>(match_id[out])] == 0) --distinct;
          --total;
        }
      }
      if (end + 1 >= window && std::make_pair(distinct, total) > best) {
        best = {distinct, total};
        best_start = end + 1 - window;
      }
    }
    // Show a little context before the first match of the chosen window.
    std::size_t first_match = best_start;
    while (first_match < tokens.size() && match_id[first_match] < 0) ++first_match;
    const std::size_t lead = std::min<std::size_t>(3, first_match - best_start);
    best_start = first_match - lead;
    best_start = std::min(best_start, tokens.size() - window);
  }
  const std::size_t best_end = std::min(tokens.size(), best_start + window);

  // Emit the original text from the first token of the window to the end of its last one.
  const std::size_t text_begin = best_start == 0 ? 0 : tokens[best_start].begin;
  const std::size_t text_end = best_end == tokens.size() ? text.size() : tokens[best_end - 1].end;
  auto append = [&snippet](std::string_view part, bool marked) {
    if (part.empty()) return;
    if (!snippet.empty() && snippet.back().marked == marked) {
      snippet.back().text += part;
    } else {
      snippet.push_back(SnippetPart{std::string(part), marked});
    }
  };
  if (best_start > 0) append(std::string(kEllipsis) + " ", false);
  std::size_t pos = text_begin;
  for (std::size_t i = best_start; i < best_end; ++i) {
    append(text.substr(pos, tokens[i].begin - pos), false);
    append(text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin), match_id[i] >= 0);
    pos = tokens[i].end;
  }
  append(text.substr(pos, text_end - pos), false);
  if (best_end < tokens.size()) append(" " + std::string(kEllipsis), false);
  return snippet;
}

Snippet mark_words(std::string_view text, schema::Lang lang, const MatchedTerms& terms) {
  // A window as long as any text keeps the whole of it: make_snippet then starts at the first word, ends after the
  // last, and cuts nothing.
  Snippet marked = make_snippet(text, lang, terms, std::numeric_limits<std::size_t>::max());
  if (marked.empty() && !text.empty()) marked.push_back(SnippetPart{std::string(text), false});
  return marked;
}

std::string plain_text(const Snippet& snippet) {
  std::string text;
  for (const SnippetPart& part : snippet) text += part.text;
  return text;
}

}  // namespace citego
