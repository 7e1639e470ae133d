// End-to-end tests of the reader's requests on the bundled library (corpus/ and corpus/library/): translations
// collapsed (--collapse translation), related fiches (--related) and facet value look-up (--facet-search), each
// checked against an oracle computed here from the uncollapsed answers, the stored documents and the labels.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <xapian.h>

#include "citego/schema.h"
#include "test_support.h"

namespace citego::test {
namespace {

using nlohmann::json;

class LibrarySearch : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = *dir_ / "library.db";
    const RunResult r = run(index_binary(), {"--db", db_, "corpus/", "corpus/library"}, source_dir());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static json search(std::vector<std::string> args, int expected_exit = 0) {
    args.insert(args.begin(), {"--db", db_, "--format", "json"});
    const RunResult r = run(search_binary(), args);
    EXPECT_EQ(r.exit_code, expected_exit) << r.err;
    return json::parse(r.out);
  }
  // Every hit of a request, page after page.
  static std::vector<json> all_hits(std::vector<std::string> args) {
    std::vector<json> hits;
    for (std::size_t offset = 0;; offset += 100) {
      std::vector<std::string> page = {"--limit", "100", "--offset", std::to_string(offset)};
      page.insert(page.end(), args.begin(), args.end());
      const json r = search(page);
      for (const json& h : r["hits"]) hits.push_back(h);
      if (r["hits"].size() < 100) break;
    }
    return hits;
  }
  // The translation group of a hit as this test sees it: the hit and its listed translations.
  static std::set<std::string> group_of(const json& hit) {
    std::set<std::string> group = {hit["id"].get<std::string>()};
    for (const json& t : hit["translations"]) group.insert(t["id"].get<std::string>());
    return group;
  }

  static TempDir* dir_;
  static std::string db_;
};

TempDir* LibrarySearch::dir_ = nullptr;
std::string LibrarySearch::db_;

// Brute force: the uncollapsed matches, grouped by translation group, give the collapsed total, one hit per group, the
// version chosen (the request's language when a version in it matches, else the best-ranked), the versions listed
// with whether each matches, and the facet counts (documents).
TEST_F(LibrarySearch, CollapsedTranslationsAreTheGroupsOfTheUncollapsedMatches) {
  const std::vector<std::vector<std::string>> requests = {
      {},  // browse: every document
      {"monnaie"},
      {"--lang", "es", "moneda"},
      {"--lang", "pt", "--filter", "doc_type=fiche"},
      {"--prefer-lang", "en,pt", "participation"},
      {"--filter", "lang=en", "--filter", "lang=fr", "democracy"},
  };
  for (const std::vector<std::string>& request : requests) {
    SCOPED_TRACE(::testing::PrintToString(request));
    const std::vector<json> documents = all_hits(request);
    std::vector<std::string> collapsed_args = request;
    collapsed_args.insert(collapsed_args.end(), {"--collapse", "translation"});
    const std::vector<json> groups = all_hits(collapsed_args);

    std::set<std::string> matching;
    for (const json& h : documents) matching.insert(h["id"].get<std::string>());
    // Each group in the order of its best-ranked matching version.
    std::vector<std::set<std::string>> expected_groups;
    std::vector<std::string> best;
    for (const json& h : documents) {
      const std::set<std::string> group = group_of(h);
      if (std::find(expected_groups.begin(), expected_groups.end(), group) != expected_groups.end()) continue;
      expected_groups.push_back(group);
      best.push_back(h["id"].get<std::string>());
    }
    std::vector<std::string> order;  // --lang, then --prefer-lang
    for (std::size_t i = 0; i + 1 < request.size(); ++i) {
      if (request[i] == "--lang") order.push_back(request[i + 1]);
    }
    for (std::size_t i = 0; i + 1 < request.size(); ++i) {
      if (request[i] != "--prefer-lang") continue;
      std::string list = request[i + 1];
      for (std::size_t at = 0; at <= list.size();) {
        const std::size_t comma = std::min(list.find(',', at), list.size());
        order.push_back(list.substr(at, comma - at));
        at = comma + 1;
      }
    }
    std::map<std::string, std::string> lang_of;
    for (const json& h : documents) {
      lang_of[h["id"]] = h["lang"];
      for (const json& t : h["translations"]) lang_of[t["id"]] = t["lang"];
    }

    const json first = search([&] {
      auto a = collapsed_args;
      a.insert(a.end(), {"--limit", "0", "--facet-limit", "0"});
      return a;
    }());
    const json uncollapsed = search([&] {
      auto a = request;
      a.insert(a.end(), {"--limit", "0", "--facet-limit", "0"});
      return a;
    }());
    EXPECT_EQ(first["total"], expected_groups.size());
    EXPECT_EQ(first["collapse"], (json{{"by", "translation"},
                                       {"total", "translation_groups"},
                                       {"documents", documents.size()},
                                       {"facets", "documents"}}));
    EXPECT_EQ(first["facets"], uncollapsed["facets"]);
    EXPECT_TRUE(first["total_exact"].get<bool>());
    EXPECT_TRUE(first["facets_exact"].get<bool>());
    ASSERT_EQ(groups.size(), expected_groups.size());
    for (std::size_t i = 0; i < groups.size(); ++i) {
      const json& hit = groups[i];
      EXPECT_EQ(group_of(hit), expected_groups[i]) << hit["id"];
      std::string expected = best[i];
      for (const std::string& lang : order) {
        const auto in_lang = std::find_if(expected_groups[i].begin(), expected_groups[i].end(),
                                          [&](const auto& id) { return matching.count(id) && lang_of[id] == lang; });
        if (in_lang != expected_groups[i].end()) {
          expected = *in_lang;
          break;
        }
      }
      EXPECT_EQ(hit["id"], expected);
      EXPECT_EQ(hit["rank"], i + 1);
      json versions = json::array();
      for (const std::string lang : {"fr", "en", "es", "pt"}) {
        for (const std::string& id : expected_groups[i]) {
          if (id != expected && lang_of[id] == lang) {
            versions.push_back(json{{"lang", lang}, {"id", id}, {"matches", matching.count(id) > 0}});
          }
        }
      }
      EXPECT_EQ(hit["versions"], versions) << hit["id"];
    }
  }
}

TEST_F(LibrarySearch, CollapseAndPreferLangRefuseWhatTheyDoNotKnow) {
  EXPECT_EQ(search({"--collapse", "language"}, 2)["error"]["code"], "usage");
  EXPECT_EQ(search({"--prefer-lang", "fr,de"}, 2)["error"]["code"], "usage");
  EXPECT_EQ(search({"--prefer-lang", "fr,FR"}, 2)["error"]["code"], "usage");
}

// The oracle of --related: every document with its descriptors (the in_hits facet) gives each document's weight,
// the sum over the descriptors it shares with the given one of log(1 + N / df).
TEST_F(LibrarySearch, RelatedFichesShareDescriptorsFirstRarerOnesWeighingMore) {
  const std::vector<json> every = all_hits({});
  const double n = static_cast<double>(every.size());
  std::map<std::string, int> df;
  std::map<std::string, std::set<std::string>> descriptors_of;
  for (const json& h : every) {
    for (const json& d : h["facets"]["descriptor"]) {
      ++df[d.get<std::string>()];
      descriptors_of[h["id"]].insert(d.get<std::string>());
    }
  }
  for (const std::string id : {"fic-notion-monnaie-complementaire", "fic-mooc-democratie-participative-presentation"}) {
    SCOPED_TRACE(id);
    ASSERT_FALSE(descriptors_of[id].empty());
    std::set<std::string> versions = {id};  // the document and its translations, left out of its list
    for (const json& h : every) {
      if (h["id"] == id) versions = group_of(h);
    }
    ASSERT_GT(versions.size(), 1u);
    std::map<std::string, double> weight;
    for (const auto& [other, descriptors] : descriptors_of) {
      if (versions.count(other)) continue;
      for (const std::string& d : descriptors) {
        if (descriptors_of[id].count(d)) weight[other] += std::log(1.0 + n / df[d]);
      }
    }
    const std::vector<json> related = all_hits({"--related", id});
    std::set<std::string> seen;
    double previous = INFINITY;
    std::size_t sharing = 0;
    for (const json& h : related) {
      const std::string other = h["id"];
      EXPECT_EQ(versions.count(other), 0u) << other << " is a version of " << id;
      EXPECT_TRUE(seen.insert(other).second) << other;
      const double w = weight.count(other) ? weight[other] : 0.0;
      EXPECT_LE(w, previous + 1e-9) << other << " ranks after a document sharing rarer descriptors";
      previous = w;
      if (w > 0) ++sharing;
    }
    EXPECT_EQ(sharing, weight.size()) << "every document sharing a descriptor is listed, none twice";
    EXPECT_GT(related.size(), sharing) << "documents close in text follow";
    // Filters narrow the list as they narrow a query; facets count it.
    const json en = search({"--related", id, "--filter", "lang=en", "--limit", "100", "--facet-limit", "0"});
    std::size_t expected_en = 0;
    for (const json& h : related) expected_en += h["lang"] == "en";
    EXPECT_EQ(en["total"], expected_en);
    EXPECT_EQ(en["related"], id);
    for (const json& h : en["hits"]) EXPECT_EQ(h["lang"], "en");
    // The filtered facet is counted without its own filter (multi-select): every language of the whole list.
    std::map<std::string, int> by_lang;
    for (const json& h : related) ++by_lang[h["lang"]];
    std::map<std::string, int> counted;
    for (const json& v : en["facets"]["lang"]) counted[v["value"]] = v["count"];
    EXPECT_EQ(counted, by_lang);
  }
}

TEST_F(LibrarySearch, RelatedToAnUnknownDocumentIsAnError) {
  const json r = search({"--related", "fic-nowhere"}, 2);
  EXPECT_EQ(r["error"],
            (json{{"code", "unknown_document"}, {"message", "--related: no document has the id \"fic-nowhere\""}}));
  EXPECT_EQ(search({"--related", "fic-notion-monnaie-complementaire", "monnaie"}, 2)["error"]["code"], "usage");
}

// A test oracle of folding: lower case, and the accented letters of the four languages without their accents.
std::string folded(const std::string& text) {
  static const std::vector<std::pair<std::string, char>> kAccents = {
      {"à", 'a'}, {"á", 'a'}, {"â", 'a'}, {"ã", 'a'}, {"ä", 'a'}, {"ç", 'c'}, {"è", 'e'}, {"é", 'e'}, {"ê", 'e'},
      {"ë", 'e'}, {"í", 'i'}, {"î", 'i'}, {"ï", 'i'}, {"ñ", 'n'}, {"ó", 'o'}, {"ô", 'o'}, {"õ", 'o'}, {"ö", 'o'},
      {"ú", 'u'}, {"û", 'u'}, {"ü", 'u'}, {"ù", 'u'}, {"É", 'e'}, {"À", 'a'}, {"Ç", 'c'}, {"Ó", 'o'}, {"Á", 'a'}};
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    bool replaced = false;
    for (const auto& [accented, plain] : kAccents) {
      if (text.compare(i, accented.size(), accented) == 0) {
        out += plain;
        i += accented.size();
        replaced = true;
        break;
      }
    }
    if (replaced) continue;
    const char c = text[i++];
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

// Whether a folded label has a word starting with a folded prefix (words: runs of letters and digits).
bool has_word_starting(const std::string& label, const std::string& prefix) {
  for (std::size_t i = 0; i < label.size(); ++i) {
    const bool starts = i == 0 || !std::isalnum(static_cast<unsigned char>(label[i - 1]));
    if (starts && label.compare(i, prefix.size(), prefix) == 0) return true;
  }
  return false;
}

// Brute force: every label of the database's metadata, folded here, against the facet's counts under the same query
// and filters (--facet-limit 0).
TEST_F(LibrarySearch, FacetSearchFindsTheValuesWithALabelWordStartingSoInAnyLanguage) {
  const Xapian::Database db(db_);
  struct Case {
    std::string facet, prefix;
    std::vector<std::string> args;
  };
  const std::vector<Case> cases = {
      {"descriptor", "terr", {}},
      {"descriptor", "MONÉ", {}},  // case and accents: the French and Spanish labels
      {"descriptor", "partic", {"--lang", "en", "budget"}},
      {"place", "bra", {"--filter", "doc_type=fiche"}},
      {"author", "m", {}},
      {"dossier", "pow", {"--filter", "lang=fr"}},
      {"descriptor", "econ", {"--filter", "descriptor=dsc-local-currency"}},  // the searched facet is filtered
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.facet + "=" + c.prefix);
    std::vector<std::string> args = c.args;
    args.insert(args.end(), {"--facet-limit", "0", "--limit", "0"});
    const json counts = search(args);
    const std::string prefix = folded(c.prefix);
    std::vector<std::pair<int, std::string>> expected;  // (-count, value)
    for (const json& v : counts["facets"][c.facet]) {
      if (v["count"] == 0) continue;
      const schema::Labels labels = schema::decode_labels(
          db.get_metadata(std::string(schema::kMetaLabelPrefix) + c.facet + ":" + v["value"].get<std::string>()));
      if (std::any_of(labels.begin(), labels.end(),
                      [&](const std::string& l) { return has_word_starting(folded(l), prefix); })) {
        expected.push_back({-v["count"].get<int>(), v["value"]});
      }
    }
    std::sort(expected.begin(), expected.end());
    args.insert(args.end(), {"--facet-search", c.facet + "=" + c.prefix});
    const json found = search(args);
    ASSERT_EQ(found["facet_search"]["facet"], c.facet);
    EXPECT_EQ(found["facet_search"]["prefix"], c.prefix);
    std::vector<std::pair<int, std::string>> got;
    for (const json& v : found["facet_search"]["values"]) {
      got.push_back({-v["count"].get<int>(), v["value"]});
      EXPECT_TRUE(has_word_starting(folded(v["matched_label"].get<std::string>()), prefix)) << v;
    }
    EXPECT_EQ(got, expected);
    EXPECT_FALSE(expected.empty()) << "a case that finds nothing checks little";
  }
}

TEST_F(LibrarySearch, FacetSearchRefusesAFacetWithoutLabelsOrAPrefixWithoutWords) {
  EXPECT_EQ(search({"--facet-search", "lang=f"}, 2)["error"]["code"], "bad_facet_search");
  EXPECT_EQ(search({"--facet-search", "colour=r"}, 2)["error"]["code"], "bad_facet_search");
  EXPECT_EQ(search({"--facet-search", "descriptor= ,"}, 2)["error"]["code"], "bad_facet_search");
  EXPECT_EQ(search({"--facet-search", "descriptor"}, 2)["error"]["code"], "bad_facet_search");
}

}  // namespace
}  // namespace citego::test
