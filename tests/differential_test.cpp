// Differential tests: for many random filter combinations over the fixture corpora, the searcher's hits, total and
// facet counts (multi-select counts included) must equal a brute-force computation from the parsed records.
#include <algorithm>
#include <cctype>
#include <map>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "citego/index_builder.h"
#include "citego/reference_graph.h"
#include "citego/searcher.h"
#include "test_support.h"

namespace citego::test {
namespace {

using schema::Facet;

struct Corpus {
  std::map<std::string, schema::FacetValues> facets;  // id -> derived facets, from the records
};

Corpus load_corpus(const std::vector<std::string>& files) {
  ReferenceGraph graph;
  std::vector<std::string> ids;
  for (const std::string& file : files) {
    const ParsedExport parsed = read_export_file(file);
    EXPECT_TRUE(parsed.errors.empty()) << file;
    for (const ExportRecord& r : parsed.records) {
      EXPECT_FALSE(graph.add(r).has_value());
      ids.push_back(r.id);
    }
  }
  EXPECT_TRUE(graph.check_references().empty());
  Corpus corpus;
  for (const std::string& id : ids) corpus.facets[id] = graph.facets_of(id);
  return corpus;
}

// One random filter: a facet and the values allowed (years as a range).
struct Filter {
  Facet facet;
  std::set<std::string> values;
  std::string spec;             // as given to --filter
  std::set<std::string> unknown = {};  // values outside the vocabulary: they allow nothing, and are listed with 0
};

bool passes(const schema::FacetValues& doc, const Filter& f) {
  return std::any_of(doc[f.facet].begin(), doc[f.facet].end(), [&](const std::string& v) { return f.values.count(v); });
}

class Differential : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string ml = corpus_dir() + "/fixtures/multilingual/";
    const std::vector<std::string> files = {corpus_dir() + "/citego-partners.xml", ml + "governance-en-es.xml",
                                            ml + "territoires-fr-pt.xml"};
    IndexRequest request;
    request.db_path = *dir_ / "db";
    request.inputs = files;
    build_index(request);
    corpus_ = new Corpus(load_corpus(files));
  }
  static void TearDownTestSuite() {
    delete corpus_;
    delete dir_;
  }
  static TempDir* dir_;
  static Corpus* corpus_;
};

TempDir* Differential::dir_ = nullptr;
Corpus* Differential::corpus_ = nullptr;

Filter random_filter(std::mt19937& rng) {
  const std::vector<std::string> kinds = {"citizens-association", "training-organisation", "foundation",
                                          "higher-education", "research-centre", "public-body", "think-tank"};
  const std::vector<std::string> types = {"dossier", "mooc", "showcase"};
  const std::vector<std::string> doc_types = {"organisation", "project", "resource"};
  const std::vector<std::string> langs = {"fr", "en", "es", "pt"};
  auto pick = [&rng](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  // The site may pass a value in any case: it must filter as the vocabulary's lower-case value.
  auto any_case = [&rng](std::string v) {
    for (char& c : v) {
      if (rng() % 2) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return v;
  };
  switch (rng() % 6) {
    case 0: {
      const int first = 2010 + static_cast<int>(rng() % 12);
      const int last = first + static_cast<int>(rng() % 4);
      Filter f{Facet::Year, {}, "year=" + std::to_string(first) + ".." + std::to_string(last)};
      for (int y = first; y <= last; ++y) f.values.insert(std::to_string(y));
      return f;
    }
    case 1: { const std::string v = pick(types); return {Facet::ProjectType, {v}, "project_type=" + any_case(v)}; }
    case 2: {
      const std::string v = pick(kinds);
      return {Facet::OrganisationKind, {v}, "organisation_kind=" + any_case(v)};
    }
    case 3: { const std::string v = pick(doc_types); return {Facet::DocType, {v}, "doc_type=" + any_case(v)}; }
    case 4: { const std::string v = pick(langs); return {Facet::Lang, {v}, "lang=" + any_case(v)}; }
    default:  // outside the vocabulary (a bad year lists nothing)
      if (rng() % 2) return {Facet::Year, {}, "year=20x6"};
      return {Facet::ProjectType, {}, "type=webinar", {"webinar"}};
  }
}

// Both ways of counting: reading each matching document's slot, and a FacetTable read once (the server's way).
class DifferentialBothCounters : public Differential, public ::testing::WithParamInterface<bool> {};

TEST_P(DifferentialBothCounters, FacetCountsAndHitsEqualBruteForce) {
  const Searcher searcher(*dir_ / "db", /*facet_table=*/GetParam());
  std::mt19937 rng(20261128);
  const std::vector<std::string> queries = {"", "gouvernance", "democratie participative", "mooc", "economie OR ville"};
  int compared = 0;
  for (int round = 0; round < 300; ++round) {
    SearchRequest request;
    request.query = queries[rng() % queries.size()];
    request.limit = kMaxLimit;
    request.facet_limit = 0;
    // Values of one facet are OR-ed: merge filters drawn for the same facet.
    std::map<Facet, Filter> filters;
    bool outside_vocabulary = false;
    const int n = static_cast<int>(rng() % 4);
    for (int i = 0; i < n; ++i) {
      const Filter f = random_filter(rng);
      outside_vocabulary = outside_vocabulary || f.spec == "year=20x6" || !f.unknown.empty();
      add_filter(request, f.spec);
      auto [it, fresh] = filters.emplace(f.facet, f);
      if (!fresh) {
        it->second.values.insert(f.values.begin(), f.values.end());
        it->second.unknown.insert(f.unknown.begin(), f.unknown.end());
      }
    }

    // The documents the query matches without filters, from the searcher itself.
    SearchRequest unfiltered;
    unfiltered.query = request.query;
    unfiltered.limit = kMaxLimit;
    std::set<std::string> matched;
    for (const Hit& h : searcher.search(unfiltered).hits) matched.insert(h.stored.id);

    // Brute force: hits pass every filter; facet F counts documents passing every filter but F's.
    std::set<std::string> expected_hits;
    std::map<Facet, std::map<std::string, Xapian::doccount>> expected_counts;
    for (const std::string& id : matched) {
      const schema::FacetValues& doc = corpus_->facets.at(id);
      bool all = true;
      for (const auto& [facet, f] : filters) all = all && passes(doc, f);
      if (all) expected_hits.insert(id);
      for (const schema::FacetSpec& spec : schema::kFacets) {
        bool others = true;
        for (const auto& [facet, f] : filters) others = others && (facet == spec.facet || passes(doc, f));
        if (!others) continue;
        for (const std::string& v : doc[spec.facet]) ++expected_counts[spec.facet][v];
      }
    }
    // Selected values are always listed, with 0 when nothing has them.
    for (const auto& [facet, f] : filters) {
      for (const std::string& v : f.values) {
        if (facet != Facet::Year) expected_counts[facet].emplace(v, 0);
      }
      for (const std::string& v : f.unknown) expected_counts[facet].emplace(v, 0);
    }

    const SearchResponse response = searcher.search(request);
    std::set<std::string> hits;
    for (const Hit& h : response.hits) hits.insert(h.stored.id);
    ASSERT_EQ(hits, expected_hits) << "query \"" << request.query << "\" round " << round;
    ASSERT_EQ(response.total, expected_hits.size());
    ASSERT_TRUE(response.total_exact);
    ASSERT_EQ(response.warnings.empty(), !outside_vocabulary) << "round " << round;
    for (const schema::FacetSpec& spec : schema::kFacets) {
      std::map<std::string, Xapian::doccount> got;
      for (const FacetCount& c : response.facets[schema::index_of(spec.facet)]) got[c.value] = c.count;
      if (spec.facet == Facet::Year && filters.count(Facet::Year)) {
        // Selected years present in the database are listed even with no hit; compare the non-zero counts.
        std::erase_if(got, [](const auto& entry) { return entry.second == 0; });
      }
      ASSERT_EQ(got, expected_counts[spec.facet]) << spec.name << " query \"" << request.query << "\" round " << round;
    }
    ++compared;
  }
  EXPECT_EQ(compared, 300);
}

TEST_P(DifferentialBothCounters, BrowseCountsEveryDocumentOncePerValue) {
  const Searcher searcher(*dir_ / "db", /*facet_table=*/GetParam());
  SearchRequest request;
  request.facet_limit = 0;
  const SearchResponse response = searcher.search(request);
  EXPECT_EQ(response.total, corpus_->facets.size());
  std::map<std::string, Xapian::doccount> years;
  for (const auto& [id, facets] : corpus_->facets) {
    for (const std::string& y : facets[Facet::Year]) ++years[y];
  }
  std::map<std::string, Xapian::doccount> got;
  for (const FacetCount& c : response.facets[schema::index_of(Facet::Year)]) got[c.value] = c.count;
  EXPECT_EQ(got, years);
}

INSTANTIATE_TEST_SUITE_P(Counters, DifferentialBothCounters, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? std::string("FacetTable") : std::string("SlotPerDocument");
                         });

}  // namespace
}  // namespace citego::test
