// Folding, stemming and tokenising of text (see citego/analysis.h).
#include "citego/analysis.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include <utf8proc.h>

namespace citego::analysis {

namespace {

constexpr utf8proc_int32_t kReplacementChar = 0xFFFD;

void append_utf8(std::string& out, utf8proc_int32_t cp) {
  utf8proc_uint8_t buf[4];
  const utf8proc_ssize_t n = utf8proc_encode_char(cp, buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

// Decodes the code point at `text[pos]`; sets `length` to the bytes it takes. Invalid bytes decode as U+FFFD, length 1.
utf8proc_int32_t decode_at(std::string_view text, std::size_t pos, std::size_t& length) {
  const auto byte = static_cast<unsigned char>(text[pos]);
  if (byte < 0x80) {
    length = 1;
    return byte;
  }
  utf8proc_int32_t cp = 0;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data() + pos);
  const utf8proc_ssize_t n = utf8proc_iterate(p, static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
  if (n <= 0 || cp < 0) {
    length = 1;
    return kReplacementChar;
  }
  length = static_cast<std::size_t>(n);
  return cp;
}

// Step 3 of fold(): Unicode compatibility composition with combining marks removed ("é" -> "e", "ﬁ" -> "fi").
std::string compose_without_marks(std::string_view clean) {
  utf8proc_uint8_t* mapped = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(clean.data()), static_cast<utf8proc_ssize_t>(clean.size()), &mapped,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_STRIPMARK));
  if (n < 0) {
    // Only possible on allocation failure: the input is valid UTF-8 by construction.
    throw std::runtime_error(std::string("text folding failed: ") + utf8proc_errmsg(n));
  }
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(mapped, &std::free);
  return std::string(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(n));
}

// Latin-1 Supplement and Latin Extended-A letters (À..ſ): most accented letters of the four languages. Text made of
// them and ASCII holds no combining mark, so its composition is each character's own, computed once per character.
constexpr utf8proc_int32_t kFirstLatinLetter = 0x00C0;
constexpr utf8proc_int32_t kLastLatinLetter = 0x017F;

std::string_view folded_latin_letter(utf8proc_int32_t cp) {
  static const std::array<std::string, kLastLatinLetter - kFirstLatinLetter + 1> table = [] {
    std::array<std::string, kLastLatinLetter - kFirstLatinLetter + 1> out;
    for (utf8proc_int32_t c = kFirstLatinLetter; c <= kLastLatinLetter; ++c) {
      std::string letter;
      append_utf8(letter, c);
      out[static_cast<std::size_t>(c - kFirstLatinLetter)] = compose_without_marks(letter);
    }
    return out;
  }();
  return table[static_cast<std::size_t>(cp - kFirstLatinLetter)];
}

bool is_apostrophe(utf8proc_int32_t cp) { return cp == '\'' || cp == 0x2019 || cp == 0x02BC || cp == 0x2018; }

// Letters that Unicode decomposition leaves whole but a reader sees as accented or as two letters.
const char* expand_letter(utf8proc_int32_t cp) {
  switch (cp) {
    case 0x0153:
      return "oe";  // œ
    case 0x0152:
      return "OE";  // Œ
    case 0x00E6:
      return "ae";  // æ
    case 0x00C6:
      return "AE";  // Æ
    case 0x00DF:
      return "ss";  // ß
    case 0x00F8:
      return "o";  // ø
    case 0x00D8:
      return "O";  // Ø
    case 0x0142:
      return "l";  // ł
    case 0x0141:
      return "L";  // Ł
    case 0x0111:
      return "d";  // đ
    case 0x0110:
      return "D";  // Đ
    default:
      return nullptr;
  }
}

bool is_ascii_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
// A byte that can belong to a word: ASCII letters and digits, and any byte of a non-ASCII character.
bool is_word_byte(unsigned char c) { return is_ascii_alpha(c) || (c >= '0' && c <= '9') || c >= 0x80; }

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// French elided words, lower case: the letter forms (le, la -> l'; de -> d'; je -> j'; me -> m'; ne -> n'; se, si ->
// s'; te -> t'; ce -> c'; ça -> ç'), que -> qu' (and parce qu'), and the compounds of que, whose e is elided too:
// jusqu', lorsqu', puisqu', quoiqu', quelqu' (quelqu'un), presqu' (presqu'île), and entr' of the older spelling
// (entr'acte).
constexpr std::array<std::string_view, 18> kElisions = {
    "l",  "d",     "j",      "m",      "n",      "s",      "t",      "c",   "\xC3\xA7" /* ç */, "\xC3\x87" /* Ç */,
    "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "quelqu", "presqu", "entr"};
constexpr std::size_t kLongestElision = 6;

bool is_elision(std::string_view word) {
  if (word.size() > kLongestElision) return false;
  std::string lower(word);
  for (char& c : lower) c = ascii_lower(c);
  return std::find(kElisions.begin(), kElisions.end(), lower) != kElisions.end();
}

// Removes French elisions: "l'x", "qu'x", … (word start, elision, apostrophe, letter) become "x".
std::string strip_elisions(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  std::size_t word_start = 0;  // in `out`
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\'') {
      const bool letter_follows = i + 1 < text.size() && (is_ascii_alpha(static_cast<unsigned char>(text[i + 1])) ||
                                                          static_cast<unsigned char>(text[i + 1]) >= 0x80);
      const bool inside_word = letter_follows && out.size() > word_start;
      if (inside_word && is_elision(std::string_view(out).substr(word_start, out.size() - word_start))) {
        out.resize(word_start);
        continue;
      }
      out += text[i];
      // An apostrophe kept inside a word ("aujourd'hui", "rock'n'roll") starts no new word: "n'" there is no elision.
      if (!inside_word) word_start = out.size();
    } else {
      out += text[i];
      if (!is_word_byte(c)) word_start = out.size();
    }
  }
  return out;
}

// Snowball's stemmers read accents: "participación" and "participaciones" share the stem "particip", but the folded
// "participacion" does not. Terms are stemmed after folding (so a query typed without accents stems like the
// document), so the accents that matter most to each stemmer are put back on word endings before stemming, and the
// stem is folded again. The rules were chosen on Debian's word lists (wfrench, wspanish, wportuguese): measured
// against folding Snowball's stem of the accented word, they take agreement from 87.1% to 92.9% of French words,
// 95.4% to 96.9% of Spanish and 86.2% to 90.1% of Portuguese (bench/RESULTS.md, "Stemming folded words").
struct EndingRule {
  std::string_view folded;
  std::string_view accented;
};

constexpr std::array<EndingRule, 3> kFrenchEndings = {{{"ees", "ées"}, {"ee", "ée"}, {"erent", "èrent"}}};
constexpr std::array<EndingRule, 2> kSpanishEndings = {{{"cion", "ción"}, {"sion", "sión"}}};
constexpr std::array<EndingRule, 11> kPortugueseEndings = {{{"coes", "ções"},
                                                            {"cao", "ção"},
                                                            {"soes", "sões"},
                                                            {"sao", "são"},
                                                            {"oes", "ões"},
                                                            {"ao", "ão"},
                                                            {"aes", "ães"},
                                                            {"avel", "ável"},
                                                            {"ivel", "ível"},
                                                            {"aveis", "áveis"},
                                                            {"iveis", "íveis"}}};

template <std::size_t N>
std::string restore_ending(const std::string& word, const std::array<EndingRule, N>& rules) {
  for (const EndingRule& rule : rules) {
    // The stem left must keep at least three letters, so short words are left alone.
    if (word.size() >= rule.folded.size() + 3 &&
        word.compare(word.size() - rule.folded.size(), rule.folded.size(), rule.folded) == 0) {
      return word.substr(0, word.size() - rule.folded.size()) + std::string(rule.accented);
    }
  }
  return word;
}

class FoldedWordStemmer : public Xapian::StemImplementation {
 public:
  explicit FoldedWordStemmer(schema::Lang lang) : lang_(lang), snowball_(std::string(schema::stemmer_name_of(lang))) {}

  std::string operator()(const std::string& word) override {
    std::string input;
    switch (lang_) {
      case schema::Lang::Fr:
        input = restore_ending(word, kFrenchEndings);
        break;
      case schema::Lang::Es:
        input = restore_ending(word, kSpanishEndings);
        break;
      case schema::Lang::Pt:
        input = restore_ending(word, kPortugueseEndings);
        break;
      case schema::Lang::En:
        input = word;
        break;
    }
    std::string stem = snowball_(input);
    const bool ascii =
        std::all_of(stem.begin(), stem.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    return ascii ? stem : exact_term(stem);
  }

  std::string get_description() const override {
    return "citego-folded-" + std::string(schema::stemmer_name_of(lang_));
  }

 private:
  schema::Lang lang_;
  Xapian::Stem snowball_;
};

}  // namespace

bool is_valid_utf8(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t length = 0;
    const utf8proc_int32_t cp = decode_at(text, pos, length);
    if (cp == kReplacementChar) {
      // Distinguish a real U+FFFD (3 bytes) from an invalid byte (length 1).
      if (length == 1) return false;
    }
    pos += length;
  }
  return true;
}

std::string fold(std::string_view text) {
  // 1. Valid UTF-8, ASCII apostrophes, expanded ligatures. Note whether step 3 can map character by character.
  std::string clean;
  clean.reserve(text.size());
  bool latin_only = true;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t length = 0;
    const utf8proc_int32_t cp = decode_at(text, pos, length);
    if (cp < 0x80) {
      clean += static_cast<char>(cp);
    } else if (is_apostrophe(cp)) {
      clean += '\'';
    } else if (const char* expansion = expand_letter(cp)) {
      clean += expansion;
    } else {
      latin_only = latin_only && cp >= kFirstLatinLetter && cp <= kLastLatinLetter;
      append_utf8(clean, cp);
    }
    pos += length;
  }
  // 2. French elisions.
  clean = strip_elisions(clean);
  // 3. Compatibility composition with combining marks removed: "é" -> "e", "ﬁ" -> "fi".
  if (latin_only) {
    // ASCII and precomposed Latin letters without combining marks fold one character at a time.
    std::string out;
    out.reserve(clean.size());
    for (std::size_t pos = 0; pos < clean.size();) {
      std::size_t length = 0;
      const utf8proc_int32_t cp = decode_at(clean, pos, length);
      if (cp < 0x80) {
        out += static_cast<char>(cp);
      } else {
        out += folded_latin_letter(cp);
      }
      pos += length;
    }
    return out;
  }
  return compose_without_marks(clean);
}

std::string exact_term(std::string_view word) {
  // Fast path for the most common case, a plain ASCII word: folding leaves it as it is.
  const bool plain =
      std::all_of(word.begin(), word.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80 && c != '\''; });
  if (plain) {
    std::string lower(word);
    for (char& c : lower) c = ascii_lower(c);
    return lower;
  }
  return Xapian::Unicode::tolower(fold(word));
}

Xapian::Stem stemmer_for(schema::Lang lang) { return Xapian::Stem(new FoldedWordStemmer(lang)); }

const std::vector<std::string>& stopwords_for(schema::Lang lang) {
  // Function words only: articles, prepositions, conjunctions, pronouns and auxiliaries so frequent that they carry
  // no meaning in a query (Xapian's quest drops a similar English list).
  static const std::array<std::vector<std::string>, 4> lists = [] {
    const std::array<const char*, 4> words = {
        // French
        "a au aux avec ce ces cet cette comme d dans de des du elle elles en est et etre ete il ils l la le les leur "
        "leurs mais ne on ou par pas plus pour qu que qui sa se ses son sont sur un une y",
        // English
        "a about an and are as at be been by for from has have how i in into is it its of on or that the their these "
        "this those to was were what when where which who why will with",
        // Spanish
        "a al como con de del el en es esta este estos las le les lo los mas o para pero por que se sin son su sus "
        "un una unas unos y",
        // Portuguese
        "a ao aos as com como da das de do dos e em mais mas na nas no nos o os ou para pela pelo por que se sem "
        "seu sua sao um uma",
    };
    std::array<std::vector<std::string>, 4> out;
    for (std::size_t i = 0; i < words.size(); ++i) {
      std::string_view rest = words[i];
      while (!rest.empty()) {
        const std::size_t space = rest.find(' ');
        out[i].emplace_back(rest.substr(0, space));
        rest.remove_prefix(space == std::string_view::npos ? rest.size() : space + 1);
      }
      std::sort(out[i].begin(), out[i].end());
      out[i].erase(std::unique(out[i].begin(), out[i].end()), out[i].end());
    }
    return out;
  }();
  return lists[static_cast<std::size_t>(lang)];
}

std::string stem_term(schema::Lang lang, std::string_view exact) { return stemmer_for(lang)(std::string(exact)); }

void configure_indexer(Xapian::TermGenerator& generator, schema::Lang lang) {
  generator.set_stemmer(stemmer_for(lang));
  generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
}

void index_field(Xapian::TermGenerator& generator, schema::Field field, std::string_view text) {
  if (text.empty()) return;
  const schema::FieldSpec& spec = schema::spec_of(field);
  const std::string folded = fold(text);
  generator.increase_termpos(schema::kFieldGap);
  const Xapian::termpos start = generator.get_termpos();
  generator.index_text(folded, spec.weight);
  if (!spec.prefix.empty()) {
    // The field's own terms take the same positions, so phrases work in field searches too.
    const Xapian::termpos end = generator.get_termpos();
    generator.set_termpos(start);
    generator.index_text(folded, 1, std::string(spec.prefix));
    generator.set_termpos(end);
  }
}

std::vector<WordSpan> word_spans(std::string_view text) {
  std::vector<WordSpan> spans;
  std::size_t pos = 0;
  static const std::array<bool, 0x80> ascii_word_char = [] {
    std::array<bool, 0x80> out{};
    for (unsigned c = 0; c < out.size(); ++c) out[c] = Xapian::Unicode::is_wordchar(c);
    return out;
  }();
  auto is_word_cp = [](utf8proc_int32_t cp) {
    return cp < 0x80 ? ascii_word_char[static_cast<std::size_t>(cp)]
                     : Xapian::Unicode::is_wordchar(static_cast<unsigned>(cp));
  };
  while (pos < text.size()) {
    std::size_t length = 0;
    utf8proc_int32_t cp = decode_at(text, pos, length);
    if (!is_word_cp(cp)) {
      pos += length;
      continue;
    }
    const std::size_t begin = pos;
    std::size_t end = pos;
    while (pos < text.size()) {
      cp = decode_at(text, pos, length);
      if (is_word_cp(cp)) {
        pos += length;
        end = pos;
        continue;
      }
      if (is_apostrophe(cp) && pos + length < text.size()) {
        // An apostrophe inside a word: keep it unless it ends a French elision ("l'", "qu'").
        std::size_t next_length = 0;
        const utf8proc_int32_t next = decode_at(text, pos + length, next_length);
        if (is_word_cp(next) && !is_elision(text.substr(begin, pos - begin))) {
          pos += length;
          continue;
        }
      }
      break;
    }
    const bool elided = pos < text.size() && end == pos && is_elision(text.substr(begin, end - begin)) &&
                        is_apostrophe(decode_at(text, pos, length));
    if (end > begin && !elided) spans.push_back(WordSpan{begin, end});
    if (pos == begin) pos += length;  // never loop forever
  }
  return spans;
}

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  for (const WordSpan& span : word_spans(text)) {
    std::string exact = exact_term(text.substr(span.begin, span.end - span.begin));
    if (!exact.empty()) tokens.push_back(Token{span.begin, span.end, std::move(exact)});
  }
  return tokens;
}

void count_written_forms(std::string_view text, WrittenForms& forms) {
  if (std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) return;
  for (const WordSpan& span : word_spans(text)) {
    const std::string_view word = text.substr(span.begin, span.end - span.begin);
    if (std::all_of(word.begin(), word.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) continue;
    std::string exact = exact_term(word);
    std::string written = Xapian::Unicode::tolower(std::string(word));
    if (!exact.empty() && written != exact) ++forms[std::move(exact)][std::move(written)];
  }
}

std::string most_frequent_form(const WrittenForms& forms, const std::string& exact) {
  const auto it = forms.find(exact);
  if (it == forms.end() || it->second.empty()) return exact;
  // The map is in byte order, so the first of the most frequent wins.
  auto best = it->second.begin();
  for (auto form = it->second.begin(); form != it->second.end(); ++form) {
    if (form->second > best->second) best = form;
  }
  return best->first;
}

}  // namespace citego::analysis
