// citego::ReferenceGraph: duplicate ids, reference checks, docids and facets derived through references.
#include "citego/reference_graph.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace {

using citego::Diagnostic;
using citego::ExportRecord;
using citego::Reference;
using citego::ReferenceGraph;
using citego::SourceLocation;
using citego::schema::DocType;
using citego::schema::Facet;
using citego::schema::FacetValues;
using citego::schema::Lang;

const std::string kFile = "g.xml";

// References written one per line after the document's line, as <participant> or <link> elements at column 7.
std::vector<Reference> references(int line, const std::vector<std::string>& ids) {
  std::vector<Reference> refs;
  for (const std::string& id : ids) refs.push_back(Reference{id, "", SourceLocation{kFile, ++line, 7}});
  return refs;
}

ExportRecord organisation(const std::string& id, const std::string& kind, Lang lang = Lang::Fr, int line = 2) {
  ExportRecord r;
  r.doc_type = DocType::Organisation;
  r.id = id;
  r.lang = lang;
  r.where = SourceLocation{kFile, line, 3};
  r.title = "Organisation " + id;
  r.kind = kind;
  return r;
}

ExportRecord project(const std::string& id, const std::string& type, int start, std::optional<int> end,
                     const std::vector<std::string>& participants, int line = 2) {
  ExportRecord r;
  r.doc_type = DocType::Project;
  r.id = id;
  r.lang = Lang::Fr;
  r.where = SourceLocation{kFile, line, 3};
  r.title = "Project " + id;
  r.project_type = type;
  r.start_year = start;
  r.end_year = end;
  r.participants = references(line, participants);
  return r;
}

ExportRecord resource(const std::string& id, std::optional<int> year, const std::vector<std::string>& links,
                      Lang lang = Lang::En, int line = 2) {
  ExportRecord r;
  r.doc_type = DocType::Resource;
  r.id = id;
  r.lang = lang;
  r.where = SourceLocation{kFile, line, 3};
  r.title = "Resource " + id;
  r.year = year;
  r.links = references(line, links);
  return r;
}

FacetValues facets(std::vector<std::string> years, std::vector<std::string> types, std::vector<std::string> kinds,
                   const std::string& doc_type, const std::string& lang, std::vector<std::string> partners = {}) {
  FacetValues f;
  f[Facet::Partner] = std::move(partners);
  f[Facet::Year] = std::move(years);
  f[Facet::ProjectType] = std::move(types);
  f[Facet::OrganisationKind] = std::move(kinds);
  f[Facet::DocType] = {doc_type};
  f[Facet::Lang] = {lang};
  return f;
}

}  // namespace

namespace citego::schema {
// Facet values as "name: a, b; …" in failure messages.
void PrintTo(const FacetValues& values, std::ostream* os) {
  for (const FacetSpec& spec : kFacets) {
    if (values[spec.facet].empty()) continue;
    *os << spec.name << ":";
    for (const std::string& v : values[spec.facet]) *os << " " << v;
    *os << "; ";
  }
}
}  // namespace citego::schema

namespace {

std::vector<std::string> messages_of(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> messages;
  for (const Diagnostic& d : diagnostics) messages.push_back(citego::to_string(d));
  return messages;
}

void add_all(ReferenceGraph& graph, const std::vector<ExportRecord>& records) {
  for (const ExportRecord& r : records) ASSERT_EQ(graph.add(r), std::nullopt) << r.id;
}

TEST(ReferenceGraph, ReportsADuplicateIdAndKeepsTheFirst) {
  ReferenceGraph graph;
  ExportRecord first = organisation("org-a", "media");
  first.where = SourceLocation{"a.xml", 2, 3};
  ExportRecord second = organisation("org-a", "foundation");
  second.where = SourceLocation{"b.xml", 5, 3};
  EXPECT_EQ(graph.add(first), std::nullopt);
  const std::optional<Diagnostic> duplicate = graph.add(second);
  ASSERT_TRUE(duplicate.has_value());
  EXPECT_EQ(citego::to_string(*duplicate), "b.xml:5:3: error: duplicate id \"org-a\" (first defined at a.xml:2:3)");
  EXPECT_EQ(graph.size(), 1u);
  EXPECT_TRUE(graph.check_references().empty());
  EXPECT_EQ(graph.facets_of("org-a"), facets({}, {}, {"media"}, "organisation", "fr", {"org-a"}));
}

TEST(ReferenceGraph, ReportsBadReferencesInTheOrderDocumentsWereAdded) {
  ReferenceGraph graph;
  add_all(graph, {
                     project("prj-a", "mooc", 2015, std::nullopt, {"org-missing", "prj-b", "org-a"}, 10),
                     resource("res-a", 2016, {"prj-missing", "res-b", "org-a", "prj-b"}, Lang::En, 20),
                     organisation("org-a", "media"),
                     project("prj-b", "dossier", 2016, 2017, {"org-a"}, 30),
                     resource("res-b", std::nullopt, {}),
                 });
  EXPECT_EQ(messages_of(graph.check_references()),
            (std::vector<std::string>{
                "g.xml:11:7: error: <project> \"prj-a\" refers to unknown organisation \"org-missing\"",
                "g.xml:12:7: error: <project> \"prj-a\" has participant \"prj-b\", which is a project, not an "
                "organisation",
                "g.xml:21:7: error: <resource> \"res-a\" links to unknown document \"prj-missing\"",
                "g.xml:22:7: error: <resource> \"res-a\" links to \"res-b\", which is a resource (links name projects "
                "or organisations)",
            }));
}

// A small graph: two organisations in two projects, one organisation in none, and resources linking to them.
class DerivedFacets : public ::testing::Test {
 protected:
  void SetUp() override {
    add_all(graph_, {
                        organisation("org-uni", "higher-education", Lang::Es),
                        organisation("org-net", "elected-officials-network", Lang::Fr),
                        organisation("org-lonely", "media", Lang::Pt),
                        project("prj-mooc", "mooc", 2015, 2017, {"org-uni", "org-net"}),
                        project("prj-dossier", "dossier", 2014, std::nullopt, {"org-net", "org-net"}),
                        resource("res-prj", 2020, {"prj-mooc"}, Lang::Pt),
                        resource("res-org", std::nullopt, {"org-uni"}, Lang::En),
                        resource("res-both", 2019, {"prj-dossier", "org-lonely"}, Lang::Fr),
                    });
    ASSERT_TRUE(graph_.check_references().empty());
  }
  ReferenceGraph graph_;
};

TEST_F(DerivedFacets, OrganisationTakesYearsAndTypesFromItsProjects) {
  EXPECT_EQ(graph_.facets_of("org-net"), facets({"2014", "2015", "2016", "2017"}, {"dossier", "mooc"},
                                                {"elected-officials-network"}, "organisation", "fr", {"org-net"}));
  EXPECT_EQ(graph_.facets_of("org-uni"),
            facets({"2015", "2016", "2017"}, {"mooc"}, {"higher-education"}, "organisation", "es", {"org-uni"}));
  EXPECT_EQ(graph_.facets_of("org-lonely"), facets({}, {}, {"media"}, "organisation", "pt", {"org-lonely"}));
}

TEST_F(DerivedFacets, ProjectTakesEveryYearOfItsPeriodAndTheKindsOfItsParticipants) {
  EXPECT_EQ(graph_.facets_of("prj-mooc"),
            facets({"2015", "2016", "2017"}, {"mooc"}, {"elected-officials-network", "higher-education"}, "project",
                   "fr", {"org-net", "org-uni"}));
  EXPECT_EQ(graph_.facets_of("prj-dossier"),
            facets({"2014"}, {"dossier"}, {"elected-officials-network"}, "project", "fr", {"org-net"}));
}

TEST_F(DerivedFacets, ResourceTakesTypesAndKindsThroughItsLinks) {
  // Through a project: its type and its participants' kinds; the years stay the resource's own.
  EXPECT_EQ(graph_.facets_of("res-prj"), facets({"2020"}, {"mooc"}, {"elected-officials-network", "higher-education"},
                                                "resource", "pt", {"org-net", "org-uni"}));
  // Through an organisation: its kind only, and the organisation as a partner.
  EXPECT_EQ(graph_.facets_of("res-org"), facets({}, {}, {"higher-education"}, "resource", "en", {"org-uni"}));
  EXPECT_EQ(graph_.facets_of("res-both"), facets({"2019"}, {"dossier"}, {"elected-officials-network", "media"},
                                                 "resource", "fr", {"org-lonely", "org-net"}));
}

// A build frees where the references were read once its checks pass: what the writers read of the graph is unchanged,
// and a check after it is a programming error.
TEST_F(DerivedFacets, ForgettingWhereReferencesWereReadKeepsEveryFacetAndForbidsAnotherCheck) {
  const std::vector<std::string> ids = {"org-uni",     "org-net", "org-lonely", "prj-mooc",
                                        "prj-dossier", "res-prj", "res-org",    "res-both"};
  std::vector<FacetValues> before;
  for (const std::string& id : ids) before.push_back(graph_.facets_of(id));
  graph_.forget_reference_locations();
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(graph_.facets_of(ids[i]), before[i]) << ids[i];
  EXPECT_THROW(graph_.check_references(), std::logic_error);
  EXPECT_THROW(graph_.add(resource("res-late", 2021, {"prj-mooc"})), std::logic_error);
}

TEST(ReferenceGraph, AssignsDocidsInTheOrderDocumentsAreAdded) {
  ReferenceGraph graph;
  add_all(graph, {
                     resource("res-b", std::nullopt, {}),
                     organisation("org-9", "media"),
                     project("prj-a", "mooc", 2015, std::nullopt, {"org-9"}),
                     organisation("org-10", "media"),
                 });
  const std::vector<std::pair<std::string, Xapian::docid>> expected = {
      {"res-b", 1}, {"org-9", 2}, {"prj-a", 3}, {"org-10", 4}};
  for (const auto& [id, docid] : expected) EXPECT_EQ(graph.docid_of(id), docid) << id;
  EXPECT_THROW(graph.docid_of("org-unknown"), std::logic_error);
  EXPECT_EQ(graph.size(), 4u);
  EXPECT_EQ(graph.count(DocType::Organisation), 2u);
  EXPECT_EQ(graph.count(DocType::Project), 1u);
  EXPECT_EQ(graph.count(DocType::Resource), 1u);
}

TEST(ReferenceGraph, DerivesFacetsAcrossTheMultilingualFixtures) {
  ReferenceGraph graph;
  for (const char* file : {"governance-en-es.xml", "territoires-fr-pt.xml"}) {
    const citego::ParsedExport parsed =
        citego::read_export_file(std::string(CITEGO_SOURCE_DIR) + "/corpus/fixtures/multilingual/" + file);
    ASSERT_TRUE(parsed.errors.empty()) << file;
    add_all(graph, parsed.records);
  }
  EXPECT_EQ(messages_of(graph.check_references()), std::vector<std::string>{});
  EXPECT_EQ(graph.facets_of("org-fx-reseau-territoires"),
            facets({"2014", "2015", "2016", "2017", "2018", "2019"}, {"dossier", "mooc"}, {"elected-officials-network"},
                   "organisation", "fr", {"org-fx-reseau-territoires"}));
  EXPECT_EQ(graph.facets_of("res-fx-orcamento-participativo"),
            facets({"2020"}, {"mooc"}, {"elected-officials-network", "higher-education"}, "resource", "pt",
                   {"org-fx-reseau-territoires", "org-fx-universidad-gestion"}));
  EXPECT_EQ(graph.facets_of("res-fx-participatory-budget"),
            facets({"2016"}, {"showcase"}, {"research-centre"}, "resource", "en", {"org-fx-instituto-governanca"}));
  EXPECT_EQ(graph.facets_of("res-fx-democracia-participativa"), facets({}, {}, {}, "resource", "es"));
}

// ---------------------------------------------------------------------------------------------------------------
// Version 2: the thesauri, dossiers and fiches.

citego::ThesaurusEntry person(const std::string& id, const std::string& name, std::optional<std::string> affiliation,
                              int line = 2) {
  citego::ThesaurusEntry e;
  e.kind = citego::ThesaurusKind::Person;
  e.id = id;
  e.where = SourceLocation{kFile, line, 3};
  e.name = name;
  if (affiliation) e.affiliation = Reference{*affiliation, "", SourceLocation{kFile, line + 1, 5}};
  return e;
}

citego::ThesaurusEntry descriptor(const std::string& id, citego::schema::Labels labels,
                                  const std::vector<std::string>& related = {}, int line = 2) {
  citego::ThesaurusEntry e;
  e.kind = citego::ThesaurusKind::Descriptor;
  e.id = id;
  e.where = SourceLocation{kFile, line, 3};
  e.labels = std::move(labels);
  e.related = references(line, related);
  return e;
}

citego::ThesaurusEntry place(const std::string& id, const std::string& level, std::optional<std::string> parent,
                             citego::schema::Labels labels, int line = 2) {
  citego::ThesaurusEntry e;
  e.kind = citego::ThesaurusKind::Place;
  e.id = id;
  e.where = SourceLocation{kFile, line, 3};
  e.level = level;
  e.labels = std::move(labels);
  if (parent) e.parent = Reference{*parent, "", SourceLocation{kFile, line, 20}};
  return e;
}

ExportRecord dossier(const std::string& id, int start, int end, const std::vector<std::string>& partners,
                     std::optional<std::string> coordinator, int line = 2) {
  ExportRecord r;
  r.doc_type = DocType::Dossier;
  r.id = id;
  r.lang = Lang::Fr;
  r.where = SourceLocation{kFile, line, 3};
  r.title = "Dossier " + id;
  r.start_year = start;
  r.end_year = end;
  r.partners = references(line, partners);
  if (coordinator) r.coordinator = Reference{*coordinator, "", SourceLocation{kFile, line, 30}};
  return r;
}

struct FicheRefs {
  std::vector<std::string> authors, dossiers, links, descriptors, places;
  std::optional<std::string> translation_of;
};

ExportRecord fiche(const std::string& id, Lang lang, const std::string& type, std::optional<int> year,
                   const FicheRefs& refs, int line = 2) {
  ExportRecord r;
  r.doc_type = DocType::Fiche;
  r.id = id;
  r.lang = lang;
  r.where = SourceLocation{kFile, line, 3};
  r.title = "Fiche " + id;
  r.fiche_type = type;
  if (year) r.date = citego::Date{*year, 3, 0};
  for (const std::string& a : refs.authors) {
    if (a.find(' ') == std::string::npos) {  // an id; a name has spaces
      r.author_refs.push_back({a, "", SourceLocation{kFile, line + 1, 5}});
    } else {
      r.author_refs.push_back({"", a, SourceLocation{kFile, line + 1, 5}});
      r.authors.push_back(a);
    }
  }
  r.dossiers = references(line + 10, refs.dossiers);
  r.links = references(line + 20, refs.links);
  r.descriptors = references(line + 30, refs.descriptors);
  r.places = references(line + 40, refs.places);
  if (refs.translation_of) r.translation_of = Reference{*refs.translation_of, "", SourceLocation{kFile, line + 50, 5}};
  return r;
}

void add_entries(ReferenceGraph& graph, const std::vector<citego::ThesaurusEntry>& entries) {
  for (const citego::ThesaurusEntry& e : entries) ASSERT_EQ(graph.add(e), std::nullopt) << e.id;
}

// A small library: a dossier made with two organisations, a MOOC project, fiches in three languages of which two
// are translations of a third, a place hierarchy continent > country > region > city.
class Library : public ::testing::Test {
 protected:
  void SetUp() override {
    add_entries(graph_, {
                            person("per-ana", "Ana Souza", "org-net"),
                            person("per-joe", "Joe Bloggs", std::nullopt),
                            descriptor("dsc-budget", {"budget participatif", "participatory budgeting", "", ""},
                                       {"dsc-democracy"}),
                            descriptor("dsc-democracy", {"démocratie", "democracy", "democracia", "democracia"}),
                            place("plc-sa", "continent", std::nullopt, {"Amérique du Sud", "South America", "", ""}),
                            place("plc-br", "country", "plc-sa", {"Brésil", "Brazil", "Brasil", "Brasil"}),
                            place("plc-rs", "region", "plc-br", {"", "", "", "Rio Grande do Sul"}),
                            place("plc-poa", "city", "plc-rs", {"Porto Alegre", "", "", ""}),
                        });
    add_all(graph_,
            {
                organisation("org-net", "elected-officials-network"),
                organisation("org-uni", "higher-education", Lang::Es),
                project("prj-mooc", "mooc", 2016, std::nullopt, {"org-uni"}),
                dossier("dos-sse", 2016, 2017, {"org-net", "org-uni"}, "per-joe"),
                fiche("fic-fr", Lang::Fr, "case", 2018,
                      {{"per-ana", "Collectif des habitants"},
                       {"dos-sse"},
                       {"prj-mooc"},
                       {"dsc-budget"},
                       {"plc-poa"},
                       std::nullopt}),
                fiche("fic-pt", Lang::Pt, "case", 2019, {{"per-ana"}, {}, {}, {}, {}, "fic-fr"}),
                fiche("fic-en", Lang::En, "case", std::nullopt, {{}, {}, {"org-net"}, {}, {"plc-br"}, "fic-pt"}),
                fiche("fic-alone", Lang::En, "notion", 2015, {}),
            });
    ASSERT_EQ(messages_of(graph_.check_references()), std::vector<std::string>{});
  }
  ReferenceGraph graph_;
};

TEST_F(Library, AFicheTakesItsDossiersPartnersAndTypeAndItsPlacesWithTheirAncestors) {
  FacetValues expected = facets({"2018"}, {"dossier", "mooc"}, {"elected-officials-network", "higher-education"},
                                "fiche", "fr", {"org-net", "org-uni"});
  expected[Facet::FicheType] = {"case"};
  expected[Facet::Descriptor] = {"dsc-budget"};
  expected[Facet::Place] = {"plc-br", "plc-poa", "plc-rs", "plc-sa"};
  expected[Facet::Author] = {"per-ana"};
  expected[Facet::Dossier] = {"dos-sse"};
  EXPECT_EQ(graph_.facets_of("fic-fr"), expected);

  FacetValues en = facets({}, {}, {"elected-officials-network"}, "fiche", "en", {"org-net"});
  en[Facet::FicheType] = {"case"};
  en[Facet::Place] = {"plc-br", "plc-sa"};  // a country keeps its continent, not its regions
  EXPECT_EQ(graph_.facets_of("fic-en"), en);
}

TEST_F(Library, ADossierAndItsPartnersShareYearsTypeAndTheDossier) {
  FacetValues dossier_facets = facets({"2016", "2017"}, {"dossier"}, {"elected-officials-network", "higher-education"},
                                      "dossier", "fr", {"org-net", "org-uni"});
  dossier_facets[Facet::Author] = {"per-joe"};
  dossier_facets[Facet::Dossier] = {"dos-sse"};
  EXPECT_EQ(graph_.facets_of("dos-sse"), dossier_facets);

  FacetValues uni =
      facets({"2016", "2017"}, {"dossier", "mooc"}, {"higher-education"}, "organisation", "es", {"org-uni"});
  uni[Facet::Dossier] = {"dos-sse"};
  EXPECT_EQ(graph_.facets_of("org-uni"), uni);
}

TEST_F(Library, TranslationsAreTheOtherFichesOfTheGroupInLanguageOrder) {
  using T = citego::schema::StoredTranslation;
  EXPECT_EQ(graph_.derived_of("fic-fr").translations, (std::vector<T>{{Lang::En, "fic-en"}, {Lang::Pt, "fic-pt"}}));
  EXPECT_EQ(graph_.derived_of("fic-en").translations, (std::vector<T>{{Lang::Fr, "fic-fr"}, {Lang::Pt, "fic-pt"}}));
  EXPECT_EQ(graph_.derived_of("fic-pt").translations, (std::vector<T>{{Lang::Fr, "fic-fr"}, {Lang::En, "fic-en"}}));
  EXPECT_EQ(graph_.derived_of("fic-alone").translations, std::vector<T>{});
}

TEST_F(Library, AuthorsGetThePersonsNamesAndLabelWordsCoverDescriptorsAndPlaceAncestors) {
  const citego::DerivedFields fr = graph_.derived_of("fic-fr");
  EXPECT_EQ(fr.authors, (std::vector<citego::schema::StoredAuthor>{{"per-ana", "Ana Souza"}}));
  EXPECT_EQ(fr.label_texts, (std::vector<std::pair<Lang, std::string>>{
                                {Lang::Fr, "budget participatif"},
                                {Lang::En, "participatory budgeting"},
                                {Lang::Fr, "Brésil"},
                                {Lang::En, "Brazil"},
                                {Lang::Es, "Brasil"},
                                {Lang::Pt, "Brasil"},
                                {Lang::Fr, "Porto Alegre"},
                                {Lang::Pt, "Rio Grande do Sul"},
                                {Lang::Fr, "Amérique du Sud"},
                                {Lang::En, "South America"},
                            }));
  EXPECT_EQ(graph_.derived_of("dos-sse").authors,
            (std::vector<citego::schema::StoredAuthor>{{"per-joe", "Joe Bloggs"}}));
}

TEST_F(Library, LabelMetadataNamesEveryLabelledValue) {
  std::map<std::string, citego::schema::Labels> labels;
  for (const auto& [key, data] : graph_.label_metadata()) labels[key] = citego::schema::decode_labels(data);
  EXPECT_EQ(labels.size(), 2u + 2u + 4u + 2u + 1u);  // persons, descriptors, places, organisations, dossier
  EXPECT_EQ(labels.at("citego.label.author:per-ana"),
            (citego::schema::Labels{"Ana Souza", "Ana Souza", "Ana Souza", "Ana Souza"}));
  EXPECT_EQ(labels.at("citego.label.place:plc-rs"), (citego::schema::Labels{"", "", "", "Rio Grande do Sul"}));
  EXPECT_EQ(labels.at("citego.label.dossier:dos-sse"), (citego::schema::Labels{"Dossier dos-sse", "", "", ""}));
  EXPECT_EQ(labels.at("citego.label.partner:org-uni"), (citego::schema::Labels{"", "", "Organisation org-uni", ""}));
}

TEST(ReferenceGraph, ReportsEveryFaultOfTheLibraryWithItsPlace) {
  ReferenceGraph graph;
  add_entries(graph, {
                         person("per-a", "A", "dsc-x", 100),
                         descriptor("dsc-x", {"x", "", "", ""}, {"dsc-x", "dsc-missing", "per-a"}, 110),
                         place("plc-eu", "continent", std::nullopt, {"Europe", "", "", ""}, 120),
                         place("plc-fr", "country", "plc-eu", {"France", "", "", ""}, 121),
                         place("plc-lyon", "city", "plc-eu", {"Lyon", "", "", ""}, 122),
                         place("plc-be", "country", "plc-fr", {"Belgique", "", "", ""}, 123),
                         place("plc-r1", "region", "plc-r2", {"R1", "", "", ""}, 124),
                         place("plc-r2", "region", "plc-r1", {"R2", "", "", ""}, 125),
                         place("plc-nowhere", "city", "plc-missing", {"N", "", "", ""}, 126),
                     });
  add_all(graph, {
                     organisation("org-a", "media"),
                     dossier("dos-a", 2016, 2016, {"org-a", "fic-1"}, "org-a", 10),
                     fiche("fic-1", Lang::Fr, "case", 2016,
                           {{"per-missing", "dsc-x"}, {"prj-b"}, {"dos-a"}, {"plc-fr"}, {"dsc-x"}, std::nullopt}, 20),
                     project("prj-b", "mooc", 2016, std::nullopt, {"org-a"}),
                     fiche("fic-2", Lang::Fr, "case", 2016, {{}, {}, {}, {}, {}, "fic-3"}, 100),
                     fiche("fic-3", Lang::En, "case", 2016, {{}, {}, {}, {}, {}, "fic-2"}, 200),
                     fiche("fic-4", Lang::Fr, "case", 2016, {{}, {}, {}, {}, {}, "fic-4"}, 300),
                     fiche("fic-5", Lang::Es, "case", 2016, {}, 400),
                     fiche("fic-6", Lang::Es, "case", 2016, {{}, {}, {}, {}, {}, "fic-5"}, 500),
                     fiche("fic-7", Lang::Pt, "case", 2016, {{}, {}, {}, {}, {}, "dos-a"}, 600),
                 });
  EXPECT_EQ(messages_of(graph.check_references()),
            (std::vector<std::string>{
                "g.xml:12:7: error: <dossier> \"dos-a\" has partner \"fic-1\", which is a fiche, not an organisation",
                "g.xml:10:30: error: <dossier> \"dos-a\" has author \"org-a\", which is an organisation, not a person",
                "g.xml:41:7: error: <fiche> \"fic-1\" links to \"dos-a\", which is a dossier (links name projects or "
                "organisations)",
                "g.xml:21:5: error: <fiche> \"fic-1\" refers to unknown person \"per-missing\"",
                "g.xml:21:5: error: <fiche> \"fic-1\" has author \"dsc-x\", which is a descriptor, not a person",
                "g.xml:51:7: error: <fiche> \"fic-1\" has descriptor \"plc-fr\", which is a place, not a descriptor",
                "g.xml:61:7: error: <fiche> \"fic-1\" has place \"dsc-x\", which is a descriptor, not a place",
                "g.xml:31:7: error: <fiche> \"fic-1\" has dossier \"prj-b\", which is a project, not a dossier",
                "g.xml:350:5: error: <fiche> \"fic-4\" is a translation of itself",
                "g.xml:650:5: error: <fiche> \"fic-7\" has translation-of \"dos-a\", which is a dossier, not a fiche",
                "g.xml:101:5: error: <person> \"per-a\" has affiliation \"dsc-x\", which is a descriptor, not an "
                "organisation",
                "g.xml:111:7: error: <descriptor> \"dsc-x\" is related to itself",
                "g.xml:112:7: error: <descriptor> \"dsc-x\" refers to unknown descriptor \"dsc-missing\"",
                "g.xml:113:7: error: <descriptor> \"dsc-x\" has related descriptor \"per-a\", which is a person, not a "
                "descriptor",
                "g.xml:122:20: error: <place> \"plc-lyon\" (a city) has parent \"plc-eu\", which is a continent (a "
                "city's parent is a country or a region)",
                "g.xml:123:20: error: <place> \"plc-be\" (a country) has parent \"plc-fr\", which is a country (a "
                "country's parent is a continent)",
                "g.xml:126:20: error: <place> \"plc-nowhere\" refers to unknown place \"plc-missing\"",
                "g.xml:150:5: error: <fiche> \"fic-2\": translation-of forms a cycle (fic-2 → fic-3 → fic-2)",
                "g.xml:550:5: error: <fiche> \"fic-6\" is in es, like \"fic-5\" of the same translation group (a group "
                "holds one fiche per language)",
                "g.xml:124:20: error: <place> \"plc-r1\": parent forms a cycle (plc-r1 → plc-r2 → plc-r1)",
            }));
}

TEST(ReferenceGraph, IdsAreUniqueAcrossDocumentsAndThesauri) {
  ReferenceGraph graph;
  EXPECT_EQ(graph.add(organisation("org-a", "media")), std::nullopt);
  const std::optional<Diagnostic> duplicate = graph.add(person("org-a", "A", std::nullopt, 9));
  ASSERT_TRUE(duplicate.has_value());
  EXPECT_EQ(citego::to_string(*duplicate), "g.xml:9:3: error: duplicate id \"org-a\" (first defined at g.xml:2:3)");
  EXPECT_EQ(graph.count(citego::ThesaurusKind::Person), 0u);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// readers_of(), which an update relies on to know what to write again, against the derivation itself: each record
// of the bundled corpus is changed in what others may read of it (a kind, years, a date, labels, a name), and every
// document whose derived_of() differs between the graph before and the graph after must be among the readers.

namespace {

struct Corpus {
  std::vector<ExportRecord> records;
  std::vector<citego::ThesaurusEntry> entries;
};

Corpus bundled_corpus() {
  Corpus corpus;
  const std::string root = std::string(CITEGO_SOURCE_DIR) + "/corpus/";
  for (const char* file : {"citego-partners.xml", "library/fiches-informality.xml", "library/fiches-moocs.xml",
                           "library/fiches-power-to-act.xml", "library/fiches-sse-public-action.xml",
                           "library/people.xml", "library/thesaurus.xml"}) {
    citego::ParsedExport parsed = citego::read_export_file(root + file);
    EXPECT_TRUE(parsed.errors.empty()) << file;
    for (ExportRecord& r : parsed.records) corpus.records.push_back(std::move(r));
    for (citego::ThesaurusEntry& e : parsed.entries) corpus.entries.push_back(std::move(e));
  }
  return corpus;
}

// The graph of `corpus`, checked.
std::unique_ptr<ReferenceGraph> graph_of(const Corpus& corpus) {
  auto graph = std::make_unique<ReferenceGraph>();
  for (const ExportRecord& r : corpus.records) EXPECT_FALSE(graph->add(r));
  for (const citego::ThesaurusEntry& e : corpus.entries) EXPECT_FALSE(graph->add(e));
  EXPECT_EQ(messages_of(graph->check_references()), std::vector<std::string>{});
  return graph;
}

void change(ExportRecord& r) {
  const auto later = [](std::optional<int>& year) {
    if (year) ++*year;
  };
  switch (r.doc_type) {
    case DocType::Organisation:
      r.kind = r.kind == "foundation" ? "think-tank" : "foundation";
      break;
    case DocType::Project:
    case DocType::Dossier:
      later(r.start_year);
      later(r.end_year);
      break;
    case DocType::Resource:
      r.year = r.year.value_or(2000) + 1;
      break;
    case DocType::Fiche:
      if (r.date) ++r.date->year;
      break;
  }
}

void change(citego::ThesaurusEntry& e) {
  e.name += " (changed)";
  for (std::string& label : e.labels) label += " (changed)";
}

}  // namespace

TEST(ReferenceGraph, ReadersOfHoldEveryDocumentWhoseDerivationReadsTheChangedRecord) {
  const Corpus corpus = bundled_corpus();
  const std::unique_ptr<ReferenceGraph> before = graph_of(corpus);
  std::vector<std::string> documents;
  for (const ExportRecord& r : corpus.records) documents.push_back(r.id);
  std::size_t changed_others = 0;  // records whose change reached another document: the test is not vacuous
  const auto check = [&](const std::string& id, const Corpus& changed) {
    const std::unique_ptr<ReferenceGraph> after = graph_of(changed);
    const std::vector<std::string> readers = after->readers_of({id});
    bool reached_other = false;
    for (const std::string& document : documents) {
      if (before->derived_of(document) == after->derived_of(document)) continue;
      EXPECT_TRUE(std::binary_search(readers.begin(), readers.end(), document))
          << "changing " << id << " changes what " << document << " derives, which readers_of does not name";
      reached_other = reached_other || document != id;
    }
    changed_others += reached_other;
  };
  for (std::size_t i = 0; i < corpus.records.size(); ++i) {
    Corpus changed = corpus;
    change(changed.records[i]);
    check(corpus.records[i].id, changed);
  }
  for (std::size_t i = 0; i < corpus.entries.size(); ++i) {
    Corpus changed = corpus;
    change(changed.entries[i]);
    check(corpus.entries[i].id, changed);
  }
  EXPECT_GT(changed_others, corpus.records.size() / 4);
}

// check_references_of(), which an update calls instead of check_references(), against the whole check: each record of
// the bundled corpus is removed, or made a record of another kind, as the last one added, and both checks must give
// the same diagnostics.
namespace {

// The graph of `corpus` less its record or entry `id`, with `changed` (if any) added last, as an update adds it.
template <typename Changed>
std::unique_ptr<ReferenceGraph> graph_with(const Corpus& corpus, const std::string& id, const Changed* changed) {
  auto graph = std::make_unique<ReferenceGraph>();
  for (const ExportRecord& r : corpus.records) {
    if (r.id != id) {
      EXPECT_FALSE(graph->add(r));
    }
  }
  for (const citego::ThesaurusEntry& e : corpus.entries) {
    if (e.id != id) {
      EXPECT_FALSE(graph->add(e));
    }
  }
  if (changed) {
    EXPECT_FALSE(graph->add(*changed));
  }
  return graph;
}

}  // namespace

TEST(ReferenceGraph, CheckReferencesOfGivesWhatTheWholeCheckGivesAfterAChange) {
  const Corpus corpus = bundled_corpus();
  std::size_t faulty = 0;  // changes that make faults: the test is not vacuous
  const auto expect_same = [&](const std::string& id, const auto* changed) {
    const std::vector<std::string> whole = messages_of(graph_with(corpus, id, changed)->check_references());
    EXPECT_EQ(messages_of(graph_with(corpus, id, changed)->check_references_of({id})), whole) << id;
    faulty += !whole.empty();
  };
  for (const ExportRecord& r : corpus.records) {
    expect_same(r.id, static_cast<const ExportRecord*>(nullptr));
    ExportRecord other = r;
    other.doc_type = r.doc_type == DocType::Organisation ? DocType::Project : DocType::Organisation;
    expect_same(r.id, &other);
  }
  for (const citego::ThesaurusEntry& e : corpus.entries) {
    expect_same(e.id, static_cast<const citego::ThesaurusEntry*>(nullptr));
    citego::ThesaurusEntry other = e;
    other.kind =
        e.kind == citego::ThesaurusKind::Place ? citego::ThesaurusKind::Descriptor : citego::ThesaurusKind::Place;
    expect_same(e.id, &other);
  }
  EXPECT_GT(faulty, corpus.records.size());
}
