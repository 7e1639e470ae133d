// Table-driven tests of QueryBuilder: request -> Xapian::Query::get_description(), without a database.
#include "citego/query_builder.h"

#include <gtest/gtest.h>

#include "citego/suggestion.h"

namespace citego {
namespace {

struct QueryCase {
  std::string query;
  std::optional<schema::Lang> lang;
  std::string description;
  bool relaxed = false;
};

class QueryBuilderTable : public ::testing::TestWithParam<QueryCase> {};

TEST_P(QueryBuilderTable, BuildsTheExpectedQuery) {
  const QueryBuilder builder({2016, 2017, 2018});
  SearchRequest request;
  request.query = GetParam().query;
  request.lang = GetParam().lang;
  const QueryPlan plan = builder.build(request);
  EXPECT_EQ(plan.match.get_description(), GetParam().description);
  EXPECT_EQ(plan.relaxed, GetParam().relaxed);
}

constexpr auto kFr = schema::Lang::Fr;

INSTANTIATE_TEST_SUITE_P(
    Queries, QueryBuilderTable,
    ::testing::Values(
        // Accents and capitals fold; every word is stemmed, and also matches the same stems among the label words
        // of the documents' descriptors and places at half the weight; exact terms add a small boost.
        QueryCase{"Économies solidaires", kFr,
                  "Query(((((Zeconom OR 0 * economies) OR 0.5 * ZBeconom) OR ((Zsolidair OR 0 * solidaires) OR 0.5 "
                  "* ZBsolidair)) AND_MAYBE 0.25 * (economies OR solidaires)))"},
        // A French elision is dropped with its apostrophe.
        QueryCase{"l'économie", kFr,
                  "Query((((Zeconom OR 0 * economie) OR 0.5 * ZBeconom) AND_MAYBE 0.25 * economie))"},
        QueryCase{"L’Économie", kFr,
                  "Query((((Zeconom OR 0 * economie) OR 0.5 * ZBeconom) AND_MAYBE 0.25 * economie))"},
        // Phrases match exact terms with positions, and no label words; nor do field searches.
        QueryCase{"\"démocratie participative\"", kFr,
                  "Query(((democratie@1 PHRASE 2 participative@2) AND_MAYBE 0.25 * (democratie OR participative)))"},
        QueryCase{"title:Gouvernance", kFr, "Query((ZSgouvern OR 0 * Sgouvernance))"},
        QueryCase{"author:Dupont", kFr, "Query((ZAdupont OR 0 * Adupont))"},
        QueryCase{"keyword:budget", kFr, "Query((ZKbudget OR 0 * Kbudget))"},
        QueryCase{"year:2016..2017", kFr, "Query(0 * (XY2016 OR XY2017))"},
        QueryCase{"year:..2016 type:mooc", kFr, "Query(0 * (XY2016 AND XTmooc))"},
        QueryCase{"year:2016 project_type:dossier kind:Foundation doctype:project lang:fr", kFr,
                  "Query(0 * (XDproject AND XKfoundation AND XLfr AND XTdossier AND XY2016))"},
        // The facets of version 2, by name and short name; `author:` stays the author text field. Ids are lower
        // case: a value is lower-cased whole, an operator word in it too.
        QueryCase{"descriptor:dsc-housing descr:DSC-Commons place:PLC-FR person:per-x", kFr,
                  "Query(0 * (XAper-x AND (XEdsc-housing OR XEdsc-commons) AND XPplc-fr))"},
        QueryCase{"dossier:PRJ-Power-To-Act partner:org-rtes fiche:Case fiche_type:notion", kFr,
                  "Query(0 * ((XFcase OR XFnotion) AND XOprj-power-to-act AND XRorg-rtes))"},
        QueryCase{"place:PLC-OR id:ORG-AND-NOT", kFr, "Query(0 * (Qorg-and-not AND XPplc-or))"},
        // A facet's values are OR-ed under either of its names.
        QueryCase{"type:mooc project_type:dossier lang:fr", kFr, "Query(0 * (XLfr AND (XTmooc OR XTdossier)))"},
        QueryCase{"place:\"PLC-NOT\" OR place:plc-fr", kFr, "Query((0 * XPplc-not OR 0 * XPplc-fr))"},
        QueryCase{"gouvern*", kFr, "Query(WILDCARD SYNONYM gouvern)"},
        QueryCase{"foo -bar +baz", kFr,
                  "Query((((((Zbaz OR 0 * baz) OR 0.5 * ZBbaz) AND_MAYBE ((Zfoo OR 0 * foo) OR 0.5 * ZBfoo)) "
                  "AND_NOT ((Zbar OR 0 * bar) OR 0.5 * ZBbar)) AND_MAYBE 0.25 * (bar OR baz OR foo)))"},
        QueryCase{"a NEAR b", kFr, "Query(((a@1 NEAR 11 b@2) AND_MAYBE 0.25 * (a OR b)))"},
        QueryCase{"(ville OR cité) AND habitants", kFr,
                  "Query((((((Zvill OR 0 * ville) OR 0.5 * ZBvill) OR ((Zcit OR 0 * cite) OR 0.5 * ZBcit)) AND "
                  "((Zhabit OR 0 * habitants) OR 0.5 * ZBhabit)) AND_MAYBE 0.25 * (cite OR habitants OR ville)))"},
        // A query wholly in capitals means words: its operators too.
        QueryCase{"ELECTRON BEAM AND PLASMA", std::nullopt,
                  "Query((((Zelectron OR 0.5 * ZBelectron) OR (Zbeam OR 0.5 * ZBbeam) OR ((Zplasm SYNONYM Zplasma) "
                  "OR 0.5 * (ZBplasm SYNONYM ZBplasma))) AND_MAYBE 0.25 * (beam OR electron OR plasma)))"},
        QueryCase{"ÉCONOMIE NOT", kFr,
                  "Query(((((Zeconom OR 0 * economie) OR 0.5 * ZBeconom) OR ((Znot OR 0 * not) OR 0.5 * ZBnot)) "
                  "AND_MAYBE 0.25 * (economie OR not)))"},
        // Lower-case operators are words.
        QueryCase{"ville and cité", kFr,
                  "Query(((((Zvill OR 0 * ville) OR 0.5 * ZBvill) OR ((Zand OR 0 * and) OR 0.5 * ZBand) OR ((Zcit "
                  "OR 0 * cite) OR 0.5 * ZBcit)) AND_MAYBE 0.25 * (and OR cite OR ville)))"},
        // With a query language, a word also matches its exact term, at no weight, in documents of other languages.
        QueryCase{"participation", schema::Lang::Es,
                  "Query((((Zparticipation OR 0 * participation) OR 0.5 * ZBparticipation) AND_MAYBE 0.25 * "
                  "participation))"},
        // Without a query language each word matches its distinct stems in the four languages, as one synonym group.
        // Its label words are the same stems, each label stemmed in its own language.
        QueryCase{"participation", std::nullopt,
                  "Query((((Zparticip SYNONYM Zparticipation) OR 0.5 * (ZBparticip SYNONYM ZBparticipation)) "
                  "AND_MAYBE 0.25 * participation))"},
        QueryCase{"gouvernance locale", std::nullopt,
                  "Query(((((Zgouvern SYNONYM Zgouvernanc) OR 0.5 * (ZBgouvern SYNONYM ZBgouvernanc)) OR (Zlocal "
                  "OR 0.5 * ZBlocal)) AND_MAYBE 0.25 * (gouvernance OR locale)))"},
        QueryCase{"title:gouvernance", std::nullopt, "Query((ZSgouvern SYNONYM ZSgouvernanc))"},
        QueryCase{"\"gouvernance locale\"", std::nullopt,
                  "Query(((gouvernance@1 PHRASE 2 locale@2) AND_MAYBE 0.25 * (gouvernance OR locale)))"},
        // Function words are left out, but kept in phrases and when nothing else is left.
        QueryCase{"la ville et les habitants", kFr,
                  "Query(((((Zvill OR 0 * ville) OR 0.5 * ZBvill) OR ((Zhabit OR 0 * habitants) OR 0.5 * ZBhabit)) "
                  "AND_MAYBE 0.25 * (habitants OR ville)))"},
        QueryCase{"\"la ville\"", kFr, "Query(((la@1 PHRASE 2 ville@2) AND_MAYBE 0.25 * (la OR ville)))"},
        QueryCase{"le", std::nullopt, "Query(((Zle OR 0.5 * ZBle) AND_MAYBE 0.25 * le))"},
        // Broken syntax is searched as plain words; control characters are blanks.
        QueryCase{"ville NOT", kFr,
                  "Query(((((Zvill OR 0 * ville) OR 0.5 * ZBvill) OR not@2) AND_MAYBE 0.25 * (not OR ville)))", true},
        QueryCase{"ville\x01"
                  "cite",
                  kFr,
                  "Query(((((Zvill OR 0 * ville) OR 0.5 * ZBvill) OR ((Zcit OR 0 * cite) OR 0.5 * ZBcit)) AND_MAYBE "
                  "0.25 * (cite OR ville)))"},
        QueryCase{"\"unbalanced", kFr, "Query((unbalanced@1 AND_MAYBE 0.25 * unbalanced))"},
        // Invalid UTF-8 becomes U+FFFD, which is not a word character.
        QueryCase{"caf\xC3 ville", kFr,
                  "Query(((((Zcaf OR 0 * caf) OR 0.5 * ZBcaf) OR ((Zvill OR 0 * ville) OR 0.5 * ZBvill)) AND_MAYBE "
                  "0.25 * (caf OR ville)))"},
        // Nothing to search for.
        QueryCase{"year:2020..", kFr, "Query()"}, QueryCase{"", kFr, "Query(<alldocuments>)"},
        QueryCase{"  \t ", kFr, "Query(<alldocuments>)"}));

// The words a suggestion may change, as typed: no field or filter name, filter value, operator, wildcard or number.
struct WordsCase {
  std::string query;
  std::vector<std::string> words;
};

class CorrectableWords : public ::testing::TestWithParam<WordsCase> {};

TEST_P(CorrectableWords, AreTheQuerysPlainWords) {
  const std::string& query = GetParam().query;
  std::vector<std::string> words;
  for (const QueryWord& w : correctable_words(query)) words.push_back(query.substr(w.begin, w.end - w.begin));
  EXPECT_EQ(words, GetParam().words);
}

INSTANTIATE_TEST_SUITE_P(
    Queries, CorrectableWords,
    ::testing::Values(WordsCase{"gouvernnance territoriale", {"gouvernnance", "territoriale"}},
                      WordsCase{"title: démocratie", {"démocratie"}}, WordsCase{"title:democratei", {"democratei"}},
                      WordsCase{"kind:", {}}, WordsCase{"Kind:foundation associaton", {"associaton"}},
                      WordsCase{"place:PLC-FR id:\"org x\" ville", {"ville"}},
                      WordsCase{"gouvern* AND ville NOT cité", {"ville", "cité"}},
                      WordsCase{"ELECTRON BEAM AND PLASMA", {"ELECTRON", "BEAM", "AND", "PLASMA"}},
                      WordsCase{"\"démocratie participative\" NEAR/3 (ville OR cité)",
                                {"démocratie", "participative", "ville", "cité"}},
                      WordsCase{"year:2016..2018 l'économie -quoiqu'inquiète", {"économie", "inquiète"}},
                      WordsCase{"2016 covid19 +budget", {"budget"}}, WordsCase{"", {}}));

TEST(WorthSuggesting, NeedsHitsAndTenTimesAsManyAsTheQuery) {
  struct Case {
    Xapian::doccount query_hits, suggestion_hits;
    bool shown;
  };
  for (const Case& c : std::vector<Case>{{0, 0, false},
                                         {0, 1, true},
                                         {7, 69, false},
                                         {7, 70, true},
                                         {1, 9, false},
                                         {1, 10, true},
                                         {5, 0, false},
                                         {4000000000u, 4000000000u, false}}) {
    SCOPED_TRACE(std::to_string(c.query_hits) + " -> " + std::to_string(c.suggestion_hits));
    EXPECT_EQ(worth_suggesting(c.query_hits, c.suggestion_hits), c.shown);
  }
}

TEST(QueryBuilder, FiltersAreOredWithinAFacetAndAndedAcrossFacets) {
  const QueryBuilder builder({2016, 2017, 2018});
  SearchRequest request;
  request.query = "mooc";
  request.lang = schema::Lang::En;
  add_filter(request, "year=2017..");
  add_filter(request, "type=mooc");
  add_filter(request, "project_type=dossier");
  add_filter(request, "lang=fr");
  const QueryPlan plan = builder.build(request);
  EXPECT_EQ(plan.filtered().get_description(),
            "Query(((((Zmooc OR 0 * mooc) OR 0.5 * ZBmooc) AND_MAYBE 0.25 * mooc) FILTER ((XY2017 OR XY2018) AND "
            "(XTdossier OR XTmooc) AND XLfr)))");
  // Multi-select: a facet's own filter is left out when counting it.
  EXPECT_EQ(plan.filtered(schema::Facet::ProjectType).get_description(),
            "Query(((((Zmooc OR 0 * mooc) OR 0.5 * ZBmooc) AND_MAYBE 0.25 * mooc) FILTER ((XY2017 OR XY2018) AND "
            "XLfr)))");
  EXPECT_EQ(plan.allowed[schema::index_of(schema::Facet::Year)], (std::set<std::string>{"2017", "2018"}));
  EXPECT_FALSE(plan.allowed[schema::index_of(schema::Facet::DocType)].has_value());
}

TEST(QueryBuilder, AYearRangeOutsideTheDatabaseMatchesNothing) {
  const QueryBuilder builder({2016, 2017, 2018});
  SearchRequest request;
  add_filter(request, "year=..1990");
  EXPECT_EQ(builder.build(request).filtered().get_description(), "Query()");
}

TEST(QueryBuilder, RejectsAQueryOverTheLengthCap) {
  const QueryBuilder builder({});
  SearchRequest request;
  request.query = std::string(kMaxQueryBytes + 1, 'a');
  try {
    builder.build(request);
    FAIL() << "no error";
  } catch (const SearchError& e) {
    EXPECT_EQ(e.code(), "query_too_long");
    EXPECT_EQ(e.exit_code(), kExitUsage);
    EXPECT_EQ(std::string(e.what()), "query of 4097 bytes is longer than the limit of 4096");
  }
}

struct FilterErrorCase {
  std::string filter;
  std::string message;
};

class FilterErrors : public ::testing::TestWithParam<FilterErrorCase> {};

TEST_P(FilterErrors, AreUsageErrors) {
  SearchRequest request;
  try {
    add_filter(request, GetParam().filter);
    FAIL() << "accepted " << GetParam().filter;
  } catch (const SearchError& e) {
    EXPECT_EQ(e.code(), "bad_filter");
    EXPECT_EQ(e.exit_code(), kExitUsage);
    EXPECT_EQ(std::string(e.what()), GetParam().message);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Filters, FilterErrors,
    ::testing::Values(
        FilterErrorCase{"year", "bad filter \"year\" (expected FACET=VALUE)"},
        FilterErrorCase{"colour=red",
                        "unknown facet \"colour\" (expected year, project_type or type, organisation_kind or kind, "
                        "doc_type or doctype, lang, fiche_type or fiche, descriptor or descr, place, author or person, "
                        "dossier, or partner)"}));

TEST(SearchRequest, YearFiltersAcceptPointsAndOpenRanges) {
  SearchRequest request;
  add_filter(request, "year=2016");
  add_filter(request, "year=2016..2018");
  add_filter(request, "year=..2017");
  add_filter(request, "year=2019..");
  EXPECT_EQ(request.year_filters, (std::vector<YearRange>{{2016, 2016}, {2016, 2018}, {1000, 2017}, {2019, 2999}}));
  EXPECT_TRUE(request.has_filter(schema::Facet::Year));
  EXPECT_FALSE(request.has_filter(schema::Facet::Lang));
}

TEST(SearchRequest, ParsesSortOrders) {
  EXPECT_EQ(parse_sort("relevance"), SortOrder::Relevance);
  EXPECT_EQ(parse_sort("year"), SortOrder::YearAscending);
  EXPECT_EQ(parse_sort("-year"), SortOrder::YearDescending);
  EXPECT_THROW(parse_sort("date"), SearchError);
}

}  // namespace
}  // namespace citego
