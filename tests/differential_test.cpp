// Differential tests: the searcher's hits, total and facet counts (multi-select counts included) must equal a
// brute-force computation.
// - Over the fixture corpora (version 1), for many random filter combinations, from the parsed records.
// - Over a random library of version 2 documents built by hand (every facet, the place hierarchy, labels and label
//   words), for random queries, filters, year ranges, languages and facet limits, from the documents alone.
// And focused tests of labels, selected values, year ranges and label words on small hand-made databases.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "citego/analysis.h"
#include "citego/document_builder.h"
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
  std::string spec;                    // as given to --filter
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
  const std::vector<std::string> kinds = {
      "citizens-association", "training-organisation", "foundation", "higher-education",
      "research-centre",      "public-body",           "think-tank"};
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
    case 1: {
      const std::string v = pick(types);
      return {Facet::ProjectType, {v}, "project_type=" + any_case(v)};
    }
    case 2: {
      const std::string v = pick(kinds);
      return {Facet::OrganisationKind, {v}, "organisation_kind=" + any_case(v)};
    }
    case 3: {
      const std::string v = pick(doc_types);
      return {Facet::DocType, {v}, "doc_type=" + any_case(v)};
    }
    case 4: {
      const std::string v = pick(langs);
      return {Facet::Lang, {v}, "lang=" + any_case(v)};
    }
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

// ---------------------------------------------------------------------------------------------------------------
// Version 2 databases built by hand: documents from DocumentBuilder with hand-made facet values, the stored fields of
// version 2 and label metadata written here, as citego-index will write them (so the searcher can be checked before
// the indexer derives them).

// One document: its text, facets (the place facet with the ancestors, as the indexer writes it) and stored references.
struct HandDocument {
  std::string id;
  schema::DocType type = schema::DocType::Fiche;
  schema::Lang lang = schema::Lang::En;
  std::string title;
  schema::FacetValues facets;
  std::vector<std::string> descriptors;  // stored, in order
  std::vector<std::string> places;       // stored, without the ancestors
  std::vector<std::string> dossiers;     // stored
  std::string body;
};

// Labels by facet and value.
using HandLabels = std::map<std::pair<Facet, std::string>, schema::Labels>;

// Writes `documents` (docids 1..N in order) and `labels` into a new database at `path`. With `label_words`, each
// document also gets the words of its descriptors' and places' labels, in every language, under kPrefixLabel ("B" +
// word, "ZB" + stem in the label's language, wdf 1), as the indexer will index them.
void write_hand_database(const std::string& path, const std::vector<HandDocument>& documents, const HandLabels& labels,
                         bool label_words = false) {
  Xapian::WritableDatabase db(path, Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS);
  DocumentBuilder builder;
  Xapian::TermGenerator words;
  words.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  for (const HandDocument& d : documents) {
    ExportRecord record;
    record.doc_type = d.type;
    record.id = d.id;
    record.lang = d.lang;
    record.title = d.title;
    record.body = d.body;
    Xapian::Document doc = builder.build(record, d.facets);
    schema::StoredDocument stored = schema::decode_stored(doc.get_data());
    stored.descriptors = d.descriptors;
    stored.places = d.places;
    stored.dossiers = d.dossiers;
    doc.set_data(schema::encode_stored(stored));
    if (label_words) {
      words.set_document(doc);
      for (const auto& [facet, ids] :
           {std::pair{Facet::Descriptor, &d.descriptors}, std::pair{Facet::Place, &d.places}}) {
        for (const std::string& id : *ids) {
          const auto found = labels.find({facet, id});
          if (found == labels.end()) continue;
          for (schema::Lang lang : schema::kLangs) {
            const std::string& label = found->second[static_cast<std::size_t>(lang)];
            if (label.empty()) continue;
            words.set_stemmer(analysis::stemmer_for(lang));
            words.index_text(analysis::fold(label), 1, std::string(schema::kPrefixLabel));
          }
        }
      }
      doc = words.get_document();
    }
    db.add_document(doc);
  }
  for (const auto& [key, value] : labels)
    db.set_metadata(schema::label_key(key.first, key.second), schema::encode_labels(value));
  db.set_metadata(std::string(schema::kMetaSchemaVersion), std::to_string(schema::kSchemaVersion));
  db.commit();
}

// Facet values: sorted and without duplicates, as the schema requires.
std::vector<std::string> sorted_values(std::set<std::string> values) { return {values.begin(), values.end()}; }

const std::vector<FacetCount>& facet_of(const SearchResponse& response, Facet facet) {
  return response.facets[schema::index_of(facet)];
}

std::map<std::string, std::string> labels_of(const std::vector<FacetCount>& counts) {
  std::map<std::string, std::string> out;
  for (const FacetCount& c : counts) out[c.value] = c.label;
  return out;
}

class Labels : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    HandDocument a{"fic-a", schema::DocType::Fiche,      schema::Lang::En, "Housing in Lyon",
                   {},      {"dsc-housing", "dsc-none"}, {"plc-lyon"},     {"dos-x"},
                   ""};
    a.facets[Facet::DocType] = {"fiche"};
    a.facets[Facet::Lang] = {"en"};
    a.facets[Facet::Year] = {"2017"};
    a.facets[Facet::Descriptor] = sorted_values({"dsc-housing", "dsc-none"});
    a.facets[Facet::Place] = sorted_values({"plc-lyon", "plc-fr", "plc-europe"});
    a.facets[Facet::Author] = {"per-marie"};
    a.facets[Facet::Dossier] = {"dos-x"};
    a.facets[Facet::Partner] = {"org-y"};
    HandDocument b{"fic-b", schema::DocType::Fiche, schema::Lang::Pt, "Habitação", {}, {"dsc-housing"}, {}, {}, ""};
    b.facets[Facet::DocType] = {"fiche"};
    b.facets[Facet::Lang] = {"pt"};
    b.facets[Facet::Descriptor] = {"dsc-housing"};
    const HandLabels labels = {
        {{Facet::Descriptor, "dsc-housing"}, {"logement", "housing", "", "habitação"}},
        {{Facet::Place, "plc-lyon"}, {"Lyon", "Lyon", "Lyon", "Lião"}},
        {{Facet::Place, "plc-fr"}, {"France", "France", "Francia", "França"}},
        {{Facet::Place, "plc-europe"}, {"Europe", "Europe", "Europa", "Europa"}},
        {{Facet::Author, "per-marie"}, {"Marie Dupont", "Marie Dupont", "Marie Dupont", "Marie Dupont"}},
        {{Facet::Dossier, "dos-x"}, {"", "Power to act", "", ""}},
        {{Facet::Partner, "org-y"}, {"RTES", "RTES", "RTES", "RTES"}},
        // Metadata for a facet without labels is never read.
        {{Facet::Lang, "en"}, {"anglais", "English", "inglés", "inglês"}},
    };
    write_hand_database(dir_ / "db", {a, b}, labels);
  }
  TempDir dir_;
};

TEST_P(Labels, FacetValuesAreLabelledInTheRequestsLanguageAndAMissingLabelIsEmpty) {
  const Searcher searcher(dir_ / "db", GetParam());
  SearchRequest request;
  request.facet_limit = 0;
  request.lang = schema::Lang::Es;
  const SearchResponse es = searcher.search(request);
  // No Spanish label: the first of fr, en, es, pt that exists.
  EXPECT_EQ(labels_of(facet_of(es, Facet::Descriptor)),
            (std::map<std::string, std::string>{{"dsc-housing", "logement"}, {"dsc-none", ""}}));
  EXPECT_EQ(
      labels_of(facet_of(es, Facet::Place)),
      (std::map<std::string, std::string>{{"plc-europe", "Europa"}, {"plc-fr", "Francia"}, {"plc-lyon", "Lyon"}}));
  EXPECT_EQ(labels_of(facet_of(es, Facet::Author)),
            (std::map<std::string, std::string>{{"per-marie", "Marie Dupont"}}));
  EXPECT_EQ(labels_of(facet_of(es, Facet::Dossier)), (std::map<std::string, std::string>{{"dos-x", "Power to act"}}));
  EXPECT_EQ(labels_of(facet_of(es, Facet::Partner)), (std::map<std::string, std::string>{{"org-y", "RTES"}}));
  EXPECT_EQ(labels_of(facet_of(es, Facet::Lang)), (std::map<std::string, std::string>{{"en", ""}, {"pt", ""}}));
  EXPECT_EQ(labels_of(facet_of(es, Facet::Year)), (std::map<std::string, std::string>{{"2017", ""}}));
  // Without a language: fr first.
  request.lang.reset();
  EXPECT_EQ(labels_of(facet_of(searcher.search(request), Facet::Place))["plc-lyon"], "Lyon");
  request.lang = schema::Lang::Pt;
  EXPECT_EQ(labels_of(facet_of(searcher.search(request), Facet::Place))["plc-lyon"], "Lião");
}

TEST_P(Labels, HitsNameTheirDescriptorsPlacesAndDossiersInTheRequestsLanguageElseTheirOwn) {
  const Searcher searcher(dir_ / "db", GetParam());
  SearchRequest request;
  request.sort = SortOrder::Relevance;
  SearchResponse response = searcher.search(request);
  ASSERT_EQ(response.hits.size(), 2u);
  const Hit& a = response.hits[0].stored.id == "fic-a" ? response.hits[0] : response.hits[1];
  const Hit& b = response.hits[0].stored.id == "fic-a" ? response.hits[1] : response.hits[0];
  // The documents' own languages: English, Portuguese. Only the stored places, not the ancestors.
  EXPECT_EQ(a.descriptors, (std::vector<LabelledRef>{{"dsc-housing", "housing"}, {"dsc-none", ""}}));
  EXPECT_EQ(a.places, (std::vector<LabelledRef>{{"plc-lyon", "Lyon"}}));
  EXPECT_EQ(a.dossiers, (std::vector<LabelledRef>{{"dos-x", "Power to act"}}));
  EXPECT_EQ(b.descriptors, (std::vector<LabelledRef>{{"dsc-housing", "habitação"}}));
  EXPECT_TRUE(b.places.empty());
  // The request's language first; without a label in it, the document's.
  request.lang = schema::Lang::Fr;
  response = searcher.search(request);
  for (const Hit& hit : response.hits) {
    if (hit.stored.id == "fic-a") {
      EXPECT_EQ(hit.descriptors, (std::vector<LabelledRef>{{"dsc-housing", "logement"}, {"dsc-none", ""}}));
      EXPECT_EQ(hit.dossiers, (std::vector<LabelledRef>{{"dos-x", "Power to act"}}));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Counters, Labels, ::testing::Bool(), [](const ::testing::TestParamInfo<bool>& param) {
  return param.param ? std::string("FacetTable") : std::string("SlotPerDocument");
});

// The facets of a small database of fiches: document i has year years[i] and descriptors.
class Selected : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    const std::vector<std::pair<std::string, std::vector<std::string>>> docs = {{"2014", {"dsc-a", "dsc-b"}},
                                                                                {"2016", {"dsc-a"}},
                                                                                {"2016", {"dsc-a", "dsc-c"}},
                                                                                {"2017", {"dsc-b"}},
                                                                                {"2019", {"dsc-a", "dsc-d"}}};
    std::vector<HandDocument> documents;
    for (std::size_t i = 0; i < docs.size(); ++i) {
      HandDocument d;
      d.id = "fic-" + std::to_string(i);
      d.title = "fiche";
      d.facets[Facet::DocType] = {"fiche"};
      d.facets[Facet::Lang] = {"en"};
      d.facets[Facet::Year] = {docs[i].first};
      d.facets[Facet::Descriptor] = docs[i].second;
      d.facets[Facet::ProjectType] = {"mooc"};
      documents.push_back(d);
    }
    write_hand_database(dir_ / "db", documents, {});
  }

  // value -> (count, selected) of `facet` for a browse with `filters`.
  std::map<std::string, std::pair<Xapian::doccount, bool>> shown(Facet facet, const std::vector<std::string>& filters,
                                                                 std::size_t facet_limit) const {
    const Searcher searcher(dir_ / "db", GetParam());
    SearchRequest request;
    request.facet_limit = facet_limit;
    for (const std::string& f : filters) add_filter(request, f);
    std::map<std::string, std::pair<Xapian::doccount, bool>> out;
    const SearchResponse response = searcher.search(request);
    for (const FacetCount& c : facet_of(response, facet)) out[c.value] = {c.count, c.selected};
    return out;
  }
  TempDir dir_;
};

using Shown = std::map<std::string, std::pair<Xapian::doccount, bool>>;

TEST_P(Selected, FilteredValuesAreListedAndSelectedWhateverTheLimit) {
  // dsc-a leads (4), dsc-b (2), then dsc-c and dsc-d (1): with a limit of 1, the selected dsc-d stays.
  EXPECT_EQ(shown(Facet::Descriptor, {"descriptor=dsc-d"}, 1), (Shown{{"dsc-a", {4, false}}, {"dsc-d", {1, true}}}));
  // A value no match has, and an id typed in capitals (ids are lower case).
  EXPECT_EQ(shown(Facet::Descriptor, {"descr=DSC-Nothing", "descriptor=dsc-b"}, 1),
            (Shown{{"dsc-a", {4, false}}, {"dsc-b", {2, true}}, {"dsc-nothing", {0, true}}}));
  // Unfiltered facets select nothing.
  EXPECT_EQ(shown(Facet::Descriptor, {"year=2019"}, 1), (Shown{{"dsc-a", {1, false}}}));
  // A value outside the vocabulary, kept as written.
  EXPECT_EQ(shown(Facet::ProjectType, {"type=Webinar"}, 10), (Shown{{"Webinar", {0, true}}, {"mooc", {5, false}}}));
}

TEST_P(Selected, AYearRangeSelectsItsYearsThatHaveCountsAndAYearAloneIsListed) {
  EXPECT_EQ(shown(Facet::Year, {"year=2015..2018"}, 10),
            (Shown{{"2014", {1, false}}, {"2016", {2, true}}, {"2017", {1, true}}, {"2019", {1, false}}}));
  EXPECT_EQ(shown(Facet::Year, {"year=..2016"}, 1),
            (Shown{{"2019", {1, false}}, {"2016", {2, true}}, {"2014", {1, true}}}));
  // A year alone is listed even when no document has it; a year filter that does not parse selects nothing.
  EXPECT_EQ(shown(Facet::Year, {"year=1850", "year=20x6"}, 10), (Shown{{"1850", {0, true}},
                                                                       {"2014", {1, false}},
                                                                       {"2016", {2, false}},
                                                                       {"2017", {1, false}},
                                                                       {"2019", {1, false}}}));
  // The other facets' filters count: years of the documents with dsc-b.
  EXPECT_EQ(shown(Facet::Year, {"year=2017", "descriptor=dsc-b"}, 10),
            (Shown{{"2014", {1, false}}, {"2017", {1, true}}}));
}

INSTANTIATE_TEST_SUITE_P(Counters, Selected, ::testing::Bool(), [](const ::testing::TestParamInfo<bool>& param) {
  return param.param ? std::string("FacetTable") : std::string("SlotPerDocument");
});

class YearRanges : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    const std::vector<std::pair<std::vector<std::string>, std::string>> docs = {{{"2014"}, "dsc-a"},
                                                                                {{"2016", "2017"}, "dsc-a"},
                                                                                {{"2016"}, "dsc-b"},
                                                                                {{"2009", "2021"}, "dsc-a"},
                                                                                {{}, "dsc-a"}};
    std::vector<HandDocument> documents;
    for (std::size_t i = 0; i < docs.size(); ++i) {
      HandDocument d;
      d.id = "fic-" + std::to_string(i);
      d.title = "fiche";
      d.facets[Facet::Year] = docs[i].first;
      d.facets[Facet::Descriptor] = {docs[i].second};
      documents.push_back(d);
    }
    write_hand_database(dir_ / "db", documents, {});
  }

  // The year ranges of a browse with --facet-ranges `asked` and --filter `filters`.
  std::vector<RangeCount> ranges(const std::string& asked, const std::vector<std::string>& filters = {}) const {
    const Searcher searcher(dir_ / "db", GetParam());
    SearchRequest request;
    add_facet_ranges(request, asked);
    for (const std::string& filter : filters) add_filter(request, filter);
    return searcher.search(request).year_ranges;
  }
  TempDir dir_;
};

TEST_P(YearRanges, ADocumentCountsOnceInEachRangeHoldingOneOfItsYears) {
  EXPECT_EQ(ranges("year=2010..2014,2015..2019,2016..2017,1990..1999"),
            (std::vector<RangeCount>{{"2010..2014", 2010, 2014, 1},
                                     {"2015..2019", 2015, 2019, 2},
                                     {"2016..2017", 2016, 2017, 2},
                                     {"1990..1999", 1990, 1999, 0}}));
  // Every decade from the oldest year to the newest, the empty ones between included.
  EXPECT_EQ(ranges("year=decades"),
            (std::vector<RangeCount>{
                {"2000..2009", 2000, 2009, 1}, {"2010..2019", 2010, 2019, 3}, {"2020..2029", 2020, 2029, 1}}));
  EXPECT_EQ(ranges("year=decades", {"descriptor=dsc-b"}), (std::vector<RangeCount>{{"2010..2019", 2010, 2019, 1}}));
  EXPECT_TRUE(ranges("year=decades", {"descriptor=dsc-none"}).empty());
  EXPECT_EQ(ranges("year=1990..1999", {"descriptor=dsc-none"}),
            (std::vector<RangeCount>{{"1990..1999", 1990, 1999, 0}}));
}

TEST_P(YearRanges, WithAYearFilterTheyAreCountedWithTheOtherFacetsFiltersOnly) {
  // Like the year facet's own counts: the year filter is left out, the descriptor filter kept.
  EXPECT_EQ(ranges("year=2010..2014,2015..2019", {"year=2014"}),
            (std::vector<RangeCount>{{"2010..2014", 2010, 2014, 1}, {"2015..2019", 2015, 2019, 2}}));
  EXPECT_EQ(ranges("year=decades", {"year=2014", "descriptor=dsc-a"}),
            (std::vector<RangeCount>{
                {"2000..2009", 2000, 2009, 1}, {"2010..2019", 2010, 2019, 2}, {"2020..2029", 2020, 2029, 1}}));
}

INSTANTIATE_TEST_SUITE_P(Counters, YearRanges, ::testing::Bool(), [](const ::testing::TestParamInfo<bool>& param) {
  return param.param ? std::string("FacetTable") : std::string("SlotPerDocument");
});

// Label words: a query word finds the documents indexed with a descriptor or place whose label has it, below the
// documents with the word in their text.
class LabelWords : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    auto fiche = [](std::string id, std::string title, std::vector<std::string> descriptors,
                    std::vector<std::string> places, std::vector<std::string> place_facet) {
      HandDocument d;
      d.id = std::move(id);
      d.title = std::move(title);
      d.descriptors = descriptors;
      d.places = places;
      d.facets[Facet::DocType] = {"fiche"};
      d.facets[Facet::Descriptor] = sorted_values({descriptors.begin(), descriptors.end()});
      d.facets[Facet::Place] = sorted_values({place_facet.begin(), place_facet.end()});
      d.facets[Facet::FicheType] = {"case"};
      d.facets[Facet::Author] = {"per-x"};
      return d;
    };
    std::vector<HandDocument> documents = {
        fiche("fic-text", "Housing cooperatives", {}, {}, {}),
        fiche("fic-body", "Cooperatives", {}, {}, {}),
        fiche("fic-label", "Cooperatives of Lyon", {"dsc-housing"}, {"plc-lyon"}, {"plc-europe", "plc-fr", "plc-lyon"}),
        fiche("fic-none", "Cooperatives of Dakar", {"dsc-commons"}, {"plc-dakar"},
              {"plc-africa", "plc-dakar", "plc-sn"}),
    };
    const HandLabels labels = {
        {{Facet::Descriptor, "dsc-housing"}, {"logement", "housing", "vivienda", "habitação"}},
        {{Facet::Descriptor, "dsc-commons"}, {"communs", "commons", "bienes comunes", "bens comuns"}},
        {{Facet::Place, "plc-lyon"}, {"Lyon", "Lyon", "Lyon", "Lião"}},
        {{Facet::Place, "plc-dakar"}, {"Dakar", "Dakar", "Dakar", "Dacar"}},
    };
    documents[1].body = "They build housing.";
    write_hand_database(dir_ / "db", documents, labels, /*label_words=*/true);
  }

  std::vector<std::string> ids(const std::string& query, std::optional<schema::Lang> lang = std::nullopt) const {
    const Searcher searcher(dir_ / "db", GetParam());
    SearchRequest request;
    request.query = query;
    request.lang = lang;
    std::vector<std::string> out;
    for (const Hit& h : searcher.search(request).hits) out.push_back(h.stored.id);
    return out;
  }
  TempDir dir_;
};

TEST_P(LabelWords, APlainWordFindsItsLabelsBelowTheText) {
  // Even a body word (wdf 1) ranks above a label word.
  EXPECT_EQ(ids("housing"), (std::vector<std::string>{"fic-text", "fic-body", "fic-label"}));
  EXPECT_EQ(ids("housing", schema::Lang::En), (std::vector<std::string>{"fic-text", "fic-body", "fic-label"}));
  // Every language's label, stemmed in its language; places too.
  EXPECT_EQ(ids("logements"), (std::vector<std::string>{"fic-label"}));
  EXPECT_EQ(ids("vivienda", schema::Lang::Es), (std::vector<std::string>{"fic-label"}));
  EXPECT_EQ(ids("Lião"), (std::vector<std::string>{"fic-label"}));
  EXPECT_EQ(ids("lyon"), (std::vector<std::string>{"fic-label"}));
  EXPECT_EQ(ids("cooperatives -communs").size(), 3u);
  EXPECT_EQ(ids("cooperatives -communs").back(), "fic-label");
}

TEST_P(LabelWords, PhrasesAndFieldSearchesDoNotUseLabels) {
  EXPECT_EQ(ids("title:housing"), (std::vector<std::string>{"fic-text"}));
  EXPECT_EQ(ids("\"housing cooperatives\""), (std::vector<std::string>{"fic-text"}));
  EXPECT_EQ(ids("title:housing OR title:vivienda"), (std::vector<std::string>{"fic-text"}));
  EXPECT_TRUE(ids("\"bienes comunes\"").empty());
  EXPECT_TRUE(ids("keyword:lyon").empty());
}

TEST_P(LabelWords, TheQueryLanguageFiltersOnEveryIdFacetIgnoringCase) {
  // A country keeps its cities' documents: the place facet holds the ancestors.
  EXPECT_EQ(ids("place:plc-fr"), (std::vector<std::string>{"fic-label"}));
  EXPECT_EQ(ids("place:PLC-FR"), (std::vector<std::string>{"fic-label"}));
  EXPECT_EQ(ids("cooperatives place:Plc-Africa"), (std::vector<std::string>{"fic-none"}));
  EXPECT_EQ(ids("descriptor:dsc-housing"), (std::vector<std::string>{"fic-label"}));
  EXPECT_EQ(ids("descr:DSC-COMMONS OR descriptor:dsc-housing").size(), 2u);
  EXPECT_EQ(ids("person:per-x").size(), 4u);
  EXPECT_EQ(ids("fiche:Case").size(), 4u);
  EXPECT_TRUE(ids("fiche:notion").empty());
  EXPECT_TRUE(ids("dossier:dos-x").empty());
  EXPECT_TRUE(ids("partner:org-x").empty());
  // `author:` is the author text field, not the facet.
  EXPECT_TRUE(ids("author:per-x").empty());
}

INSTANTIATE_TEST_SUITE_P(Counters, LabelWords, ::testing::Bool(), [](const ::testing::TestParamInfo<bool>& param) {
  return param.param ? std::string("FacetTable") : std::string("SlotPerDocument");
});

// --related on a library where one descriptor is common (kRelatedCommonShare): 400 fiches, the given one (fic-000,
// no text of its own, so no text term lists a document) with a common descriptor held by about 60 % of them, one held
// by about 20 % and a rare one. The oracle: the documents sharing one of its descriptors that are not common, ordered
// by the weight of every descriptor they share, the common one included; the facets count that list.
class Related : public ::testing::TestWithParam<bool> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    documents_ = new std::vector<HandDocument>();
    std::mt19937 rng(20261201);
    for (std::size_t i = 0; i < 400; ++i) {
      HandDocument d;
      d.id = numbered_fiche(i);
      d.lang = schema::kLangs[rng() % schema::kLangs.size()];
      d.title = i == 0 ? "" : "fiche";
      std::set<std::string> descriptors = {"dsc-other-" + std::to_string(rng() % 20)};
      if (i == 0 || rng() % 10 < 6) descriptors.insert("dsc-common");
      if (i == 0 || rng() % 10 < 2) descriptors.insert("dsc-mid");
      if (i == 0 || rng() % 100 < 3) descriptors.insert("dsc-rare");
      d.facets[Facet::DocType] = {"fiche"};
      d.facets[Facet::Lang] = {std::string(schema::code_of(d.lang))};
      d.facets[Facet::Descriptor] = sorted_values(descriptors);
      d.descriptors = d.facets[Facet::Descriptor];
      documents_->push_back(std::move(d));
    }
    write_hand_database(*dir_ / "db", *documents_, {});
  }
  static void TearDownTestSuite() {
    delete documents_;
    delete dir_;
  }
  static std::string numbered_fiche(std::size_t n) {
    std::string digits = std::to_string(n);
    return "fic-" + std::string(3 - std::min<std::size_t>(3, digits.size()), '0') + digits;
  }
  static TempDir* dir_;
  static std::vector<HandDocument>* documents_;
};

TempDir* Related::dir_ = nullptr;
std::vector<HandDocument>* Related::documents_ = nullptr;

TEST_P(Related, ACommonDescriptorAddsItsWeightButListsNoDocumentOnItsOwn) {
  const std::vector<HandDocument>& documents = *documents_;
  const std::size_t n = documents.size();
  std::map<std::string, std::size_t> df;
  for (const HandDocument& d : documents) {
    for (const std::string& v : d.facets[Facet::Descriptor]) ++df[v];
  }
  const std::size_t most = std::max<std::size_t>(n / kRelatedCommonShare, kRelatedCommonFloor);
  ASSERT_GT(df["dsc-common"], most);  // the library exercises the rule
  ASSERT_LE(df["dsc-mid"], most);
  ASSERT_GT(df["dsc-mid"], n / 10);  // more than a tenth, below the floor: not common
  const std::vector<std::string>& given = documents[0].facets[Facet::Descriptor];
  std::map<std::string, double> weight;      // of every document sharing a descriptor
  std::map<std::string, std::size_t> langs;  // of the expected list
  std::set<std::string> expected;
  for (std::size_t i = 1; i < n; ++i) {
    bool listed = false;
    for (const std::string& v : documents[i].facets[Facet::Descriptor]) {
      if (std::find(given.begin(), given.end(), v) == given.end()) continue;
      weight[documents[i].id] += std::log(1.0 + static_cast<double>(n) / static_cast<double>(df[v]));
      listed = listed || df[v] <= most;
    }
    if (!listed) continue;
    expected.insert(documents[i].id);
    ++langs[documents[i].facets[Facet::Lang][0]];
  }
  const Searcher searcher(*dir_ / "db", /*facet_table=*/GetParam());
  std::set<std::string> seen;
  double previous = INFINITY;
  std::size_t sharing_common = 0;
  for (std::size_t offset = 0;; offset += kMaxLimit) {
    SearchRequest request;
    request.related = documents[0].id;
    request.offset = offset;
    request.limit = kMaxLimit;
    const SearchResponse response = searcher.search(request);
    ASSERT_EQ(response.total, expected.size());
    ASSERT_TRUE(response.facets_exact);
    if (offset == 0) {
      std::map<std::string, std::size_t> counted;
      for (const FacetCount& c : facet_of(response, Facet::Lang)) counted[c.value] = c.count;
      EXPECT_EQ(counted, langs);
    }
    for (const Hit& hit : response.hits) {
      const std::string& id = hit.stored.id;
      EXPECT_TRUE(expected.count(id)) << id << " shares only the common descriptor";
      EXPECT_TRUE(seen.insert(id).second) << id;
      EXPECT_LE(weight[id], previous + 1e-9) << id << " ranks after a document of less weight";
      previous = weight[id];
      const std::vector<std::string>& mine = hit.facets[Facet::Descriptor];
      sharing_common += std::find(mine.begin(), mine.end(), "dsc-common") != mine.end();
    }
    if (response.hits.size() < kMaxLimit) break;
  }
  EXPECT_EQ(seen, expected);
  EXPECT_GT(sharing_common, 0u);  // the common descriptor's weight orders some of them
}

INSTANTIATE_TEST_SUITE_P(Counters, Related, ::testing::Bool(), [](const ::testing::TestParamInfo<bool>& param) {
  return param.param ? std::string("FacetTable") : std::string("SlotPerDocument");
});

// --related close in text, on a library without descriptors: the given fiche (fic-000) has 10 title words (wdf 4
// each, kRelatedMinWdf and more) that about 100 other fiches have, and 30 body words once each (wdf 1) that one other
// fiche has; fic-300 has 5 body words only, each in one other fiche. The oracle: which fiches hold which words. Only
// fic-000's title words choose its related fiches, although Xapian's ESet over all its words prefers the rare body
// words; a fiche with fewer than kRelatedTerms such words (fic-300) is related by all its words.
class RelatedText : public ::testing::TestWithParam<bool> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    documents_ = new std::vector<HandDocument>();
    for (std::size_t i = 0; i < 310; ++i) {
      HandDocument d;
      d.id = "fic-" + std::string(i < 10 ? "00" : i < 100 ? "0" : "") + std::to_string(i);
      d.facets[Facet::DocType] = {"fiche"};
      d.facets[Facet::Lang] = {"en"};
      std::string body;
      for (int k = 0; k < 15; ++k) body += "filler text ";  // every fiche: their lengths are alike
      if (i == 0) {
        for (std::size_t w = 0; w < 10; ++w) d.title += title_word(w) + " ";
        for (std::size_t w = 0; w < 30; ++w) body += " " + body_word(w);
      } else if (i < 200) {
        for (std::size_t k = 0; k < 5; ++k) body += " " + title_word((i + 2 * k) % 10);
      } else if (i < 230) {
        body += " " + body_word(i - 200);
      } else if (i == 300) {
        for (std::size_t w = 0; w < 5; ++w) body += " " + short_word(w);
      } else if (i > 300 && i <= 305) {
        body += " " + short_word(i - 301);
      }
      d.body = body;
      documents_->push_back(std::move(d));
    }
    write_hand_database(*dir_ / "db", *documents_, {});
  }
  static void TearDownTestSuite() {
    delete documents_;
    delete dir_;
  }
  static std::string title_word(std::size_t n) { return std::string("tiword") + static_cast<char>('a' + n); }
  static std::string body_word(std::size_t n) {
    return std::string("bodyword") + static_cast<char>('a' + n / 26) + static_cast<char>('a' + n % 26);
  }
  static std::string short_word(std::size_t n) { return std::string("shortword") + static_cast<char>('a' + n); }
  // The ids of the fiches whose title or body holds one of `words`, but `self`.
  static std::set<std::string> holding(const std::vector<std::string>& words, const std::string& self) {
    std::set<std::string> out;
    for (const HandDocument& d : *documents_) {
      if (d.id == self) continue;
      std::istringstream text(d.title + " " + d.body);
      for (std::string w; text >> w;) {
        if (std::find(words.begin(), words.end(), w) != words.end()) out.insert(d.id);
      }
    }
    return out;
  }
  std::set<std::string> related(const std::string& id) const {
    const Searcher searcher(*dir_ / "db", /*facet_table=*/GetParam());
    std::set<std::string> out;
    for (std::size_t offset = 0;; offset += kMaxLimit) {
      SearchRequest request;
      request.related = id;
      request.offset = offset;
      request.limit = kMaxLimit;
      const SearchResponse response = searcher.search(request);
      for (const Hit& hit : response.hits) out.insert(hit.stored.id);
      if (response.hits.size() < kMaxLimit) return out;
    }
  }
  static TempDir* dir_;
  static std::vector<HandDocument>* documents_;
};

TempDir* RelatedText::dir_ = nullptr;
std::vector<HandDocument>* RelatedText::documents_ = nullptr;

TEST_P(RelatedText, TheTermsAreChosenAmongTheWordsOfWeightTwoOrMore) {
  std::vector<std::string> title_words;
  for (std::size_t w = 0; w < 10; ++w) title_words.push_back(title_word(w));
  ASSERT_EQ(title_words.size(), kRelatedTerms);
  {
    // The library exercises the rule: over all its words, Xapian's ESet would take body words.
    const Xapian::Database db(*dir_ / "db");
    Xapian::RSet rset;
    rset.add_document(*db.postlist_begin(schema::id_term("fic-000")));
    struct Words : Xapian::ExpandDecider {
      bool operator()(const std::string& t) const override {
        return t.rfind("bodyword", 0) == 0 || t.rfind("tiword", 0) == 0;
      }
    } words;
    const Xapian::ESet all = Xapian::Enquire(db).get_eset(kRelatedTerms, rset, &words);
    ASSERT_TRUE(std::any_of(all.begin(), all.end(), [](const std::string& t) { return t.rfind("bodyword", 0) == 0; }));
  }
  const std::set<std::string> expected = holding(title_words, "fic-000");
  ASSERT_EQ(expected.size(), 199u);
  EXPECT_EQ(related("fic-000"), expected);
}

TEST_P(RelatedText, AFicheWithFewWordsOfWeightTwoIsRelatedByAllItsWords) {
  std::vector<std::string> words;
  for (std::size_t w = 0; w < 5; ++w) words.push_back(short_word(w));
  const std::set<std::string> expected = holding(words, "fic-300");
  ASSERT_EQ(expected.size(), 5u);
  EXPECT_EQ(related("fic-300"), expected);
}

INSTANTIATE_TEST_SUITE_P(Counters, RelatedText, ::testing::Bool(), [](const ::testing::TestParamInfo<bool>& param) {
  return param.param ? std::string("FacetTable") : std::string("SlotPerDocument");
});

// ---------------------------------------------------------------------------------------------------------------
// The differential test of version 2: a few hundred random documents with every facet (the place facet with its
// ancestors), labels and label words, and random requests (query words, query-language and --filter filters on every
// facet, year ranges, a language, a facet limit). The expected answer is computed by brute force from the documents
// alone: which documents match (their words, and their descriptors' and places' label words), the multi-select counts
// of every facet, what is selected and shown, the labels, and the year ranges.

// Query words with distinct first letters: no two share a stem in any language, and none is a function word.
const std::vector<std::string> kWords = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "kilo", "mike"};

struct Place {
  std::string id;
  std::string parent;  // empty for a continent
};

struct RandomLibrary {
  std::vector<HandDocument> documents;
  HandLabels labels;
  std::vector<Place> places;
  std::map<std::string, std::set<std::string>> words;  // document id -> words of its text and its labels
};

std::string numbered(const std::string& prefix, std::size_t n) {
  std::string digits = std::to_string(n);
  return prefix + std::string(3 - std::min<std::size_t>(3, digits.size()), '0') + digits;
}

RandomLibrary random_library(std::mt19937& rng, std::size_t count) {
  RandomLibrary library;
  auto below = [&rng](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  // Places: 3 continents, 3 countries each, 2 regions in some countries, cities under countries and regions.
  for (std::size_t c = 0; c < 3; ++c) {
    const std::string continent = numbered("plc-continent-", c);
    library.places.push_back({continent, ""});
    for (std::size_t k = 0; k < 3; ++k) {
      const std::string country = numbered("plc-country-", c * 3 + k);
      library.places.push_back({country, continent});
      std::vector<std::string> parents = {country};
      if (k != 1) {
        for (std::size_t r = 0; r < 2; ++r) {
          parents.push_back(numbered("plc-region-", (c * 3 + k) * 2 + r));
          library.places.push_back({parents.back(), country});
        }
      }
      for (std::size_t t = 0; t < 4; ++t)
        library.places.push_back({numbered("plc-city-", (c * 3 + k) * 4 + t), parents[t % parents.size()]});
    }
  }
  const auto ancestors_of = [&library](std::string id) {
    std::set<std::string> out;
    while (!id.empty()) {
      out.insert(id);
      const auto place =
          std::find_if(library.places.begin(), library.places.end(), [&id](const Place& p) { return p.id == id; });
      id = place->parent;
    }
    return out;
  };
  // Labels: most values have some, in some languages; descriptors' and places' labels are query words.
  const auto random_labels = [&](bool words) {
    schema::Labels labels;
    for (std::string& label : labels) {
      if (below(10) < 6)
        label = words ? kWords[below(kWords.size())] + " " + kWords[below(kWords.size())]
                      : "Name " + std::to_string(below(1000));
    }
    return labels;
  };
  for (std::size_t i = 0; i < 300; ++i) {
    if (below(10) < 8) library.labels[{Facet::Descriptor, numbered("dsc-", i)}] = random_labels(true);
  }
  for (const Place& place : library.places) {
    if (below(10) < 8) library.labels[{Facet::Place, place.id}] = random_labels(true);
  }
  for (std::size_t i = 0; i < 60; ++i) library.labels[{Facet::Author, numbered("per-", i)}] = random_labels(false);
  for (std::size_t i = 0; i < 15; ++i) library.labels[{Facet::Dossier, numbered("dos-", i)}] = random_labels(false);
  for (std::size_t i = 0; i < 80; ++i) {
    if (below(10) < 9) library.labels[{Facet::Partner, numbered("org-", i)}] = random_labels(false);
  }

  for (std::size_t n = 0; n < count; ++n) {
    HandDocument d;
    d.id = numbered("doc-", n);
    d.type = schema::kDocTypes[below(schema::kDocTypes.size())];
    d.lang = schema::kLangs[below(schema::kLangs.size())];
    std::set<std::string>& words = library.words[d.id];
    for (std::size_t w = 0, k = 1 + below(3); w < k; ++w) {
      const std::string& word = kWords[below(kWords.size())];
      d.title += (d.title.empty() ? "" : " ") + word;
      words.insert(word);
    }
    auto some = [&](std::size_t most, auto value) {
      std::set<std::string> out;
      for (std::size_t k = below(most + 1); k > 0; --k) out.insert(value());
      return out;
    };
    std::set<std::string> years;
    if (below(5) > 0) {
      const int first = 1995 + static_cast<int>(below(30));
      for (int y = first, last = first + static_cast<int>(below(4)); y <= last; ++y) years.insert(std::to_string(y));
      if (below(4) == 0) years.insert(std::to_string(1995 + below(30)));
    }
    d.facets[Facet::Year] = sorted_values(years);
    d.facets[Facet::DocType] = {std::string(schema::name_of(d.type))};
    d.facets[Facet::Lang] = {std::string(schema::code_of(d.lang))};
    d.facets[Facet::ProjectType] = sorted_values(some(2, [&] { return std::string(schema::kProjectTypes[below(3)]); }));
    d.facets[Facet::OrganisationKind] =
        sorted_values(some(3, [&] { return std::string(schema::kOrganisationKinds[below(12)]); }));
    if (d.type == schema::DocType::Fiche) d.facets[Facet::FicheType] = {std::string(schema::kFicheTypes[below(6)])};
    // Descriptors: a few common, most rare.
    for (const std::string& id : some(5, [&] { return numbered("dsc-", below(4) == 0 ? below(10) : below(300)); })) {
      d.descriptors.push_back(id);
    }
    std::shuffle(d.descriptors.begin(), d.descriptors.end(), rng);  // stored in the export's order
    d.facets[Facet::Descriptor] = sorted_values({d.descriptors.begin(), d.descriptors.end()});
    std::set<std::string> place_facet;
    for (const std::string& id : some(2, [&] { return library.places[below(library.places.size())].id; })) {
      d.places.push_back(id);
      for (const std::string& a : ancestors_of(id)) place_facet.insert(a);
    }
    d.facets[Facet::Place] = sorted_values(place_facet);
    d.facets[Facet::Author] = sorted_values(some(3, [&] { return numbered("per-", below(60)); }));
    const std::set<std::string> dossiers = some(2, [&] { return numbered("dos-", below(15)); });
    d.dossiers = {dossiers.begin(), dossiers.end()};
    d.facets[Facet::Dossier] = sorted_values(dossiers);
    d.facets[Facet::Partner] = sorted_values(some(4, [&] { return numbered("org-", below(80)); }));
    // Most documents of two sites, as in a stub combining two sites' databases.
    if (below(4) > 0) d.facets[Facet::Site] = {below(3) ? "site-a" : "site-b"};
    for (const auto& [facet, ids] :
         {std::pair{Facet::Descriptor, &d.descriptors}, std::pair{Facet::Place, &d.places}}) {
      for (const std::string& id : *ids) {
        const auto found = library.labels.find({facet, id});
        if (found == library.labels.end()) continue;
        for (const std::string& label : found->second) {
          for (const std::string& word : kWords) {
            if ((" " + label + " ").find(" " + word + " ") != std::string::npos) words.insert(word);
          }
        }
      }
    }
    library.documents.push_back(std::move(d));
  }
  return library;
}

// The label of a value: in `first`, else `second`, else fr, en, es, pt; empty without one.
std::string expected_label(const HandLabels& labels, Facet facet, const std::string& value,
                           std::optional<schema::Lang> first, std::optional<schema::Lang> second) {
  const auto found = labels.find({facet, value});
  if (found == labels.end() || schema::spec_of(facet).labels == schema::LabelSource::None) return "";
  const schema::Labels& l = found->second;
  for (const auto lang : {first, second}) {
    if (lang && !l[static_cast<std::size_t>(*lang)].empty()) return l[static_cast<std::size_t>(*lang)];
  }
  for (const std::string& label : l) {
    if (!label.empty()) return label;
  }
  return "";
}

// One --filter as the oracle sees it: the values it lets through (years as numbers), what it selects, and whether it
// gives a warning.
struct RandomFilter {
  Facet facet;
  std::string spec;                // as given to --filter
  std::set<std::string> allows;    // facet values that pass (years: none, see `years`)
  std::optional<YearRange> years;  // year filters
  std::string listed;              // a value listed even with no count ("" for year ranges)
  bool warns = false;
};

std::string random_case(std::mt19937& rng, std::string text) {
  for (char& c : text) {
    if (rng() % 3 == 0) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return text;
}

RandomFilter random_v2_filter(std::mt19937& rng, const RandomLibrary& library) {
  const auto below = [&rng](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  const schema::FacetSpec& spec = schema::kFacets[below(schema::kFacets.size())];
  const std::string name(below(2) && !spec.short_name.empty() ? spec.short_name : spec.name);
  if (spec.rule == schema::ValueRule::Year) {
    const int first = 1993 + static_cast<int>(below(34));
    const int last = first + static_cast<int>(below(6));
    switch (below(5)) {
      case 0:
        return {spec.facet, "year=" + std::to_string(first), {}, YearRange{first, first}, std::to_string(first)};
      case 1:
        return {spec.facet, "year=.." + std::to_string(first), {}, YearRange{schema::kMinYear, first}, ""};
      case 2:
        return {spec.facet, "year=" + std::to_string(first) + "..", {}, YearRange{first, schema::kMaxYear}, ""};
      case 3:
        return {spec.facet, "year=19x5", {}, kNoYears, "", true};
      default:
        return {spec.facet,
                "year=" + std::to_string(first) + ".." + std::to_string(last),
                {},
                YearRange{first, last},
                first == last ? std::to_string(first) : ""};
    }
  }
  std::string value;
  if (spec.rule == schema::ValueRule::Vocabulary) {
    if (below(8) == 0) return {spec.facet, name + "=Webinar", {}, std::nullopt, "Webinar", true};  // kept as written
    value = std::string(spec.vocabulary[below(spec.vocabulary.size())]);
  } else if (below(10) == 0) {
    value = numbered("dsc-unknown-", below(5));  // an id no document has: no warning
  } else {
    // A value some document has.
    const HandDocument& d = library.documents[below(library.documents.size())];
    const std::vector<std::string>& values = d.facets[spec.facet];
    value = values.empty() ? std::string("none-") + std::string(spec.name) : values[below(values.size())];
  }
  return {spec.facet, name + "=" + random_case(rng, value), {value}, std::nullopt, value};
}

bool passes(const HandDocument& d, const std::vector<RandomFilter>& filters) {
  return std::any_of(filters.begin(), filters.end(), [&d](const RandomFilter& f) {
    const std::vector<std::string>& values = d.facets[f.facet];
    if (f.years) {
      return std::any_of(values.begin(), values.end(), [&f](const std::string& y) {
        return std::stoi(y) >= f.years->first && std::stoi(y) <= f.years->last;
      });
    }
    return std::any_of(values.begin(), values.end(), [&f](const std::string& v) { return f.allows.count(v) > 0; });
  });
}

// A random query, with the documents it matches (before the --filter filters).
struct RandomQuery {
  std::string text;
  DefaultOperator op = DefaultOperator::Or;
  std::function<bool(const HandDocument&, const std::set<std::string>&)> matches;
};

RandomQuery random_query(std::mt19937& rng, const RandomLibrary& library) {
  const auto below = [&rng](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  const std::string a = kWords[below(kWords.size())];
  const std::string b = kWords[below(kWords.size())];
  switch (below(7)) {
    case 0:
      return {"", DefaultOperator::Or, [](const HandDocument&, const std::set<std::string>&) { return true; }};
    case 1:
      return {a, DefaultOperator::Or,
              [a](const HandDocument&, const std::set<std::string>& w) { return w.count(a) > 0; }};
    case 2:
      return {a + " OR " + b, DefaultOperator::Or,
              [a, b](const HandDocument&, const std::set<std::string>& w) { return w.count(a) || w.count(b); }};
    case 3:
      return {a + " " + b, DefaultOperator::And,
              [a, b](const HandDocument&, const std::set<std::string>& w) { return w.count(a) && w.count(b); }};
    case 4:
      if (a == b) break;
      return {a + " -" + b, DefaultOperator::Or,
              [a, b](const HandDocument&, const std::set<std::string>& w) { return w.count(a) && !w.count(b); }};
    case 5: {
      // A word and a filter of the query language on an id facet, typed in any case: part of the match, so it
      // restricts every facet's counts.
      const Facet facet =
          std::array{Facet::Place, Facet::Descriptor, Facet::Author, Facet::Dossier, Facet::Partner}[below(5)];
      const HandDocument& d = library.documents[below(library.documents.size())];
      const std::vector<std::string>& values = d.facets[facet];
      if (values.empty()) break;
      const std::string value = values[below(values.size())];
      const schema::FacetSpec& spec = schema::spec_of(facet);
      const std::string prefix(!spec.short_name.empty() && (below(2) || facet == Facet::Author) ? spec.short_name
                                                                                                : spec.name);
      return {a + " " + prefix + ":" + random_case(rng, value), DefaultOperator::Or,
              [a, facet, value](const HandDocument& doc, const std::set<std::string>& w) {
                const std::vector<std::string>& v = doc.facets[facet];
                return w.count(a) && std::find(v.begin(), v.end(), value) != v.end();
              }};
    }
    default:
      break;
  }
  return {a, DefaultOperator::Or, [a](const HandDocument&, const std::set<std::string>& w) { return w.count(a) > 0; }};
}

// value -> (count, selected, label) as shown.
using ShownCounts = std::map<std::string, std::tuple<Xapian::doccount, bool, std::string>>;

class RandomLibraryDifferential : public ::testing::TestWithParam<bool> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    std::mt19937 rng(20261204);
    library_ = new RandomLibrary(random_library(rng, 400));
    write_hand_database(*dir_ / "db", library_->documents, library_->labels, /*label_words=*/true);
  }
  static void TearDownTestSuite() {
    delete library_;
    delete dir_;
  }
  static TempDir* dir_;
  static RandomLibrary* library_;
};

TempDir* RandomLibraryDifferential::dir_ = nullptr;
RandomLibrary* RandomLibraryDifferential::library_ = nullptr;

TEST_P(RandomLibraryDifferential, EveryFacetRangeLabelAndHitEqualsBruteForce) {
  const RandomLibrary& library = *library_;
  const Searcher searcher(*dir_ / "db", /*facet_table=*/GetParam());
  std::mt19937 rng(GetParam() ? 7 : 11);
  const auto below = [&rng](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  std::size_t nonempty_rounds = 0;
  for (int round = 0; round < 300; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const RandomQuery query = random_query(rng, library);
    SearchRequest request;
    request.query = query.text;
    request.default_operator = query.op;
    request.limit = kMaxLimit;
    request.facet_limit = std::array<std::size_t, 4>{0, 0, 3, 1}[below(4)];
    // A language changes stemming, which this oracle does not model: only for a browse.
    if (query.text.empty() && below(2)) request.lang = schema::kLangs[below(4)];
    std::map<Facet, std::vector<RandomFilter>> filters;
    bool warns = false;
    for (std::size_t i = 0, n = below(5); i < n; ++i) {
      RandomFilter f = random_v2_filter(rng, library);
      add_filter(request, f.spec);
      warns = warns || f.warns;
      filters[f.facet].push_back(std::move(f));
    }
    std::vector<YearRange> buckets;
    const bool decades = below(4) == 0;
    if (decades) {
      add_facet_ranges(request, "year=decades");
    } else if (below(2)) {
      std::string spec = "year=";
      for (std::size_t i = 0, n = 1 + below(4); i < n; ++i) {
        const int first = 1990 + static_cast<int>(below(40));
        buckets.push_back({first, first + static_cast<int>(below(8))});
        spec += (i ? "," : "") + std::to_string(buckets.back().first) + ".." + std::to_string(buckets.back().last);
      }
      add_facet_ranges(request, spec);
    }
    SCOPED_TRACE("query \"" + request.query + "\"");

    // Brute force.
    std::vector<const HandDocument*> matched;  // by the query, before the filters
    for (const HandDocument& d : library.documents) {
      if (query.matches(d, library.words.at(d.id))) matched.push_back(&d);
    }
    const auto passes_all_but = [&filters](const HandDocument& d, std::optional<Facet> except) {
      for (const auto& [facet, fs] : filters) {
        if (facet != except && !passes(d, fs)) return false;
      }
      return true;
    };
    std::set<std::string> expected_hits;
    for (const HandDocument* d : matched) {
      if (passes_all_but(*d, std::nullopt)) expected_hits.insert(d->id);
    }
    const SearchResponse response = searcher.search(request);
    ASSERT_EQ(response.total, expected_hits.size());
    ASSERT_TRUE(response.total_exact);
    ASSERT_TRUE(response.facets_exact);
    ASSERT_EQ(response.hits.size(), std::min<std::size_t>(kMaxLimit, expected_hits.size()));
    ASSERT_EQ(!response.warnings.empty(), warns);
    if (!expected_hits.empty()) ++nonempty_rounds;

    for (const schema::FacetSpec& spec : schema::kFacets) {
      const Facet facet = spec.facet;
      // Multi-select: a facet counts the documents that pass every filter but its own.
      std::vector<const HandDocument*> counted;
      for (const HandDocument* d : matched) {
        if (passes_all_but(*d, facet)) counted.push_back(d);
      }
      std::map<std::string, Xapian::doccount> counts;
      for (const HandDocument* d : counted) {
        for (const std::string& v : d->facets[facet]) ++counts[v];
      }
      const auto own = filters.find(facet);
      const auto selected = [&](const std::string& value) {
        if (own == filters.end()) return false;
        return std::any_of(own->second.begin(), own->second.end(), [&value](const RandomFilter& f) {
          if (f.listed == value) return true;
          if (!f.years || f.years->first == f.years->last) return false;
          const int year = std::stoi(value);
          return year >= f.years->first && year <= f.years->last;
        });
      };
      std::vector<std::pair<std::string, Xapian::doccount>> ordered(counts.begin(), counts.end());
      std::sort(ordered.begin(), ordered.end(), [facet](const auto& x, const auto& y) {
        if (facet == Facet::Year) return x.first > y.first;
        return x.second != y.second ? x.second > y.second : x.first < y.first;
      });
      ShownCounts expected;
      for (std::size_t i = 0; i < ordered.size(); ++i) {
        const auto& [value, count] = ordered[i];
        if (request.facet_limit == 0 || i < request.facet_limit || selected(value)) {
          expected[value] = {count, selected(value),
                             expected_label(library.labels, facet, value, request.lang, std::nullopt)};
        }
      }
      if (own != filters.end()) {
        for (const RandomFilter& f : own->second) {
          if (!f.listed.empty() && !expected.count(f.listed)) {
            expected[f.listed] = {0, true, expected_label(library.labels, facet, f.listed, request.lang, std::nullopt)};
          }
        }
      }
      // A facet listed only when the database has a value of it (site) is counted only then.
      const bool listed =
          spec.always_listed || std::any_of(library.documents.begin(), library.documents.end(),
                                            [facet](const HandDocument& d) { return !d.facets[facet].empty(); });
      ASSERT_EQ(response.listed[schema::index_of(facet)], listed) << spec.name;
      if (!listed) expected.clear();
      ShownCounts got;
      for (const FacetCount& c : response.facets[schema::index_of(facet)])
        got[c.value] = {c.count, c.selected, c.label};
      ASSERT_EQ(got, expected) << spec.name;
      ASSERT_EQ(response.facets[schema::index_of(facet)].size(), expected.size()) << spec.name << ": a value twice";

      if (facet != Facet::Year) continue;
      // Year ranges, over the documents the year facet counts: a document once per range holding any of its years.
      std::vector<RangeCount> ranges;
      const auto count_in = [&counted](int first, int last) {
        return static_cast<Xapian::doccount>(std::count_if(counted.begin(), counted.end(), [&](const HandDocument* d) {
          const auto& years = d->facets[Facet::Year];
          return std::any_of(years.begin(), years.end(),
                             [&](const std::string& y) { return std::stoi(y) >= first && std::stoi(y) <= last; });
        }));
      };
      for (const YearRange& b : buckets) {
        ranges.push_back(
            {std::to_string(b.first) + ".." + std::to_string(b.last), b.first, b.last, count_in(b.first, b.last)});
      }
      if (decades && !counts.empty()) {
        const int oldest = std::stoi(counts.begin()->first);
        const int newest = std::stoi(counts.rbegin()->first);
        for (int decade = oldest / 10 * 10; decade <= newest; decade += 10) {
          ranges.push_back({std::to_string(decade) + ".." + std::to_string(decade + 9), decade, decade + 9,
                            count_in(decade, decade + 9)});
        }
      }
      ASSERT_EQ(response.year_ranges, ranges);
    }

    for (const Hit& hit : response.hits) {
      ASSERT_TRUE(expected_hits.count(hit.stored.id)) << hit.stored.id;
      const HandDocument& d = *std::find_if(library.documents.begin(), library.documents.end(),
                                            [&hit](const HandDocument& doc) { return doc.id == hit.stored.id; });
      const auto refs = [&](Facet facet, const std::vector<std::string>& ids) {
        std::vector<LabelledRef> out;
        for (const std::string& id : ids)
          out.push_back({id, expected_label(library.labels, facet, id, request.lang, d.lang)});
        return out;
      };
      ASSERT_EQ(hit.descriptors, refs(Facet::Descriptor, d.descriptors));
      ASSERT_EQ(hit.places, refs(Facet::Place, d.places));
      ASSERT_EQ(hit.dossiers, refs(Facet::Dossier, d.dossiers));
      ASSERT_EQ(hit.facets, d.facets);
    }
  }
  EXPECT_GT(nonempty_rounds, 150u);  // the random requests are not all empty
}

INSTANTIATE_TEST_SUITE_P(Counters, RandomLibraryDifferential, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? std::string("FacetTable") : std::string("SlotPerDocument");
                         });

}  // namespace
}  // namespace citego::test
