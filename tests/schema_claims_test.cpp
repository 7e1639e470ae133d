// What schema/README.md says of the database, checked on databases built by citego-index and read with Xapian
// itself: phrases inside a field match; docids follow the order of the inputs; the spelling table holds the words
// seen at least twice, no numbers.
#include <algorithm>
#include <cctype>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <xapian.h>

#include "test_support.h"

namespace citego::test {
namespace {

// The ids of the documents of an export, in the file's order (the thesauri's entries are no documents).
std::vector<std::string> document_ids(const std::string& path) {
  const std::string xml = read_file(path);
  const std::regex element(R"re(<(organisation|project|resource|dossier|fiche)\s[^>]*?\bid="([^"]+)")re");
  std::vector<std::string> ids;
  for (auto m = std::sregex_iterator(xml.begin(), xml.end(), element); m != std::sregex_iterator(); ++m) {
    ids.push_back((*m)[2]);
  }
  return ids;
}

std::string id_of(const Xapian::Database& db, Xapian::docid docid) {
  for (auto t = db.termlist_begin(docid); t != db.termlist_end(docid); ++t) {
    if ((*t)[0] == 'Q') return (*t).substr(1);
  }
  return "";
}

class SchemaClaims : public ::testing::Test {
 protected:
  TempDir dir_;
  std::string build(const std::string& name, const std::vector<std::string>& inputs) {
    std::vector<std::string> args = {"--db", dir_ / name};
    args.insert(args.end(), inputs.begin(), inputs.end());
    const RunResult r = run(index_binary(), args, source_dir());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return dir_ / name;
  }
};

TEST_F(SchemaClaims, DocidsFollowTheOrderOfTheInputs) {
  const std::string a = "corpus/fixtures/multilingual/territoires-fr-pt.xml";
  const std::string b = "corpus/fixtures/multilingual/governance-en-es.xml";
  for (const auto& inputs : {std::vector<std::string>{a, b}, std::vector<std::string>{b, a}}) {
    std::vector<std::string> expected = document_ids(source_dir() + "/" + inputs[0]);
    const std::vector<std::string> second = document_ids(source_dir() + "/" + inputs[1]);
    expected.insert(expected.end(), second.begin(), second.end());
    const Xapian::Database db(build("db-" + std::to_string(expected.size()) + inputs[0].substr(29, 3), inputs));
    ASSERT_EQ(db.get_doccount(), expected.size());
    for (Xapian::docid d = 1; d <= expected.size(); ++d) EXPECT_EQ(id_of(db, d), expected[d - 1]) << d;
    // Not the byte order of the ids.
    EXPECT_FALSE(std::is_sorted(expected.begin(), expected.end()));
  }
}

TEST_F(SchemaClaims, APhraseInAFieldMatchesTheDocumentsWithThePhraseInThatField) {
  const std::string db = build("library.db", {"corpus/", "corpus/library"});
  const RunResult all = run(search_binary(), {"--db", db, "--format", "jsonl", "--all", ""});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  // Brute force over every title: the titles holding the words "budget participatif" one after the other.
  std::set<std::string> expected;
  std::istringstream lines(all.out);
  const std::regex phrase(R"((^|[^a-z])budget participatif([^a-z]|$))");
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json hit = nlohmann::json::parse(line);
    std::string title = hit["title"];
    std::transform(title.begin(), title.end(), title.begin(), [](unsigned char c) { return std::tolower(c); });
    if (std::regex_search(title, phrase)) expected.insert(hit["id"]);
  }
  ASSERT_GE(expected.size(), 2u);
  const RunResult found =
      run(search_binary(), {"--db", db, "--format", "jsonl", "--all", "title:\"budget participatif\""});
  ASSERT_EQ(found.exit_code, 0) << found.err;
  std::set<std::string> ids;
  std::istringstream hits(found.out);
  for (std::string line; std::getline(hits, line);) ids.insert(nlohmann::json::parse(line)["id"].get<std::string>());
  EXPECT_EQ(ids, expected);
}

TEST_F(SchemaClaims, TheSpellingTableHoldsWordsSeenTwiceAndNoNumbers) {
  const Xapian::Database db(build("library.db", {"corpus/", "corpus/library"}));
  std::set<std::string> spelling;
  for (auto s = db.spellings_begin(); s != db.spellings_end(); ++s) spelling.insert(*s);
  ASSERT_FALSE(spelling.empty());
  std::size_t once = 0;
  for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) {
    const std::string term = *t;
    if (std::isupper(static_cast<unsigned char>(term[0]))) continue;  // prefixed
    const bool number = std::isdigit(static_cast<unsigned char>(term[0]));
    const bool kept = spelling.count(term) == 1;
    if (number) {
      EXPECT_FALSE(kept) << term;
    } else if (db.get_collection_freq(term) >= 2 && term.size() > 1) {  // the table lists no one-letter word
      EXPECT_TRUE(kept) << term;                                        // fewer than 50,000 words here: all are kept
    }
    if (db.get_collection_freq(term) == 1) {
      EXPECT_FALSE(kept) << term;
      ++once;
    }
    spelling.erase(term);
  }
  EXPECT_GT(once, 0u);
  EXPECT_TRUE(spelling.empty()) << *spelling.begin();  // every entry is a word of the index
}

}  // namespace
}  // namespace citego::test
