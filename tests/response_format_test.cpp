// The output formats (response_format.h) on SearchResponse values built by hand: no database, no searcher. Each test
// states the exact bytes a page, a terminal or a spreadsheet gets for one kind of hit or facet.
#include "citego/response_format.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string_view>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "citego/schema.h"
#include "citego/snippet.h"
#include "citego/text_style.h"

namespace citego {
namespace {

using json = nlohmann::ordered_json;
using schema::Facet;
using schema::Lang;

// The marks of a query for "presupuesto participativo" in Spanish: its exact terms and Spanish stems.
MatchedTerms presupuesto_participativo() {
  return matched_terms_of({"presupuesto", "participativo", "Zpresupuest", "Zparticip"});
}

// A fiche of the sample library, as the searcher would give it: every version 2 field filled.
Hit fiche_hit() {
  Hit hit;
  hit.rank = 1;
  hit.docid = 7;
  schema::StoredDocument& doc = hit.stored;
  doc.id = "fic-villa-el-salvador-budget";
  doc.doc_type = schema::DocType::Fiche;
  doc.lang = Lang::Es;
  doc.title = "El presupuesto participativo de Villa El Salvador";
  doc.url = "https://example.org/fiches/villa-el-salvador";
  doc.summary = "Desde 2000, los vecinos deciden una parte del presupuesto del distrito.";
  doc.fiche_type = "case";
  doc.date = "2017-03";
  doc.source = "Escuela para el desarrollo";
  doc.authors = {{"per-rosa-quispe", "Rosa Quispe"}, {"", "Colectivo vecinal de Villa El Salvador"}};
  doc.descriptors = {"dsc-participatory-budgeting", "dsc-informal-settlements"};
  doc.places = {"plc-villa-el-salvador"};
  doc.dossiers = {"prj-power-to-act"};
  doc.translations = {{Lang::Fr, "fic-villa-el-salvador-budget-fr"}};
  hit.score = 5.1234;
  hit.weight = 5.12341;
  hit.facets[Facet::Year] = {"2017"};
  hit.facets[Facet::ProjectType] = {"dossier"};
  hit.facets[Facet::OrganisationKind] = {"citizens-association", "research-centre"};
  hit.facets[Facet::DocType] = {"fiche"};
  hit.facets[Facet::Lang] = {"es"};
  hit.facets[Facet::FicheType] = {"case"};
  hit.facets[Facet::Descriptor] = {"dsc-informal-settlements", "dsc-participatory-budgeting"};
  hit.facets[Facet::Place] = {"plc-lima-metropolitana", "plc-pe", "plc-south-america", "plc-villa-el-salvador"};
  hit.facets[Facet::Author] = {"per-rosa-quispe"};
  hit.facets[Facet::Dossier] = {"prj-power-to-act"};
  hit.facets[Facet::Partner] = {"org-appuii", "org-centre-sud"};
  hit.marked_title = mark_words(doc.title, doc.lang, presupuesto_participativo());
  hit.snippet = make_snippet(doc.summary, doc.lang, presupuesto_participativo());
  hit.descriptors = {{"dsc-participatory-budgeting", "presupuesto participativo"},
                     {"dsc-informal-settlements", "asentamientos informales"}};
  hit.places = {{"plc-villa-el-salvador", "Villa El Salvador"}};
  hit.dossiers = {{"prj-power-to-act", "How to construct inhabitants' and professionals' power to act on the city?"}};
  return hit;
}

// An organisation of version 1: none of the version 2 fields.
Hit organisation_hit() {
  Hit hit;
  hit.rank = 2;
  hit.stored.id = "org-rtes";
  hit.stored.doc_type = schema::DocType::Organisation;
  hit.stored.lang = Lang::Fr;
  hit.stored.title = "Réseau des collectivités Territoriales pour une Economie Solidaire";
  hit.score = 2.5;
  hit.facets[Facet::Year] = {"2016", "2017"};
  hit.facets[Facet::ProjectType] = {"dossier"};
  hit.facets[Facet::OrganisationKind] = {"elected-officials-network"};
  hit.facets[Facet::DocType] = {"organisation"};
  hit.facets[Facet::Lang] = {"fr"};
  hit.facets[Facet::Partner] = {"org-rtes"};
  hit.facets[Facet::Dossier] = {"prj-sse-public-action"};
  return hit;
}

// A search for "presupuesto participativo" filtered on two languages and on three dossiers (one of them unknown),
// with year buckets: the fiche, and an organisation that shows the nulls of a document without version 2 fields.
SearchResponse fiche_response() {
  SearchResponse r;
  r.query = "presupuesto participativo";
  r.lang = Lang::Es;
  r.total = 2;
  r.limit = 10;
  r.hits = {fiche_hit(), organisation_hit()};
  const auto set = [&r](Facet facet, std::vector<FacetCount> counts) { r.facets[schema::index_of(facet)] = counts; };
  set(Facet::Year, {{"2017", 2, "", false}, {"2016", 1, "", false}});
  set(Facet::ProjectType, {{"dossier", 2, "", false}});
  set(Facet::OrganisationKind, {{"citizens-association", 1, "", false},
                                {"elected-officials-network", 1, "", false},
                                {"research-centre", 1, "", false}});
  set(Facet::DocType, {{"fiche", 1, "", false}, {"organisation", 1, "", false}});
  set(Facet::Lang, {{"es", 1, "", true}, {"fr", 1, "", true}, {"pt", 1, "", false}});
  set(Facet::FicheType, {{"case", 1, "", false}});
  set(Facet::Descriptor, {{"dsc-informal-settlements", 1, "asentamientos informales", false},
                          {"dsc-participatory-budgeting", 1, "presupuesto participativo", false}});
  set(Facet::Place, {{"plc-lima-metropolitana", 1, "Lima Metropolitana", false},
                     {"plc-pe", 1, "Perú", false},
                     {"plc-south-america", 1, "América del Sur", false},
                     {"plc-villa-el-salvador", 1, "Villa El Salvador", false}});
  set(Facet::Author, {{"per-rosa-quispe", 1, "Rosa Quispe", false}});
  set(Facet::Dossier,
      {{"prj-power-to-act", 1, "How to construct inhabitants' and professionals' power to act on the city?", true},
       {"prj-sse-public-action", 1,
        "Social and Solidarity Economy, a tool for a multi-sectoral and multi-scale approach to public "
        "action?",
        true},
       {"dos-atlantis", 0, "", true}});
  set(Facet::Partner, {{"org-appuii", 1, "APPUII", false},
                       {"org-centre-sud", 1, "Centre Sud – Situations Urbaines de Développement", false},
                       {"org-rtes", 1, "RTES", false}});
  r.year_ranges = {{"2010..2014", 2010, 2014, 0}, {"2015..2019", 2015, 2019, 2}};
  return r;
}

json parsed(const std::string& text) { return json::parse(text); }

std::vector<std::string> keys_of(const json& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.push_back(key);
  return keys;
}

TEST(ResponseJson, VersionTwo) {
  EXPECT_EQ(kResponseVersion, 2);
  EXPECT_EQ(parsed(to_json(SearchResponse{}))["version"], 2);
  EXPECT_EQ(error_json(SearchError("usage", "bad \"option\"", kExitUsage)),
            "{\"version\":2,\"error\":{\"code\":\"usage\",\"message\":\"bad \\\"option\\\"\"}}\n");
}

// The JSON is written without building a document; its bytes are those nlohmann's dump() gives the same document.
TEST(ResponseJson, BytesAreThoseOfNlohmannsDump) {
  for (const SearchResponse& response : {fiche_response(), SearchResponse{}}) {
    const std::string out = to_json(response);
    EXPECT_EQ(json::parse(out).dump() + "\n", out);
    std::istringstream jsonl(to_jsonl(response));
    std::size_t hits = 0;
    for (std::string line; std::getline(jsonl, line); ++hits) EXPECT_EQ(json::parse(line).dump(), line);
    EXPECT_EQ(hits, response.hits.size());
  }
}

// Strings with quotes, backslashes, control characters, accents and invalid UTF-8, at random, written as nlohmann's
// dump() writes them (invalid UTF-8 replaced by U+FFFD).
TEST(ResponseJson, StringsAreEscapedAsNlohmannEscapesThem) {
  const std::vector<std::string> pieces{"a",
                                        "Z",
                                        " ",
                                        "\"",
                                        "\\",
                                        "/",
                                        "\n",
                                        "\t",
                                        "\x01",
                                        "\x1F",
                                        "\x7F",
                                        "\xC3\xA9",
                                        "\xE2\x82\xAC",
                                        "\xF0\x9F\x98\x80",
                                        "\xC3",
                                        "\xA9",
                                        "\xC0\xAF",
                                        "\xED\xA0\x80",
                                        "\xF4\x90\x80\x80",
                                        "\xFF",
                                        "\xEF\xBF\xBD"};
  std::mt19937 random(11);
  for (int round = 0; round < 2000; ++round) {
    SearchResponse response;
    const int length = static_cast<int>(random() % 6);
    for (int i = 0; i < length; ++i) response.query += pieces[random() % pieces.size()];
    const std::string expected =
        "\"query\":" + json(response.query).dump(-1, ' ', false, json::error_handler_t::replace) + ",";
    EXPECT_NE(to_json(response).find(expected), std::string::npos) << round;
  }
}

TEST(ResponseJson, TopLevelKeysInOrder) {
  EXPECT_EQ(keys_of(parsed(to_json(fiche_response()))),
            (std::vector<std::string>{"version", "query", "lang", "total", "total_exact", "offset", "limit", "hits",
                                      "facets", "facet_ranges", "facets_exact", "suggestion", "relaxed"}));
}

TEST(ResponseJson, AFicheHitCarriesEveryVersionTwoField) {
  const json hit = parsed(to_json(fiche_response()))["hits"][0];
  EXPECT_EQ(hit.dump(),
            "{\"rank\":1,\"id\":\"fic-villa-el-salvador-budget\",\"doc_type\":\"fiche\","
            "\"title\":\"El presupuesto participativo de Villa El Salvador\",\"score\":5.1234,"
            "\"url\":\"https://example.org/fiches/villa-el-salvador\",\"lang\":\"es\",\"fiche_type\":\"case\","
            "\"date\":\"2017-03\","
            "\"authors\":[{\"id\":\"per-rosa-quispe\",\"name\":\"Rosa Quispe\"},"
            "{\"id\":null,\"name\":\"Colectivo vecinal de Villa El Salvador\"}],"
            "\"descriptors\":[{\"id\":\"dsc-participatory-budgeting\",\"label\":\"presupuesto participativo\"},"
            "{\"id\":\"dsc-informal-settlements\",\"label\":\"asentamientos informales\"}],"
            "\"places\":[{\"id\":\"plc-villa-el-salvador\",\"label\":\"Villa El Salvador\"}],"
            "\"dossiers\":[{\"id\":\"prj-power-to-act\",\"label\":\"How to construct inhabitants' and "
            "professionals' power to act on the city?\"}],"
            "\"translations\":[{\"lang\":\"fr\",\"id\":\"fic-villa-el-salvador-budget-fr\"}],"
            "\"source\":\"Escuela para el desarrollo\","
            "\"facets\":{\"year\":[\"2017\"],\"project_type\":[\"dossier\"],"
            "\"organisation_kind\":[\"citizens-association\",\"research-centre\"],\"fiche_type\":[\"case\"],"
            "\"descriptor\":[\"dsc-informal-settlements\",\"dsc-participatory-budgeting\"],"
            "\"place\":[\"plc-lima-metropolitana\",\"plc-pe\",\"plc-south-america\",\"plc-villa-el-salvador\"],"
            "\"author\":[\"per-rosa-quispe\"],\"dossier\":[\"prj-power-to-act\"],"
            "\"partner\":[\"org-appuii\",\"org-centre-sud\"]},"
            "\"title_html\":\"El <mark>presupuesto</mark> <mark>participativo</mark> de Villa El Salvador\","
            "\"snippet\":\"Desde 2000, los vecinos deciden una parte del <mark>presupuesto</mark> del distrito.\"}");
}

TEST(ResponseJson, AHitWithoutVersionTwoFieldsHasNullsAndEmptyLists) {
  const json hit = parsed(to_json(fiche_response()))["hits"][1];
  EXPECT_EQ(hit["fiche_type"], nullptr);
  EXPECT_EQ(hit["date"], nullptr);
  EXPECT_EQ(hit["source"], nullptr);
  EXPECT_EQ(hit["url"], nullptr);
  for (const char* key : {"authors", "descriptors", "places", "dossiers", "translations"}) {
    EXPECT_EQ(hit[key], json::array()) << key;
  }
  // Not marked by the searcher (marked_title empty): the title, escaped, without marks.
  EXPECT_EQ(hit["title_html"], "Réseau des collectivités Territoriales pour une Economie Solidaire");
  EXPECT_EQ(hit["snippet"], "");
}

TEST(ResponseJson, HitFacetsAreTheInHitsFacetsOfTheSchema) {
  const json facets = parsed(to_json(fiche_response()))["hits"][1]["facets"];
  std::vector<std::string> expected;
  for (const schema::FacetSpec& spec : schema::kFacets) {
    if (spec.in_hits) expected.emplace_back(spec.name);
  }
  EXPECT_EQ(keys_of(facets), expected);
  EXPECT_EQ(facets["year"], json::array({"2016", "2017"}));
  EXPECT_EQ(facets["fiche_type"], json::array());
}

TEST(ResponseJson, StoredReferencesTheSearcherDidNotLabelAreShownWithoutLabels) {
  SearchResponse r;
  Hit hit = fiche_hit();
  hit.descriptors.clear();
  hit.places.clear();
  r.hits = {hit};
  const json h = parsed(to_json(r))["hits"][0];
  EXPECT_EQ(h["descriptors"], json::parse(R"([{"id":"dsc-participatory-budgeting","label":null},
                                              {"id":"dsc-informal-settlements","label":null}])"));
  EXPECT_EQ(h["places"], json::parse(R"([{"id":"plc-villa-el-salvador","label":null}])"));
  EXPECT_EQ(h["dossiers"][0]["label"], "How to construct inhabitants' and professionals' power to act on the city?");
}

TEST(ResponseJson, EveryFacetOfTheSchemaIsListedInOrder) {
  const json facets = parsed(to_json(SearchResponse{}))["facets"];
  std::vector<std::string> expected;
  for (const schema::FacetSpec& spec : schema::kFacets) {
    expected.emplace_back(spec.name);
    EXPECT_EQ(facets[spec.name], json::array()) << spec.name;
  }
  EXPECT_EQ(keys_of(facets), expected);
}

TEST(ResponseJson, LabelledFacetsHaveLabelsAndSelectedValuesSaySo) {
  const json facets = parsed(to_json(fiche_response()))["facets"];
  // No label key on the facets whose values are their own labels; "selected" only when true.
  EXPECT_EQ(facets["year"].dump(), R"([{"value":"2017","count":2},{"value":"2016","count":1}])");
  EXPECT_EQ(facets["lang"].dump(), R"([{"value":"es","count":1,"selected":true},{"value":"fr","count":1,)"
                                   R"("selected":true},{"value":"pt","count":1}])");
  EXPECT_EQ(facets["author"].dump(), R"([{"value":"per-rosa-quispe","count":1,"label":"Rosa Quispe"}])");
  // A selected value without a label (outside the database) has a null label.
  EXPECT_EQ(facets["dossier"][1]["selected"], true);
  EXPECT_EQ(facets["dossier"][2].dump(), R"({"value":"dos-atlantis","count":0,"label":null,"selected":true})");
  SearchResponse none;
  EXPECT_EQ(parsed(to_json(none))["facets"]["author"], json::array());
}

TEST(ResponseJson, FacetRangesOnlyWhenAsked) {
  const json with = parsed(to_json(fiche_response()));
  EXPECT_EQ(with["facet_ranges"].dump(), R"({"year":[{"range":"2010..2014","first":2010,"last":2014,"count":0},)"
                                         R"({"range":"2015..2019","first":2015,"last":2019,"count":2}]})");
  SearchResponse without = fiche_response();
  without.year_ranges.clear();
  EXPECT_FALSE(parsed(to_json(without)).contains("facet_ranges"));
}

TEST(ResponseJson, RawTextIsRawAndHtmlIsEscapedWithOnlyMarks) {
  SearchResponse r;
  r.query = "<b>\"économie\" & co</b>";
  Hit hit;
  hit.stored.title = "L'Économie <sociale> & \"solidaire\"";
  hit.stored.url = "https://example.org/?a=1&b=<2>";
  hit.stored.lang = Lang::Fr;
  hit.marked_title = mark_words(hit.stored.title, Lang::Fr, matched_terms_of({"economie", "Zsolidair"}));
  hit.snippet = {{"<script>", false}, {"économie", true}, {" & 'co'", false}};
  r.hits = {hit};
  const json out = parsed(to_json(r));
  EXPECT_EQ(out["query"], "<b>\"économie\" & co</b>");
  EXPECT_EQ(out["hits"][0]["title"], "L'Économie <sociale> & \"solidaire\"");
  EXPECT_EQ(out["hits"][0]["url"], "https://example.org/?a=1&b=<2>");
  EXPECT_EQ(out["hits"][0]["title_html"],
            "L&#39;<mark>Économie</mark> &lt;sociale&gt; &amp; &quot;<mark>solidaire</mark>&quot;");
  EXPECT_EQ(out["hits"][0]["snippet"], "&lt;script&gt;<mark>économie</mark> &amp; &#39;co&#39;");
}

// mark_words: the snippet's marking on a whole short text.

TEST(MarkWords, MarksTheWholeTextWithoutCuts) {
  const std::string title(200, 'x');
  const std::string long_title = "Gouvernance " + [] {
    std::string words;
    for (int i = 0; i < 40; ++i) words += "mot ";
    return words;
  }() + "gouvernance";
  MatchedTerms wildcard;
  wildcard.prefixes = {"gouvern"};
  const Snippet marked = mark_words(long_title, Lang::Fr, wildcard);
  EXPECT_EQ(plain_text(marked), long_title);  // more than kSnippetWords words, no "…"
  ASSERT_EQ(marked.size(), 3u);
  EXPECT_EQ(marked.front(), (SnippetPart{"Gouvernance", true}));
  EXPECT_EQ(marked.back(), (SnippetPart{"gouvernance", true}));
  EXPECT_EQ(mark_words(title, Lang::Fr, wildcard), (Snippet{{title, false}}));
}

TEST(MarkWords, ATextWithoutWordsIsKeptAndAnEmptyOneIsEmpty) {
  const MatchedTerms terms = matched_terms_of({"economie"});
  EXPECT_EQ(mark_words("!!! ???", Lang::Fr, terms), (Snippet{{"!!! ???", false}}));
  EXPECT_EQ(mark_words("", Lang::Fr, terms), Snippet{});
  EXPECT_EQ(mark_words("  Économie  ", Lang::Fr, terms), (Snippet{{"  ", false}, {"Économie", true}, {"  ", false}}));
}

}  // namespace
}  // namespace citego

namespace citego {
namespace {

TEST(ResponseText, HitsShowTheirRecordsAndFacetsShowLabelsSelectionsAndRanges) {
  // The fiche's facet line leaves out what the lines above show by label (type, authors, descriptors, places,
  // dossiers); the organisation, which names no record of its own, shows its dossier facet there.
  EXPECT_EQ(to_text(fiche_response(), false),
            "2 results, 1-2 shown\n"
            "\n"
            "1. El presupuesto participativo de Villa El Salvador  [fiche, es]  fic-villa-el-salvador-budget  score "
            "5.1234\n"
            "   fiche: case; date: 2017-03; authors: Rosa Quispe (per-rosa-quispe), Colectivo vecinal de Villa El "
            "Salvador\n"
            "   descriptors: presupuesto participativo (dsc-participatory-budgeting), asentamientos informales "
            "(dsc-informal-settlements)\n"
            "   places: Villa El Salvador (plc-villa-el-salvador)\n"
            "   dossiers: How to construct inhabitants' and professionals' power to act on the city? "
            "(prj-power-to-act)\n"
            "   translations: fr fic-villa-el-salvador-budget-fr\n"
            "   source: Escuela para el desarrollo\n"
            "   year: 2017; project_type: dossier; organisation_kind: citizens-association, research-centre; "
            "partner: org-appuii, org-centre-sud\n"
            "   Desde 2000, los vecinos deciden una parte del *presupuesto* del distrito.\n"
            "   https://example.org/fiches/villa-el-salvador\n"
            "\n"
            "2. Réseau des collectivités Territoriales pour une Economie Solidaire  [organisation, fr]  org-rtes  "
            "score 2.5000\n"
            "   year: 2016, 2017; project_type: dossier; organisation_kind: elected-officials-network; dossier: "
            "prj-sse-public-action; partner: org-rtes\n"
            "\n"
            "Facets\n"
            "  year: 2017 (2) 2016 (1)\n"
            "  project_type: dossier (2)\n"
            "  organisation_kind: citizens-association (1) elected-officials-network (1) research-centre (1)\n"
            "  doc_type: fiche (1) organisation (1)\n"
            "  lang: [es (1)] [fr (1)] pt (1)\n"
            "  fiche_type: case (1)\n"
            "  descriptor:\n"
            "    asentamientos informales (dsc-informal-settlements) 1\n"
            "    presupuesto participativo (dsc-participatory-budgeting) 1\n"
            "  place:\n"
            "    Lima Metropolitana (plc-lima-metropolitana) 1\n"
            "    Perú (plc-pe) 1\n"
            "    América del Sur (plc-south-america) 1\n"
            "    Villa El Salvador (plc-villa-el-salvador) 1\n"
            "  author:\n"
            "    Rosa Quispe (per-rosa-quispe) 1\n"
            "  dossier:\n"
            "    [How to construct inhabitants' and professionals' power to act on the city? (prj-power-to-act) 1]\n"
            "    [Social and Solidarity Economy, a tool for a multi-sectoral and multi-scale approach to public "
            "action? (prj-sse-public-action) 1]\n"
            "    [dos-atlantis 0]\n"
            "  partner:\n"
            "    APPUII (org-appuii) 1\n"
            "    Centre Sud – Situations Urbaines de Développement (org-centre-sud) 1\n"
            "    RTES (org-rtes) 1\n"
            "  year ranges: 2010..2014 (0) 2015..2019 (2)\n");
}

TEST(ResponseText, OnATerminalMatchesAreBoldAndSelectedValuesStillBracketed) {
  SearchResponse r;
  r.total = 1;
  Hit hit = organisation_hit();
  hit.rank = 1;
  hit.snippet = {{"l'", false}, {"économie", true}};
  r.hits = {hit};
  r.facets[schema::index_of(Facet::Lang)] = {{"fr", 1, "", true}, {"de", 0, "", true}};
  const std::string text = to_text(r, true);
  EXPECT_NE(text.find("1. \033[1mRéseau des collectivités"), std::string::npos) << text;
  EXPECT_NE(text.find("   l'\033[1méconomie\033[0m\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  lang: [fr (1)] [de (0)]\n"), std::string::npos) << text;
}

// The words of `text`, whitespace and ANSI escapes aside: what wrapping must keep.
std::vector<std::string> words_of(std::string text) {
  for (std::size_t at; (at = text.find('\033')) != std::string::npos;) text.erase(at, text.find('m', at) - at + 1);
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// Columns as a terminal counts them: UTF-8 characters, ANSI escapes aside (an oracle apart from wrap_text's).
std::size_t display_columns(std::string line) {
  for (std::size_t at; (at = line.find('\033')) != std::string::npos;) line.erase(at, line.find('m', at) - at + 1);
  std::size_t n = 0;
  for (unsigned char c : line) n += (c & 0xC0) != 0x80;
  return n;
}

TEST(ResponseText, WrappedToAWidthWithoutBreakingAWord) {
  const std::string whole = to_text(fiche_response(), true);
  for (const std::size_t width : {20u, 33u, 40u, 57u, 80u}) {
    const std::string text = to_text(fiche_response(), true, width);
    EXPECT_EQ(words_of(text), words_of(whole)) << width;
    std::istringstream lines(text);
    const std::vector<std::string> words = words_of(whole);
    std::size_t longest_word = 0;
    for (const std::string& w : words) longest_word = std::max(longest_word, display_columns(w));
    for (std::string line; std::getline(lines, line);) {
      // A line is within the width, unless it is one word (after its indent) longer than the width.
      const bool one_word = line.find(' ', line.find_first_not_of(' ')) == std::string::npos;
      EXPECT_TRUE(display_columns(line) <= width || one_word) << width << ": " << line;
    }
    EXPECT_LE(longest_word, 80u);
  }
  // The exact lines of one wrap: the next lines start under the text, past the rank.
  EXPECT_EQ(
      wrap_text("12. Budget participatif de Porto Alegre  [fiche, fr]\n   descriptors: budget participatif\n", 24),
      "12. Budget participatif\n    de Porto Alegre\n    [fiche, fr]\n   descriptors: budget\n   participatif\n");
  EXPECT_EQ(wrap_text("économie économie\n", 17), "économie économie\n");  // 17 characters, 19 bytes: one line
  EXPECT_EQ(wrap_text("\033[1méconomie\033[0m sociale\n", 16), "\033[1méconomie\033[0m sociale\n");
  EXPECT_EQ(wrap_text("a anticonstitutionnellement b", 10), "a\nanticonstitutionnellement\nb");
  EXPECT_EQ(wrap_text("no width\n", 0), "no width\n");
}

// The rule of text_style.h: the width from COLUMNS, else the terminal's; bold only on a terminal, without NO_COLOR
// and with a TERM other than dumb.
TEST(TextStyle, WidthFromColumnsOrTheTerminalAndColourOnlyWhereItIsWanted) {
  struct Case {
    int terminal;
    unsigned terminal_width;
    const char* columns;
    const char* no_color;
    const char* term;
    unsigned width;
    int colour;
  };
  const Case cases[] = {
      {1, 120, nullptr, nullptr, "xterm-256color", 120, 1},
      {1, 120, "72", nullptr, "xterm", 72, 1},      // COLUMNS wins
      {0, 0, "72", nullptr, "xterm", 72, 0},        // a pipe with COLUMNS: wrapped, no colour
      {0, 0, nullptr, nullptr, "xterm", 0, 0},      // a pipe: neither
      {1, 120, "wide", nullptr, "xterm", 120, 1},   // COLUMNS that is not a width is ignored
      {1, 120, "19", nullptr, "xterm", 120, 1},     // nor one below 20
      {1, 120, "10000", nullptr, "xterm", 120, 1},  // nor one above 1000
      {1, 120, "1000", nullptr, "xterm", 1000, 1},
      {1, 5000, nullptr, nullptr, "xterm", 1000, 1},  // a huge terminal: 1000
      {1, 0, nullptr, nullptr, "xterm", 0, 1},        // a terminal of unknown width: not wrapped
      {1, 120, nullptr, "1", "xterm", 120, 0},        // NO_COLOR
      {1, 120, nullptr, "", "xterm", 120, 1},         // NO_COLOR empty counts as unset
      {1, 120, nullptr, nullptr, "dumb", 120, 0},     // TERM=dumb
      {1, 120, nullptr, nullptr, nullptr, 120, 1},
  };
  for (const Case& c : cases) {
    const citego_text_style style = citego_text_style_from(c.terminal, c.terminal_width, c.columns, c.no_color, c.term);
    EXPECT_EQ(style.width, c.width) << c.terminal << " " << (c.columns ? c.columns : "-");
    EXPECT_EQ(style.colour, c.colour) << c.terminal << " " << (c.no_color ? c.no_color : "-")
                                      << (c.term ? c.term : "-");
  }
}

// CSV: one column per in_hits facet of the schema, then the version 2 fields.

TEST(ResponseCsv, TheHeaderFollowsTheSchemasFacets) {
  std::string expected = "rank,id,doc_type,title,score";
  for (const schema::FacetSpec& spec : schema::kFacets) {
    if (spec.in_hits) expected += "," + std::string(spec.name);
  }
  expected += ",lang,url,snippet,date,authors,translations\r\n";
  EXPECT_EQ(to_csv(SearchResponse{}), expected);
}

TEST(ResponseCsv, AFicheRowJoinsListsAndKeepsCellsInert) {
  SearchResponse r = fiche_response();
  r.hits[0].stored.authors.push_back({"", "=HYPERLINK(\"http://example.org\")"});
  r.hits[0].stored.authors.insert(r.hits[0].stored.authors.begin(), {"", "-Collectif"});
  const std::string csv = to_csv(r);
  const std::string rows = csv.substr(csv.find("\r\n") + 2);
  EXPECT_EQ(rows,
            "1,fic-villa-el-salvador-budget,fiche,El presupuesto participativo de Villa El Salvador,5.1234,2017,"
            "dossier,citizens-association;research-centre,case,dsc-informal-settlements;dsc-participatory-budgeting,"
            "plc-lima-metropolitana;plc-pe;plc-south-america;plc-villa-el-salvador,per-rosa-quispe,prj-power-to-act,"
            "org-appuii;org-centre-sud,es,https://example.org/fiches/villa-el-salvador,"
            "\"Desde 2000, los vecinos deciden una parte del presupuesto del distrito.\",2017-03,"
            "\"'-Collectif;Rosa Quispe;Colectivo vecinal de Villa El Salvador;=HYPERLINK(\"\"http://example.org\"\")\","
            "fr:fic-villa-el-salvador-budget-fr\r\n"
            "2,org-rtes,organisation,Réseau des collectivités Territoriales pour une Economie Solidaire,2.5000,"
            "2016;2017,dossier,elected-officials-network,,,,,prj-sse-public-action,org-rtes,fr,,,,,\r\n");
}

// schema/search-response.md shows to_json(fiche_response()) pretty-printed, between two markers: the example of the
// version 2 fields cannot drift from the code. CITEGO_UPDATE_GOLDEN=1 rewrites the block, as it rewrites the goldens.
TEST(ResponseDoc, TheFicheExampleIsTheOutputOfToJson) {
  const std::string path = std::string(CITEGO_SOURCE_DIR) + "/schema/search-response.md";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path;
  std::ostringstream text;
  text << in.rdbuf();
  std::string doc = text.str();
  const std::string begin =
      "<!-- BEGIN fiche_response(): tests/response_format_test.cpp, "
      "ResponseDoc.TheFicheExampleIsTheOutputOfToJson -->\n```json\n";
  const std::string end = "```\n<!-- END fiche_response() -->";
  const std::size_t from = doc.find(begin);
  ASSERT_NE(from, std::string::npos) << "no example marker in " << path;
  const std::size_t to = doc.find(end, from);
  ASSERT_NE(to, std::string::npos) << "no end marker in " << path;
  const json output = parsed(to_json(fiche_response()));
  const char* update = std::getenv("CITEGO_UPDATE_GOLDEN");
  if (update != nullptr && std::string_view(update) != "" && std::string_view(update) != "0") {
    doc.replace(from + begin.size(), to - from - begin.size(), output.dump(4) + "\n");
    std::ofstream(path, std::ios::binary) << doc;
    return;
  }
  const json shown = json::parse(doc.substr(from + begin.size(), to - from - begin.size()));
  EXPECT_EQ(shown, output) << "the fiche example of " << path << " is not the output of to_json; regenerate it with "
                           << "CITEGO_UPDATE_GOLDEN=1 ctest --test-dir build -R ResponseDoc";
}

}  // namespace
}  // namespace citego
