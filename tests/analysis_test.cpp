// citego::analysis: folding, exact terms, UTF-8 validation, stemming per language, tokenising and field indexing.
#include "citego/analysis.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <utf8proc.h>

namespace {

using citego::analysis::exact_term;
using citego::analysis::fold;
using citego::analysis::is_valid_utf8;
using citego::analysis::stem_term;
using citego::schema::Field;
using citego::schema::Lang;

struct TextCase {
  std::string_view input;
  std::string_view expected;
};

// In the byte strings below, "\xFF" "b" is split so that the hex escape does not swallow the next letter.
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

TEST(Fold, RemovesAccentsKeepsCaseAndDropsElisions) {
  const std::vector<TextCase> cases = {
      {"", ""},
      {"économie", "economie"},
      {"Économie", "Economie"},
      {"ÇA VA", "CA VA"},
      {"AND NOT", "AND NOT"},
      {"Íñigo Peña Muñoz", "Inigo Pena Munoz"},
      {"João Conceição", "Joao Conceicao"},
      {"œuvre", "oeuvre"},
      {"Œuvre", "OEuvre"},
      {"ﬁn", "fin"},
      {"it’s", "it's"},  // typographic apostrophe, no elision
      // French elisions are split from their word and dropped.
      {"l'économie", "economie"},
      {"L’Économie", "Economie"},
      {"d'agir", "agir"},
      {"qu'il", "il"},
      {"jusqu'à", "a"},
      {"lorsqu’on", "on"},
      {"C'est", "est"},
      // Every elided form of a French grammar's list, in both apostrophes and any case.
      {"l'a d'a j'a m'a n'a s'a t'a c'a ç'a qu'a", "a a a a a a a a a a"},
      {"Ç'aurait été", "aurait ete"},
      {"quoiqu'inquiète", "inquiete"},
      {"Quoiqu’il", "il"},
      {"puisqu'elle presqu'île quelqu'un jusqu’ici lorsqu'on entr'acte parce qu'il",
       "elle ile un ici on acte parce il"},
      {"quelqu", "quelqu"},            // no apostrophe: a word
      {"jusqu'", "jusqu'"},            // no word after it
      {"presque'île", "presque'ile"},  // not an elided form
      {"aujourd'hui", "aujourd'hui"},
      {"aujourd’hui", "aujourd'hui"},
      {"d'aujourd'hui", "aujourd'hui"},
      {"rock'n'roll", "rock'n'roll"},  // "n'" inside a word is no elision
      {"O'Brien", "O'Brien"},
      {"l'", "l'"},  // no word to split from
      {"Le pouvoir d’agir des habitants", "Le pouvoir agir des habitants"},
  };
  for (const TextCase& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(fold(c.input), c.expected);
  }
}

TEST(Fold, ReplacesInvalidUtf8AndNeverThrows) {
  const std::string r(kReplacement);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"a\xff"
       "b",
       "a" + r + "b"},
      {"\xC3", r},                              // truncated two-byte sequence
      {"caf\xC3\xA9\xE2\x82", "cafe" + r + r},  // valid "é", then a truncated three-byte sequence
      {"\xC0\xAF", r + r},                      // overlong encoding of '/'
      {"\xED\xA0\x80", r + r + r},              // UTF-16 surrogate
      {"l'\xFF"
       "conomie",
       r + "conomie"},
  };
  for (const auto& [input, expected] : cases) {
    SCOPED_TRACE(::testing::PrintToString(input));
    std::string folded;
    EXPECT_NO_THROW(folded = fold(input));
    EXPECT_EQ(folded, expected);
    EXPECT_TRUE(is_valid_utf8(folded));
  }
}

// Text of ASCII and the Latin letters À..ſ is folded a character at a time; the result must be Unicode's composition of
// the whole text (utf8proc, as for any other text), once the ligatures fold() expands are expanded.
std::string compose_whole_text(const std::string& text) {
  std::string expanded;
  for (std::size_t pos = 0; pos < text.size();) {
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + pos),
                                    static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
    const std::map<utf8proc_int32_t, std::string> ligatures = {
        {0x0153, "oe"}, {0x0152, "OE"}, {0x00E6, "ae"}, {0x00C6, "AE"}, {0x00DF, "ss"}, {0x00F8, "o"},
        {0x00D8, "O"},  {0x0142, "l"},  {0x0141, "L"},  {0x0111, "d"},  {0x0110, "D"}};
    const auto ligature = ligatures.find(cp);
    if (ligature != ligatures.end()) {
      expanded += ligature->second;
    } else {
      expanded.append(text, pos, static_cast<std::size_t>(n));
    }
    pos += static_cast<std::size_t>(n);
  }
  utf8proc_uint8_t* mapped = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(expanded.data()), static_cast<utf8proc_ssize_t>(expanded.size()),
      &mapped,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_STRIPMARK));
  std::string out(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(n));
  std::free(mapped);
  return out;
}

TEST(Fold, FoldsLatinTextLikeUnicodeCompositionOfTheWhole) {
  std::vector<std::string> alphabet = {"a", "Z", "q", "7", " ", ".", "-"};
  for (utf8proc_int32_t cp = 0x00C0; cp <= 0x017F; ++cp) {
    utf8proc_uint8_t buf[4];
    const auto n = utf8proc_encode_char(cp, buf);
    alphabet.emplace_back(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
    SCOPED_TRACE(alphabet.back());
    EXPECT_EQ(fold(alphabet.back()), compose_whole_text(alphabet.back()));
  }
  std::mt19937 random(20261128);
  for (int i = 0; i < 2000; ++i) {
    std::string text;
    const int length = 1 + static_cast<int>(random() % 12);
    for (int j = 0; j < length; ++j) text += alphabet[random() % alphabet.size()];
    SCOPED_TRACE(text);
    EXPECT_EQ(fold(text), compose_whole_text(text));
  }
  // A combining mark takes the text off the per-character path: "e" + U+0301 composes to "é", then folds to "e".
  EXPECT_EQ(fold("cafe\xCC\x81 Ñandú"), "cafe Nandu");
}

TEST(ExactTerm, IsFoldedAndLowerCased) {
  const std::vector<TextCase> cases = {
      {"Économie", "economie"}, {"ÉCONOMIES", "economies"},       {"Œuvre", "oeuvre"}, {"Aujourd’hui", "aujourd'hui"},
      {"Peña", "pena"},         {"Participação", "participacao"}, {"MOOC", "mooc"},
  };
  for (const TextCase& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(exact_term(c.input), c.expected);
  }
}

TEST(IsValidUtf8, AcceptsUtf8AndRejectsInvalidSequences) {
  const std::vector<std::pair<std::string_view, bool>> cases = {
      {"", true},
      {"abc", true},
      {"café", true},
      {kReplacement, true},        // a real U+FFFD is valid
      {"\xF0\x9F\x98\x80", true},  // four-byte character
      {"\xFF", false},
      {"a\x80", false},             // lone continuation byte
      {"\xC0\xAF", false},          // overlong
      {"\xED\xA0\x80", false},      // surrogate
      {"\xE2\x82", false},          // truncated
      {"\xF4\x90\x80\x80", false},  // beyond U+10FFFF
      {"\xC3\xA9\xC3", false},      // valid then truncated
  };
  for (const auto& [input, valid] : cases) {
    SCOPED_TRACE(::testing::PrintToString(std::string(input)));
    EXPECT_EQ(is_valid_utf8(input), valid);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Stemming: every word form of a row (as a document or a query would write it) has the row's stem.

struct StemRow {
  std::vector<std::string_view> words;
  std::string_view stem;
};

void expect_stems(Lang lang, const std::vector<StemRow>& rows) {
  for (const StemRow& row : rows) {
    for (std::string_view word : row.words) {
      SCOPED_TRACE(word);
      EXPECT_EQ(stem_term(lang, exact_term(word)), row.stem);
    }
  }
}

TEST(StemTerm, French) {
  expect_stems(Lang::Fr, {
                             {{"économie", "Économie", "economie", "économies", "ÉCONOMIES"}, "econom"},
                             {{"participative", "participatives", "participatif"}, "particip"},
                             {{"démocratie", "démocraties"}, "democrat"},
                             {{"solidaire", "solidaires"}, "solidair"},
                             {{"habitant", "habitants"}, "habit"},
                             {{"territorial", "territoriales"}, "territorial"},
                             {{"élaboration"}, "elabor"},
                         });
}

TEST(StemTerm, English) {
  expect_stems(Lang::En, {
                             {{"democracy", "democracies", "Democracy"}, "democraci"},
                             {{"budget", "budgets", "budgeting"}, "budget"},
                             {{"official", "officials"}, "offici"},
                             {{"city", "cities"}, "citi"},
                             {{"governance"}, "govern"},
                             {{"participatory"}, "participatori"},
                         });
}

TEST(StemTerm, Spanish) {
  expect_stems(Lang::Es, {
                             {{"democracia", "democracias"}, "democraci"},
                             {{"participativa", "participativas", "participativo"}, "particip"},
                             {{"ciudadana", "ciudadanas"}, "ciudadan"},
                             {{"municipio", "municipios"}, "municipi"},
                             {{"gestión", "Gestión", "gestion", "gestiones"}, "gestion"},
                             {{"desafío", "desafíos"}, "desafi"},
                             // Snowball's Spanish stemmer gives "particip" for both accented words.
                             {{"participación", "participaciones"}, "particip"},
                         });
}

TEST(StemTerm, Portuguese) {
  expect_stems(Lang::Pt, {
                             {{"democracia", "democracias"}, "democrac"},
                             {{"participativo", "participativa"}, "particip"},
                             {{"orçamento", "orçamentos", "orcamento"}, "orcament"},
                             {{"cidade", "cidades"}, "cidad"},
                             {{"governança", "governanca"}, "governanc"},
                             // Snowball's Portuguese stemmer gives "particip" for both accented words.
                             {{"participação", "participações", "Participação"}, "particip"},
                         });
}

// ---------------------------------------------------------------------------------------------------------------
// Tokenising original text for snippets.

struct ExpectedToken {
  std::string_view word;  // the original bytes text[begin, end)
  std::size_t begin;
  std::string_view exact;
};

void expect_tokens(std::string_view text, const std::vector<ExpectedToken>& expected) {
  const std::vector<citego::analysis::Token> tokens = citego::analysis::tokenize(text);
  ASSERT_EQ(tokens.size(), expected.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    SCOPED_TRACE(expected[i].word);
    EXPECT_EQ(tokens[i].begin, expected[i].begin);
    EXPECT_EQ(tokens[i].end, expected[i].begin + expected[i].word.size());
    EXPECT_EQ(text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin), expected[i].word);
    EXPECT_EQ(tokens[i].exact, expected[i].exact);
  }
}

TEST(Tokenize, GivesByteOffsetsIntoAccentedTextAndSkipsElisions) {
  // "L’" is 1 + 3 bytes, "É" and "à" and "é" 2 bytes each.
  expect_tokens("L’Économie d'agir, aujourd'hui jusqu'à l'élaboration.", {
                                                                             {"Économie", 4, "economie"},
                                                                             {"agir", 16, "agir"},
                                                                             {"aujourd'hui", 22, "aujourd'hui"},
                                                                             {"à", 40, "a"},
                                                                             {"élaboration", 45, "elaboration"},
                                                                         });
}

TEST(Tokenize, SkipsEveryElidedFormAsTheIndexerDoes) {
  expect_tokens("quoiqu'inquiète, Presqu’île", {{"inquiète", 7, "inquiete"}, {"île", 27, "ile"}});
  expect_tokens("ç'a quelqu'un", {{"a", 3, "a"}, {"un", 12, "un"}});
}

TEST(Tokenize, KeepsApostrophesInsideWordsAndSkipsInvalidBytes) {
  expect_tokens("rock'n'roll O’Brien qu’il", {
                                                 {"rock'n'roll", 0, "rock'n'roll"},
                                                 {"O’Brien", 12, "o'brien"},
                                                 {"il", 27, "il"},
                                             });
  expect_tokens(
      "a\xff"
      "b café",
      {{"a", 0, "a"}, {"b", 2, "b"}, {"café", 4, "cafe"}});
}

// ---------------------------------------------------------------------------------------------------------------
// Indexing a field: the terms a TermGenerator writes through index_field().

struct TermInfo {
  Xapian::termcount wdf;
  std::vector<Xapian::termpos> positions;
  bool operator==(const TermInfo&) const = default;
};

std::map<std::string, TermInfo> terms_of(const Xapian::Document& doc) {
  std::map<std::string, TermInfo> terms;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    TermInfo info{it.get_wdf(), {}};
    for (auto pos = it.positionlist_begin(); pos != it.positionlist_end(); ++pos) info.positions.push_back(*pos);
    terms.emplace(*it, std::move(info));
  }
  return terms;
}

void PrintTo(const TermInfo& info, std::ostream* os) {
  *os << "wdf " << info.wdf << " at";
  for (Xapian::termpos p : info.positions) *os << ' ' << p;
}

// Indexes (field, text) pairs in order into a fresh document, as DocumentBuilder does.
Xapian::Document index_fields(Lang lang, const std::vector<std::pair<Field, std::string_view>>& fields) {
  Xapian::TermGenerator generator;
  citego::analysis::configure_indexer(generator, lang);
  generator.set_document(Xapian::Document());
  for (const auto& [field, text] : fields) citego::analysis::index_field(generator, field, text);
  return generator.get_document();
}

TEST(IndexField, WritesExactAndStemmedTermsWithAndWithoutTheFieldPrefix) {
  const Xapian::Document doc =
      index_fields(Lang::Fr, {{Field::Title, "L’Économie sociale"}, {Field::Summary, "Économies d'échelle"}});
  // Title: weight 4 and positions after the first field gap (100); "S" terms with weight 1 at the same positions.
  // Summary (no prefix): weight 2, positions one gap after the title's last word. Elisions leave no term.
  const std::map<std::string, TermInfo> expected = {
      {"economie", {4, {101}}},  {"sociale", {4, {102}}},  {"Zeconom", {4 + 2, {}}}, {"Zsocial", {4, {}}},
      {"Seconomie", {1, {101}}}, {"Ssociale", {1, {102}}}, {"ZSeconom", {1, {}}},    {"ZSsocial", {1, {}}},
      {"economies", {2, {203}}}, {"echelle", {2, {204}}},  {"Zechel", {2, {}}},
  };
  EXPECT_EQ(terms_of(doc), expected);
}

TEST(IndexField, UsesEachFieldsPrefixAndTheDocumentLanguage) {
  const auto author = terms_of(index_fields(Lang::Pt, {{Field::Author, "João Conceição"}}));
  const std::map<std::string, TermInfo> expected_author = {
      {"joao", {2, {101}}},  {"conceicao", {2, {102}}},  {"Zjoa", {2, {}}},  {"Zconceica", {2, {}}},
      {"Ajoao", {1, {101}}}, {"Aconceicao", {1, {102}}}, {"ZAjoa", {1, {}}}, {"ZAconceica", {1, {}}},
  };
  EXPECT_EQ(author, expected_author);

  const auto keyword = terms_of(index_fields(Lang::En, {{Field::Keyword, "participatory budgeting"}}));
  const std::map<std::string, TermInfo> expected_keyword = {
      {"participatory", {3, {101}}},  {"budgeting", {3, {102}}},  {"Zparticipatori", {3, {}}},  {"Zbudget", {3, {}}},
      {"Kparticipatory", {1, {101}}}, {"Kbudgeting", {1, {102}}}, {"ZKparticipatori", {1, {}}}, {"ZKbudget", {1, {}}},
  };
  EXPECT_EQ(keyword, expected_keyword);

  EXPECT_TRUE(terms_of(index_fields(Lang::En, {{Field::Body, ""}})).empty());
}

// The snippet tokens of a text are the exact terms the indexer writes for it.
TEST(IndexField, ExactTermsAreTheTokensOfTheText) {
  const std::string_view text = "L’Économie d’aujourd'hui, jusqu'à rock'n'roll et qu’il Œuvre — Peña.";
  std::set<std::string> token_terms;
  for (const auto& token : citego::analysis::tokenize(text)) token_terms.insert(token.exact);
  std::set<std::string> indexed;
  for (const auto& [term, info] : terms_of(index_fields(Lang::Fr, {{Field::Body, text}}))) {
    if (!info.positions.empty()) indexed.insert(term);
  }
  EXPECT_EQ(indexed, token_terms);
  const std::set<std::string> expected = {"economie", "aujourd'hui", "a", "rock'n'roll", "et", "il", "oeuvre", "pena"};
  EXPECT_EQ(token_terms, expected);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Written forms of words, for showing the spelling table's words as the documents write them.

TEST(WrittenForms, CountsTheLowerCasedFormsOfWordsThatFoldingChanges) {
  citego::analysis::WrittenForms forms;
  citego::analysis::count_written_forms("Démocratie et démocratie; DÉMOCRATIE, l'économie d’aujourd’hui", forms);
  citego::analysis::count_written_forms("plain ASCII text, democratie", forms);  // no form: nothing differs
  const citego::analysis::WrittenForms expected = {
      {"democratie", {{"démocratie", 3}}},
      {"economie", {{"économie", 1}}},
      {"aujourd'hui", {{"aujourd’hui", 1}}},
  };
  EXPECT_EQ(forms, expected);
}

TEST(WrittenForms, TheMostFrequentFormWinsAndTiesGoToByteOrderWhateverTheOrderOfTexts) {
  const std::vector<std::string> texts = {"élève", "éleve", "Élève", "éleve", "côte côté", "côté", "cote"};
  std::vector<std::size_t> order(texts.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937 random(7);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(order.begin(), order.end(), random);
    citego::analysis::WrittenForms forms;
    for (std::size_t i : order) citego::analysis::count_written_forms(texts[i], forms);
    SCOPED_TRACE(round);
    // élève 2 (with Élève), éleve 2: equal counts, and "éleve" < "élève" in bytes ('v' < 0xC3).
    EXPECT_EQ(citego::analysis::most_frequent_form(forms, "eleve"), "éleve");
    EXPECT_EQ(citego::analysis::most_frequent_form(forms, "cote"), "côté");  // côté 2, côte 1; "cote" itself uncounted
    EXPECT_EQ(citego::analysis::most_frequent_form(forms, "ville"), "ville");  // no form: the word itself
  }
}
