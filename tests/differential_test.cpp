// Differential tests: for many random filter combinations over the fixture corpora, the searcher's hits, total and
// facet counts (multi-select counts included) must equal a brute-force computation from the parsed records.
#include <algorithm>
#include <cctype>
#include <map>
#include <random>
#include <set>

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
      for (const auto& [facet, ids] : {std::pair{Facet::Descriptor, &d.descriptors}, std::pair{Facet::Place, &d.places}}) {
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
  for (const auto& [key, value] : labels) db.set_metadata(schema::label_key(key.first, key.second), schema::encode_labels(value));
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
    HandDocument a{"fic-a", schema::DocType::Fiche, schema::Lang::En, "Housing in Lyon", {}, {"dsc-housing", "dsc-none"},
                   {"plc-lyon"}, {"dos-x"}, ""};
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
  EXPECT_EQ(labels_of(facet_of(es, Facet::Place)),
            (std::map<std::string, std::string>{{"plc-europe", "Europa"}, {"plc-fr", "Francia"}, {"plc-lyon", "Lyon"}}));
  EXPECT_EQ(labels_of(facet_of(es, Facet::Author)), (std::map<std::string, std::string>{{"per-marie", "Marie Dupont"}}));
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
    const std::vector<std::pair<std::string, std::vector<std::string>>> docs = {
        {"2014", {"dsc-a", "dsc-b"}}, {"2016", {"dsc-a"}}, {"2016", {"dsc-a", "dsc-c"}}, {"2017", {"dsc-b"}},
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
  EXPECT_EQ(shown(Facet::Year, {"year=..2016"}, 1), (Shown{{"2019", {1, false}}, {"2016", {2, true}}, {"2014", {1, true}}}));
  // A year alone is listed even when no document has it; a year filter that does not parse selects nothing.
  EXPECT_EQ(shown(Facet::Year, {"year=1850", "year=20x6"}, 10),
            (Shown{{"1850", {0, true}}, {"2014", {1, false}}, {"2016", {2, false}}, {"2017", {1, false}},
                   {"2019", {1, false}}}));
  // The other facets' filters count: years of the documents with dsc-b.
  EXPECT_EQ(shown(Facet::Year, {"year=2017", "descriptor=dsc-b"}, 10), (Shown{{"2014", {1, false}}, {"2017", {1, true}}}));
}

INSTANTIATE_TEST_SUITE_P(Counters, Selected, ::testing::Bool(), [](const ::testing::TestParamInfo<bool>& param) {
  return param.param ? std::string("FacetTable") : std::string("SlotPerDocument");
});

class YearRanges : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    const std::vector<std::pair<std::vector<std::string>, std::string>> docs = {
        {{"2014"}, "dsc-a"}, {{"2016", "2017"}, "dsc-a"}, {{"2016"}, "dsc-b"}, {{"2009", "2021"}, "dsc-a"}, {{}, "dsc-a"}};
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
  EXPECT_EQ(ranges("year=decades"), (std::vector<RangeCount>{{"2000..2009", 2000, 2009, 1},
                                                               {"2010..2019", 2010, 2019, 3},
                                                               {"2020..2029", 2020, 2029, 1}}));
  EXPECT_EQ(ranges("year=decades", {"descriptor=dsc-b"}), (std::vector<RangeCount>{{"2010..2019", 2010, 2019, 1}}));
  EXPECT_TRUE(ranges("year=decades", {"descriptor=dsc-none"}).empty());
  EXPECT_EQ(ranges("year=1990..1999", {"descriptor=dsc-none"}), (std::vector<RangeCount>{{"1990..1999", 1990, 1999, 0}}));
}

TEST_P(YearRanges, WithAYearFilterTheyAreCountedWithTheOtherFacetsFiltersOnly) {
  // Like the year facet's own counts: the year filter is left out, the descriptor filter kept.
  EXPECT_EQ(ranges("year=2010..2014,2015..2019", {"year=2014"}),
            (std::vector<RangeCount>{{"2010..2014", 2010, 2014, 1}, {"2015..2019", 2015, 2019, 2}}));
  EXPECT_EQ(ranges("year=decades", {"year=2014", "descriptor=dsc-a"}),
            (std::vector<RangeCount>{{"2000..2009", 2000, 2009, 1},
                                     {"2010..2019", 2010, 2019, 2},
                                     {"2020..2029", 2020, 2029, 1}}));
}

INSTANTIATE_TEST_SUITE_P(Counters, YearRanges, ::testing::Bool(), [](const ::testing::TestParamInfo<bool>& param) {
  return param.param ? std::string("FacetTable") : std::string("SlotPerDocument");
});

// Label words: a query word finds the documents indexed with a descriptor or place whose label has it, below the
// documents with the word in their text.
class LabelWords : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    auto fiche = [](std::string id, std::string title, std::vector<std::string> descriptors, std::vector<std::string> places,
                    std::vector<std::string> place_facet) {
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
        fiche("fic-none", "Cooperatives of Dakar", {"dsc-commons"}, {"plc-dakar"}, {"plc-africa", "plc-dakar", "plc-sn"}),
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

}  // namespace
}  // namespace citego::test
