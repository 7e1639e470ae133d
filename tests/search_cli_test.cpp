// End-to-end tests of the citego-search binary on the bundled corpus and the multilingual fixtures: JSON, text and
// CSV output compared with golden files, hostile input, and every error with its exit code.
//
// To regenerate the golden files after an intended change: CITEGO_UPDATE_GOLDEN=1 ctest --test-dir build -R SearchCli,
// then review `git diff tests/golden/` (tests/golden/README.md).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <xapian.h>

#include "citego/analysis.h"
#include "citego/schema.h"
#include "test_support.h"

namespace citego::test {
namespace {

// The CSV header: the in_hits facets of schema::kFacets between score and lang.
const std::string kCsvHeader =
    "rank,id,doc_type,title,score,year,project_type,organisation_kind,fiche_type,descriptor,place,author,dossier,"
    "partner,lang,url,snippet,date,authors,translations\r\n";

class SearchCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = *dir_ / "citego.db";
    const RunResult r = run(index_binary(), {"--db", db_, "corpus/", "corpus/fixtures/multilingual"}, source_dir());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // The bundled corpus as the README indexes it: the seed and the sample library.
    library_db_ = *dir_ / "library.db";
    const RunResult l = run(index_binary(), {"--db", library_db_, "corpus/", "corpus/library"}, source_dir());
    ASSERT_EQ(l.exit_code, 0) << l.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static RunResult search(std::vector<std::string> args, const std::string& db = db_) {
    args.insert(args.begin(), {"--db", db});
    return run(search_binary(), args);
  }
  // Runs a search that must succeed and compares its stdout with tests/golden/NAME.
  static void ExpectGolden(const std::string& name, const std::vector<std::string>& args, const std::string& db = db_) {
    const RunResult r = search(args, db);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    const std::string path = source_dir() + "/tests/golden/" + name;
    if (update_golden()) write_file(path, r.out);
    const std::string expected = std::filesystem::exists(path) ? read_file(path) : "";
    if (r.out != expected) {
      // JSON is one long line: show where the bytes part, not the whole of both.
      const std::size_t at = static_cast<std::size_t>(
          std::mismatch(r.out.begin(), r.out.end(), expected.begin(), expected.end()).first - r.out.begin());
      const std::size_t from = at < 60 ? 0 : at - 60;
      ADD_FAILURE() << "golden file " << path << " differs from the output of citego-search " << joined(args)
                    << "\n  from byte " << at << ":\n  golden: …" << expected.substr(from, 160) << "…\n  output: …"
                    << r.out.substr(from, 160) << "…\n  regenerate every golden file: CITEGO_UPDATE_GOLDEN=1 ctest "
                    << "--test-dir build -R SearchCli, then review git diff tests/golden/ (tests/golden/README.md)";
    }
  }
  // CITEGO_UPDATE_GOLDEN=1 (any value but empty or 0) rewrites the golden files with the output instead of comparing.
  static bool update_golden() {
    const char* update = std::getenv("CITEGO_UPDATE_GOLDEN");
    return update != nullptr && !std::string_view(update).empty() && std::string_view(update) != "0";
  }
  static std::string joined(const std::vector<std::string>& args) {
    std::string out;
    for (const std::string& a : args) out += (out.empty() ? "" : " ") + a;
    return out;
  }
  static nlohmann::json SearchJson(const std::vector<std::string>& args, int expected_exit = 0) {
    const RunResult r = search(args);
    EXPECT_EQ(r.exit_code, expected_exit) << r.err;
    return nlohmann::json::parse(r.out);
  }

  static TempDir* dir_;
  static std::string db_;          // corpus/ and the multilingual fixtures
  static std::string library_db_;  // corpus/ and corpus/library/
};

TempDir* SearchCli::dir_ = nullptr;
std::string SearchCli::db_;
std::string SearchCli::library_db_;

// "Did you mean" on the bundled library (the README's database): the query (with options) and the suggestion, or none.
TEST_F(SearchCli, SuggestionsChangeOnlyUnknownWordsKeepTheSyntaxAndNeedTenTimesTheHits) {
  struct Case {
    std::vector<std::string> args;
    std::optional<std::string> suggestion;
  };
  const std::vector<Case> cases = {
      // An unknown word, shown as the documents write it (accented), in the case typed.
      {{"democartie"}, "démocratie"},
      {{"Democartie"}, "Démocratie"},
      {{"DEMOCARTIE"}, "DÉMOCRATIE"},
      {{"gouvernnance"}, "gouvernance"},
      // Known words are kept as typed, with or without their accents; so are fields, filters, operators, phrases.
      {{"--and", "gouvernnance", "démocratie"}, "gouvernance démocratie"},
      {{"--and", "gouvernnance", "democratie"}, "gouvernance democratie"},
      {{"--and", "developement", "durable"}, "développement durable"},
      {{"gouvernnance AND democratie"}, "gouvernance AND democratie"},
      {{"title:democartie"}, "title:démocratie"},
      {{"\"democartie participative\""}, "\"démocratie participative\""},
      {{"gouvernnance -ville"}, "gouvernance -ville"},
      {{"place:PLC-FR democartie"}, "place:PLC-FR démocratie"},
      // Nothing to correct: every word is known, or is syntax.
      {{"title: démocratie"}, std::nullopt},
      {{"kind:"}, std::nullopt},
      {{"kind:foundaton"}, std::nullopt},
      {{"économies"}, std::nullopt},
      {{"economies"}, std::nullopt},
      {{"zzqqxx"}, std::nullopt},  // the spelling table has nothing near it
      // A query with hits gets a suggestion only if it finds ten times as many: "bogota" alone finds 1 document,
      // "medellin" 6, and "gouvernance" 43.
      {{"gouvernnance bogota"}, "gouvernance bogota"},
      {{"gouvernnance medellin"}, std::nullopt},
      {{"gouvernnance territoriale"}, std::nullopt},
      // Never a suggestion without hits: "participativ" is corrected to "participativo", which no French phrase
      // with "democratie" has.
      {{"\"democratie participativ\""}, std::nullopt},
      {{"democartie", "--filter", "place=plc-br"}, "démocratie"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"--format", "json", "--limit", "0"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    SCOPED_TRACE(joined(args));
    const RunResult r = search(args, library_db_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json suggestion = nlohmann::json::parse(r.out)["suggestion"];
    if (c.suggestion) {
      EXPECT_EQ(suggestion, *c.suggestion);
    } else {
      EXPECT_TRUE(suggestion.is_null()) << suggestion;
    }
  }
}

// Each word of the spelling table that the documents write otherwise has its most frequent written form in the
// metadata: counted here from the documents' stored text with a tokenizer of this test's own (runs of letters and
// apostrophes, lower-cased by Xapian), against what the indexer wrote.
TEST_F(SearchCli, TheWrittenFormOfASpellingWordIsTheDocumentsMostFrequent) {
  const Xapian::Database db(library_db_);
  std::map<std::string, std::map<std::string, int>> forms;  // exact term -> written form -> count
  for (Xapian::docid id = 1; id <= db.get_lastdocid(); ++id) {
    const schema::StoredDocument doc = schema::decode_stored(db.get_document(id).get_data());
    for (const std::string* text : {&doc.title, &doc.summary, &doc.body}) {
      std::string word;
      const auto flush = [&] {
        const bool accented =
            std::any_of(word.begin(), word.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
        if (accented) {
          const std::string written = Xapian::Unicode::tolower(word);
          const std::string exact = analysis::exact_term(word);
          if (written != exact) ++forms[exact][written];
        }
        word.clear();
      };
      for (Xapian::Utf8Iterator it(*text); it != Xapian::Utf8Iterator(); ++it) {
        if (Xapian::Unicode::is_wordchar(*it)) {
          Xapian::Unicode::append_utf8(word, *it);
        } else {
          flush();
        }
      }
      flush();
    }
  }
  for (const std::string word : {"democratie", "developpement", "economie", "cooperation", "solidarite"}) {
    SCOPED_TRACE(word);
    ASSERT_TRUE(forms.count(word));
    const auto& counts = forms[word];
    const auto best = std::max_element(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second < b.second : a.first > b.first;
    });
    EXPECT_EQ(db.get_metadata(std::string(schema::kMetaWrittenFormPrefix) + word), best->first);
  }
  EXPECT_EQ(db.get_metadata(std::string(schema::kMetaWrittenFormPrefix) + "gouvernance"), "");  // written so
}

// --expand reweights the query's hits by the best stems of its top 10: the same documents, in another order.
TEST_F(SearchCli, ExpandRanksTheQuerysHitsAgainAndCountsTheSame) {
  const auto ids = [](const nlohmann::json& response) {
    std::vector<std::string> out;
    for (const auto& hit : response["hits"]) out.push_back(hit["id"].get<std::string>());
    return out;
  };
  const RunResult plain = search({"--format", "json", "--limit", "100", "gouvernance"}, library_db_);
  const RunResult expanded = search({"--format", "json", "--limit", "100", "--expand", "gouvernance"}, library_db_);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ASSERT_EQ(expanded.exit_code, 0) << expanded.err;
  const nlohmann::json p = nlohmann::json::parse(plain.out);
  const nlohmann::json e = nlohmann::json::parse(expanded.out);
  ASSERT_LT(p["total"].get<int>(), 100);  // every hit is on the page
  EXPECT_EQ(e["total"], p["total"]);
  EXPECT_EQ(e["facets"], p["facets"]);
  std::vector<std::string> found = ids(p);
  std::vector<std::string> found_expanded = ids(e);
  EXPECT_NE(found_expanded, found);  // reranked
  std::sort(found.begin(), found.end());
  std::sort(found_expanded.begin(), found_expanded.end());
  EXPECT_EQ(found_expanded, found);
  // A browse has no hits to learn from: --expand changes nothing.
  EXPECT_EQ(search({"--format", "json", "--limit", "3", "--expand"}, library_db_).out,
            search({"--format", "json", "--limit", "3"}, library_db_).out);
}

TEST_F(SearchCli, GoldenJson) {
  ExpectGolden("economie-solidaire.json", {"--format", "json", "économie", "solidaire"});
  ExpectGolden("democratie-participative.json", {"--format", "json", "--limit", "5", "democratie participative"});
  ExpectGolden("browse.json", {"--format", "json", "--limit", "3"});
  ExpectGolden("multiselect.json", {"--format", "json", "--limit", "3", "--filter", "year=2016", "--filter",
                                    "type=mooc", "--filter", "project_type=dossier"});
  ExpectGolden("lang-fr-gouvernance.json", {"--format", "json", "--lang", "fr", "gouvernance"});
  ExpectGolden("sort-year-projects.json",
               {"--format", "json", "--sort", "year", "--filter", "doc_type=project", "--facet-limit", "2"});
  ExpectGolden("suggestion.json", {"--format", "json", "--limit", "1", "democartie"});
  // The library: labelled facets in the page's language, a country that keeps its cities, translations, year buckets.
  ExpectGolden("library-place-fr.json",
               {"--format", "json", "--lang", "fr", "--limit", "3", "--facet-limit", "5", "--filter", "doc_type=fiche",
                "--filter", "place=plc-br", "budget participatif"},
               library_db_);
  ExpectGolden("library-descriptor-es.json",
               {"--format", "json", "--lang", "es", "--limit", "2", "--facet-limit", "4", "--filter",
                "descriptor=dsc-local-currency", "--facet-ranges", "year=2015..2016,2017..2019", "moneda"},
               library_db_);
  ExpectGolden("library-dossier-browse.json",
               {"--format", "json", "--limit", "2", "--facet-limit", "3", "--filter", "dossier=prj-power-to-act",
                "--filter", "fiche_type=notion"},
               library_db_);
  // One hit per translation group, related fiches, and the descriptors found by the first letters of a label.
  ExpectGolden("library-collapse-es.json",
               {"--format", "json", "--collapse", "translation", "--lang", "es", "--prefer-lang", "pt,en", "--limit",
                "3", "--facet-limit", "2", "monnaie"},
               library_db_);
  ExpectGolden(
      "library-related.json",
      {"--format", "json", "--related", "fic-notion-monnaie-complementaire", "--limit", "3", "--facet-limit", "2"},
      library_db_);
  ExpectGolden(
      "library-facet-search.json",
      {"--format", "json", "--lang", "en", "--limit", "0", "--facet-limit", "5", "--facet-search", "descriptor=ÉCO"},
      library_db_);
}

// schema/search-response.md's example is this search's output, pretty-printed, between two markers.
TEST_F(SearchCli, TheDocumentedExampleIsTheOutputOfTheBinary) {
  const RunResult r =
      search({"--format", "json", "--lang", "fr", "--limit", "2", "--facet-limit", "3", "--filter", "doc_type=fiche",
              "--facet-ranges", "year=2015..2016,2017..2019", "économie", "solidaire"},
             library_db_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string path = source_dir() + "/schema/search-response.md";
  std::string doc = read_file(path);
  const std::string begin =
      "<!-- BEGIN example: tests/search_cli_test.cpp, SearchCli.TheDocumentedExampleIsTheOutputOfTheBinary -->\n"
      "```json\n";
  const std::size_t from = doc.find(begin);
  ASSERT_NE(from, std::string::npos) << "no example marker in " << path;
  const std::size_t to = doc.find("```\n<!-- END example -->", from);
  ASSERT_NE(to, std::string::npos) << "no end marker in " << path;
  const nlohmann::ordered_json output = nlohmann::ordered_json::parse(r.out);  // keys in the binary's order
  if (update_golden()) {
    doc.replace(from + begin.size(), to - from - begin.size(), output.dump(4) + "\n");
    write_file(path, doc);
    return;
  }
  EXPECT_EQ(nlohmann::ordered_json::parse(doc.substr(from + begin.size(), to - from - begin.size())), output)
      << "the example of " << path << " is not the output of citego-search; regenerate it with "
      << "CITEGO_UPDATE_GOLDEN=1 ctest --test-dir build -R SearchCli";
}

TEST_F(SearchCli, GoldenTextAndCsv) {
  ExpectGolden("economie-solidaire.txt", {"--format", "text", "--limit", "3", "économie", "solidaire"});
  ExpectGolden("economie-solidaire.csv", {"--format", "csv", "--limit", "3", "économie", "solidaire"});
  // Selected values are bracketed in the facet lists.
  ExpectGolden("library-place-fr.txt",
               {"--format", "text", "--lang", "fr", "--limit", "2", "--facet-limit", "3", "--filter", "doc_type=fiche",
                "--filter", "place=plc-br", "budget participatif"},
               library_db_);
  ExpectGolden("library-place-fr.csv",
               {"--format", "csv", "--lang", "fr", "--limit", "3", "--filter", "doc_type=fiche", "--filter",
                "place=plc-br", "budget participatif"},
               library_db_);
  ExpectGolden("library-collapse-es.txt",
               {"--format", "text", "--collapse", "translation", "--lang", "es", "--prefer-lang", "pt,en", "--limit",
                "3", "--facet-limit", "2", "monnaie"},
               library_db_);
  ExpectGolden("library-collapse-es.csv",
               {"--format", "csv", "--collapse", "translation", "--lang", "es", "--prefer-lang", "pt,en", "--limit",
                "3", "monnaie"},
               library_db_);
  ExpectGolden(
      "library-facet-search.txt",
      {"--format", "text", "--lang", "en", "--limit", "0", "--facet-limit", "5", "--facet-search", "descriptor=ÉCO"},
      library_db_);
  ExpectGolden("multiselect.txt", {"--format", "text", "--limit", "3", "--filter", "year=2016", "--filter",
                                   "kind=training-organisation", "--filter", "kind=foundation", "gouvernance"});
}

TEST_F(SearchCli, HelpListsEveryFacetOfTheSchema) {
  const RunResult r = search({"--help"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\n  --facet-ranges year=RANGES "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("year=decades"), std::string::npos) << r.out;
  for (const schema::FacetSpec& spec : schema::kFacets) {
    const std::string names =
        "\n  " + std::string(spec.name) + (spec.short_name.empty() ? "" : ", " + std::string(spec.short_name)) + "  ";
    const std::size_t at = r.out.find(names);
    ASSERT_NE(at, std::string::npos) << spec.name << "\n" << r.out;
    const std::size_t end = r.out.find('\n', at + 1);
    const std::string line = r.out.substr(at + 1, end - at - 1);
    EXPECT_EQ(line.substr(line.size() - spec.help.size()), spec.help) << line;
  }
}

TEST_F(SearchCli, SameRequestSameBytes) {
  const RunResult a = search({"--format", "json", "gouvernance territoriale"});
  const RunResult b = search({"--format", "json", "gouvernance territoriale"});
  EXPECT_EQ(a.out, b.out);
  EXPECT_FALSE(a.out.empty());
}

TEST_F(SearchCli, AccentAndCaseInsensitiveAndStemmed) {
  for (const std::string q : {"economie", "Économie", "économies", "ECONOMIE", "l'économie"}) {
    const nlohmann::json r = SearchJson({"--format", "json", "--limit", "100", "--lang", "fr", q});
    std::set<std::string> ids;
    for (const auto& hit : r["hits"]) ids.insert(hit["id"].get<std::string>());
    EXPECT_TRUE(ids.count("org-rtes")) << q;
    EXPECT_TRUE(ids.count("res-fx-economie-solidaire")) << q;
  }
}

std::set<std::string> languages_of(const nlohmann::json& response) {
  std::set<std::string> langs;
  for (const auto& hit : response["hits"]) langs.insert(hit["lang"].get<std::string>());
  return langs;
}

TEST_F(SearchCli, WithoutALanguageEveryLanguagesStemmingIsTried) {
  // French "démocratie participative" first, English "participative democracy" found too.
  const nlohmann::json fr_en = SearchJson({"--format", "json", "--limit", "100", "democratie participative"});
  EXPECT_EQ(fr_en["hits"][0]["id"], "prj-fx-democratie-participative");
  EXPECT_TRUE(languages_of(fr_en).count("en"));
  // Spanish and Portuguese plurals reach the singular Spanish and Portuguese titles through their stems.
  const nlohmann::json es_pt = SearchJson({"--format", "json", "--limit", "3", "democracias participativas"});
  std::set<std::string> top;
  for (const auto& hit : es_pt["hits"]) top.insert(hit["lang"].get<std::string>());
  EXPECT_TRUE(top.count("es") && top.count("pt")) << es_pt.dump();
  // With --lang, only that language's stemming is used: English does not reduce the Spanish plural.
  EXPECT_EQ(SearchJson({"--format", "json", "--lang", "en", "participaciones"})["total"], 0);
  EXPECT_EQ(SearchJson({"--format", "json", "--lang", "es", "participaciones"})["total"], 15);
  EXPECT_EQ(SearchJson({"--format", "json", "participaciones"})["total"], 15);
}

TEST_F(SearchCli, PhraseAndBooleanAndWildcard) {
  EXPECT_EQ(SearchJson({"--format", "json", "\"pouvoir d'agir\""})["total"], 7);
  EXPECT_EQ(SearchJson({"--format", "json", "--", "-economie", "+mooc"})["total"],
            SearchJson({"--format", "json", "mooc NOT economie"})["total"]);
  EXPECT_GT(SearchJson({"--format", "json", "gouvern*"})["total"].get<int>(), 0);
  EXPECT_EQ(SearchJson({"--format", "json", "kind:foundation"})["hits"][0]["id"], "org-fph");
}

struct HostileCase {
  std::vector<std::string> args;
  int exit_code;
  std::string error_code;  // empty: a normal response
};

class SearchCliHostile : public SearchCli, public ::testing::WithParamInterface<HostileCase> {};

TEST_P(SearchCliHostile, NeverCrashes) {
  std::vector<std::string> args = {"--format", "json"};
  args.insert(args.end(), GetParam().args.begin(), GetParam().args.end());
  const RunResult r = search(args);
  EXPECT_EQ(r.exit_code, GetParam().exit_code) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["version"], 2);
  if (GetParam().error_code.empty()) {
    EXPECT_TRUE(j.contains("hits")) << r.out;
    EXPECT_EQ(r.err, "");
  } else {
    EXPECT_EQ(j["error"]["code"], GetParam().error_code) << r.out;
    EXPECT_EQ(r.err, "citego-search: " + j["error"]["message"].get<std::string>() + "\n" +
                         (GetParam().error_code == "usage" ? "Try 'citego-search --help'.\n" : ""));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, SearchCliHostile,
    ::testing::Values(HostileCase{{"\"unbalanced quote"}, 0, ""}, HostileCase{{"NOT"}, 0, ""},
                      HostileCase{{"AND OR NOT"}, 0, ""}, HostileCase{{"(((("}, 0, ""}, HostileCase{{"title:"}, 0, ""},
                      HostileCase{{"*"}, 0, ""}, HostileCase{{"a*"}, 0, ""}, HostileCase{{"year:abc..def"}, 0, ""},
                      HostileCase{{std::string("ctrl\x01\x02\x7f bytes")}, 0, ""},
                      HostileCase{{std::string("bad \xff\xfe utf8 \xC3")}, 0, ""},
                      HostileCase{{std::string(4000, 'x')}, 0, ""},
                      HostileCase{{std::string(10000, 'x')}, 2, "query_too_long"},
                      HostileCase{{"--filter", "type=webinar"}, 0, ""},
                      HostileCase{{"--filter", "colour=red"}, 2, "bad_filter"},
                      HostileCase{{"--filter", "year"}, 2, "bad_filter"}, HostileCase{{"--filter", "year=20x6"}, 0, ""},
                      HostileCase{{"--filter", "lang=" + std::string(100000, 'X')}, 0, ""},
                      HostileCase{{"--sort", "date"}, 2, "usage"}, HostileCase{{"--limit", "1000"}, 2, "usage"},
                      HostileCase{{"--limit", "-3"}, 2, "usage"}, HostileCase{{"--lang", "de"}, 2, "usage"},
                      HostileCase{{"--frobnicate"}, 2, "usage"}));

TEST_F(SearchCli, MissingDatabase) {
  const RunResult r = run(search_binary(), {"--format", "json", "--db", *dir_ / "nowhere.db", "x"});
  EXPECT_EQ(r.exit_code, 1);
  const std::string message = "no database at " + (*dir_ / "nowhere.db") + " (build one with: citego-index --db " +
                              (*dir_ / "nowhere.db") + " corpus/)";
  EXPECT_EQ(nlohmann::json::parse(r.out),
            (nlohmann::json{{"version", 2}, {"error", {{"code", "database_missing"}, {"message", message}}}}));
  EXPECT_EQ(r.err, "citego-search: " + message + "\n");
}

TEST_F(SearchCli, ForeignAndMismatchedDatabases) {
  const std::string foreign = *dir_ / "foreign.db";
  {
    Xapian::WritableDatabase db(foreign, Xapian::DB_CREATE);
    db.add_document(Xapian::Document());
    db.commit();
  }
  RunResult r = run(search_binary(), {"--format", "json", "--db", foreign, "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["message"],
            foreign + " was not built by citego-index (no schema version); rebuild it with: citego-index --db " +
                foreign + " INPUT...");
  {
    Xapian::WritableDatabase db(foreign, Xapian::DB_OPEN);
    db.set_metadata(std::string(schema::kMetaSchemaVersion), "99");
    db.commit();
  }
  r = run(search_binary(), {"--format", "json", "--db", foreign, "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(r.out)["error"],
            (nlohmann::json{{"code", "schema_mismatch"},
                            {"message", foreign +
                                            " was built with schema version 99; this citego-search reads "
                                            "version 3: rebuild it with: citego-index --db " +
                                            foreign + " INPUT..."}}));
  const std::string not_a_db = *dir_ / "plain.txt";
  write_file(not_a_db, "hello");
  r = run(search_binary(), {"--format", "json", "--db", not_a_db, "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["code"], "database_missing");
}

TEST_F(SearchCli, TextErrorsGoToStderrOnly) {
  const RunResult r = search({"--format", "text", "--filter", "language=de"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "citego-search: unknown facet \"language\" (expected year, project_type or type, organisation_kind "
            "or kind, doc_type or doctype, lang, fiche_type or fiche, descriptor or descr, place, author or "
            "person, dossier, or partner)\n");
}

TEST_F(SearchCli, FilterValuesIgnoreCase) {
  const RunResult lower = search({"--format", "json", "--filter", "lang=fr", "--filter", "kind=training-organisation"});
  const RunResult mixed = search({"--format", "json", "--filter", "lang=FR", "--filter", "kind=Training-Organisation"});
  ASSERT_EQ(mixed.exit_code, 0) << mixed.err;
  EXPECT_EQ(mixed.err, "");
  EXPECT_EQ(mixed.out, lower.out);
  const nlohmann::json j = nlohmann::json::parse(mixed.out);
  EXPECT_GT(j["total"].get<int>(), 0);
  EXPECT_FALSE(j.contains("warnings"));
}

TEST_F(SearchCli, AnUnknownFilterValueMatchesNothingAndWarns) {
  const std::string message =
      "unknown value \"webinar\" for project_type (expected one of: dossier, mooc, showcase); it matches no document";
  // Beside a known value of the same facet (values of a facet are OR-ed), it adds nothing but its warning and its
  // selected entry with count 0.
  const RunResult both =
      search({"--format", "json", "--filter", "type=mooc", "--filter", "type=webinar", "gouvernance"});
  ASSERT_EQ(both.exit_code, 0) << both.err;
  EXPECT_EQ(both.err, "");
  EXPECT_EQ(both.out.substr(both.out.find(",\"relaxed\"")),
            ",\"relaxed\":false,\"warnings\":[{\"code\":\"unknown_filter_value\",\"message\":" +
                nlohmann::json(message).dump() + "}]}\n");
  nlohmann::json forgiven = nlohmann::json::parse(both.out);
  const nlohmann::json mooc = SearchJson({"--format", "json", "--filter", "type=mooc", "gouvernance"});
  EXPECT_GT(mooc["total"].get<int>(), 0);
  nlohmann::json& types = forgiven["facets"]["project_type"];
  ASSERT_FALSE(types.empty());
  EXPECT_EQ(types.back(), (nlohmann::json{{"value", "webinar"}, {"count", 0}, {"selected", true}}));
  types.erase(types.size() - 1);
  forgiven.erase("warnings");
  EXPECT_EQ(forgiven, mooc);

  // Alone, it matches nothing.
  const nlohmann::json alone = SearchJson({"--format", "json", "--filter", "type=webinar", "gouvernance"});
  EXPECT_EQ(alone["total"], 0);
  EXPECT_EQ(alone["hits"], nlohmann::json::array());
  // Its facet is counted without its own filter (multi-select), with the value appended as selected.
  nlohmann::json unfiltered_types = SearchJson({"--format", "json", "gouvernance"})["facets"]["project_type"];
  unfiltered_types.push_back(nlohmann::json{{"value", "webinar"}, {"count", 0}, {"selected", true}});
  EXPECT_EQ(alone["facets"]["project_type"], unfiltered_types);
  EXPECT_EQ(alone["warnings"],
            nlohmann::json::array({nlohmann::json{{"code", "unknown_filter_value"}, {"message", message}}}));
}

TEST_F(SearchCli, WarningsGoToStderrBesideTextAndCsv) {
  const std::string warning =
      "citego-search: warning: unknown value \"de\" for lang (expected one of: fr, en, es, "
      "pt); it matches no document\n";
  RunResult r = search({"--format", "text", "--filter", "lang=de", "gouvernance"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "0 results\n\nFacets\n  lang: fr (2) [de (0)]\n");
  EXPECT_EQ(r.err, warning);
  r = search({"--format", "csv", "--filter", "lang=de", "gouvernance"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, kCsvHeader);
  EXPECT_EQ(r.err, warning);
  // A batch run writes its filters' warnings once, before the run.
  const std::string queries = *dir_ / "two.tsv";
  write_file(queries, "q1\tgouvernance\nq2\tmooc\n");
  r = search({"--batch", queries, "--filter", "lang=de"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, warning);
}

TEST_F(SearchCli, AnOffsetPastTheLastHitGivesAnEmptyPageWithTheTrueTotal) {
  const nlohmann::json first = SearchJson({"--format", "json", "gouvernance"});
  ASSERT_EQ(first["total"], 2);
  // 2^32 + 1 would wrap to 1 in Xapian's 32-bit document counts and show the second hit.
  for (const std::string offset : {"2", "3", "10001", "4294967297", "999999999999999999"}) {
    nlohmann::json expected = first;
    expected["offset"] = std::stoull(offset);
    expected["hits"] = nlohmann::json::array();
    EXPECT_EQ(SearchJson({"--format", "json", "--offset", offset, "gouvernance"}), expected) << offset;
  }
  const RunResult text = search({"--format", "text", "--offset", "50", "--facet-limit", "1", "gouvernance"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_EQ(text.out.substr(0, text.out.find("\nFacets")), "2 results\n");
  EXPECT_EQ(text.err, "");
}

TEST_F(SearchCli, QueryAfterDoubleDash) {
  const nlohmann::json r = SearchJson({"--format", "json", "--", "-mooc", "gouvernance"});
  EXPECT_EQ(r["query"], "-mooc gouvernance");
  for (const auto& hit : r["hits"]) EXPECT_NE(hit["facets"]["project_type"], nlohmann::json::array({"mooc"}));
}

}  // namespace
}  // namespace citego::test

namespace citego::test {
namespace {

TEST_F(SearchCli, BatchWritesATrecRunRankedLikeSingleQueries) {
  const std::string queries = *dir_ / "queries.tsv";
  write_file(queries, "# comment\nq1\tdemocratie participative\n\nq2\tgouvernance\n");
  const RunResult r = search({"--batch", queries, "--limit", "3", "--run-tag", "t"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string expected;
  for (const auto& [id, query] :
       std::vector<std::pair<std::string, std::string>>{{"q1", "democratie participative"}, {"q2", "gouvernance"}}) {
    const nlohmann::json single = SearchJson({"--format", "json", "--limit", "3", query});
    for (const auto& hit : single["hits"]) {
      char score[32];
      std::snprintf(score, sizeof score, "%.4f", hit["score"].get<double>());
      expected += id + " Q0 " + hit["id"].get<std::string>() + " " + std::to_string(hit["rank"].get<int>()) + " " +
                  score + " t\n";
    }
  }
  // The run has six decimals; compare at the four of the JSON.
  std::string rounded;
  std::istringstream lines(r.out);
  for (std::string qid, q0, doc, rank, score, tag; lines >> qid >> q0 >> doc >> rank >> score >> tag;) {
    char four[32];
    std::snprintf(four, sizeof four, "%.4f", std::stod(score));
    rounded += qid + " " + q0 + " " + doc + " " + rank + " " + four + " " + tag + "\n";
  }
  EXPECT_EQ(rounded, expected);
  EXPECT_EQ(std::count(expected.begin(), expected.end(), '\n'), 5);  // gouvernance has two hits
}

TEST_F(SearchCli, BatchReportsBadLinesAndKeepsGoing) {
  // The run of the good lines alone is the oracle: bad lines between them must change nothing in the run.
  const std::string good = *dir_ / "good.tsv";
  write_file(good, "q1\tdemocratie participative\nq7\tgouvernance\n");
  const RunResult clean = search({"--batch", good, "--limit", "3"});
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_EQ(clean.err, "");
  ASSERT_EQ(std::count(clean.out.begin(), clean.out.end(), '\n'), 5);  // q1 has three hits, gouvernance two

  const std::string mixed = *dir_ / "mixed.tsv";
  write_file(mixed,
             "# a comment\n"
             "q1\tdemocratie participative\n"
             "no tab here\n"
             "\tgouvernance\n"
             "q 3\tgouvernance\n"
             "q4\t" +
                 std::string(5000, 'x') +
                 "\n"
                 "q5\ta..b\n"
                 "q6\t \r\n"
                 "q7\tgouvernance\n");
  const RunResult r = search({"--batch", mixed, "--limit", "3"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, clean.out);
  EXPECT_EQ(r.err,
            "citego-search: line 3: expected QUERY_ID<TAB>QUERY\n"
            "citego-search: line 4: the query id is empty\n"
            "citego-search: line 5: query id \"q 3\" contains whitespace (a TREC run separates its columns with "
            "spaces)\n"
            "citego-search: line 6: query q4 refused: query of 5000 bytes is longer than the limit of 4096\n"
            "citego-search: line 7: query q5 refused: cannot parse the query: Unknown range operation\n"
            "citego-search: line 8: query q6 is empty\n"
            "citego-search: 6 of 8 query lines refused\n");
}

TEST_F(SearchCli, BatchErrorsNeverReachTheRun) {
  // Standard output of a --batch run holds only the run, even with --format json: every error goes to stderr.
  const std::string queries = *dir_ / "one.tsv";
  write_file(queries, "q1\tgouvernance\n");
  RunResult r = run(search_binary(), {"--format", "json", "--db", *dir_ / "nowhere.db", "--batch", queries});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "citego-search: no database at " + (*dir_ / "nowhere.db") + " (build one with: citego-index --db " +
                       (*dir_ / "nowhere.db") + " corpus/)\n");
  r = search({"--format", "json", "--bat", queries, "--limt", "3"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "citego-search: unrecognised option '--limt'\nTry 'citego-search --help'.\n");
  r = search({"--batch", *dir_ / "missing.tsv"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "citego-search: cannot read " + (*dir_ / "missing.tsv") + "\n");
  // The tag is a column of the run: it cannot be empty or hold a space.
  r = search({"--batch", queries, "--run-tag", "my run"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "citego-search: --run-tag \"my run\" contains whitespace (a TREC run separates its columns with "
            "spaces)\nTry 'citego-search --help'.\n");
  r = search({"--batch", queries, "--run-tag="});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "citego-search: --run-tag is empty\nTry 'citego-search --help'.\n");
}

}  // namespace
}  // namespace citego::test

namespace citego::test {
namespace {

TEST(SearchCsv, CellsThatASpreadsheetWouldRunGetAnApostrophe) {
  const TempDir dir;
  write_file(dir / "formulas.xml", R"(<?xml version="1.0" encoding="UTF-8"?>
<citego-export version="1" xml:lang="en">
  <resource id="res-formula">
    <title>=HYPERLINK("http://example.org/x","click me")</title>
    <category>concept</category>
    <year>2003</year>
    <summary>@SUM(A1:A9) is how a spreadsheet adds a column.</summary>
    <url>https://example.org/formula</url>
  </resource>
  <resource id="res-minus">
    <title>-20 % of emissions, +3 % of jobs</title>
    <category>analysis</category>
    <year>2002</year>
    <summary>+33 1 23 45 67 89 is a phone number, not a sum.</summary>
  </resource>
  <resource id="res-plain">
    <title>Plain title = no formula</title>
    <category>proposal</category>
    <year>2001</year>
    <summary>An ordinary summary.</summary>
  </resource>
</citego-export>
)");
  const RunResult indexed = run(index_binary(), {"--db", dir / "db", dir / "formulas.xml"});
  ASSERT_EQ(indexed.exit_code, 0) << indexed.err;
  const RunResult r = run(search_binary(), {"--db", dir / "db", "--format", "csv"});  // browse: newest first
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(
      r.out,
      kCsvHeader +
          "1,res-formula,resource,\"'=HYPERLINK(\"\"http://example.org/x\"\",\"\"click me\"\")\",0.0000,2003,,,,,,,,,"
          "en,https://example.org/formula,'@SUM(A1:A9) is how a spreadsheet adds a column.,,,\r\n"
          "2,res-minus,resource,\"'-20 % of emissions, +3 % of jobs\",0.0000,2002,,,,,,,,,en,,"
          "\"'+33 1 23 45 67 89 is a phone number, not a sum.\",,,\r\n"
          "3,res-plain,resource,Plain title = no formula,0.0000,2001,,,,,,,,,en,,An ordinary summary.,,,\r\n");
}

}  // namespace
}  // namespace citego::test
