// citego::ReferenceGraph: duplicate ids, reference checks, docids and facets derived through references.
#include "citego/reference_graph.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace {

using citego::Diagnostic;
using citego::ExportRecord;
using citego::ReferenceGraph;
using citego::Reference;
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
                   const std::string& doc_type, const std::string& lang) {
  FacetValues f;
  f[Facet::Year] = std::move(years);
  f[Facet::ProjectType] = std::move(types);
  f[Facet::OrganisationKind] = std::move(kinds);
  f[Facet::DocType] = {doc_type};
  f[Facet::Lang] = {lang};
  return f;
}

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
  EXPECT_EQ(graph.facets_of("org-a"), facets({}, {}, {"media"}, "organisation", "fr"));
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
  EXPECT_EQ(graph_.facets_of("org-net"),
            facets({"2014", "2015", "2016", "2017"}, {"dossier", "mooc"}, {"elected-officials-network"},
                   "organisation", "fr"));
  EXPECT_EQ(graph_.facets_of("org-uni"),
            facets({"2015", "2016", "2017"}, {"mooc"}, {"higher-education"}, "organisation", "es"));
  EXPECT_EQ(graph_.facets_of("org-lonely"), facets({}, {}, {"media"}, "organisation", "pt"));
}

TEST_F(DerivedFacets, ProjectTakesEveryYearOfItsPeriodAndTheKindsOfItsParticipants) {
  EXPECT_EQ(graph_.facets_of("prj-mooc"), facets({"2015", "2016", "2017"}, {"mooc"},
                                                 {"elected-officials-network", "higher-education"}, "project", "fr"));
  EXPECT_EQ(graph_.facets_of("prj-dossier"),
            facets({"2014"}, {"dossier"}, {"elected-officials-network"}, "project", "fr"));
}

TEST_F(DerivedFacets, ResourceTakesTypesAndKindsThroughItsLinks) {
  // Through a project: its type and its participants' kinds; the years stay the resource's own.
  EXPECT_EQ(graph_.facets_of("res-prj"), facets({"2020"}, {"mooc"}, {"elected-officials-network", "higher-education"},
                                                "resource", "pt"));
  // Through an organisation: its kind only.
  EXPECT_EQ(graph_.facets_of("res-org"), facets({}, {}, {"higher-education"}, "resource", "en"));
  EXPECT_EQ(graph_.facets_of("res-both"),
            facets({"2019"}, {"dossier"}, {"elected-officials-network", "media"}, "resource", "fr"));
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
            facets({"2014", "2015", "2016", "2017", "2018", "2019"}, {"dossier", "mooc"},
                   {"elected-officials-network"}, "organisation", "fr"));
  EXPECT_EQ(graph.facets_of("res-fx-orcamento-participativo"),
            facets({"2020"}, {"mooc"}, {"elected-officials-network", "higher-education"}, "resource", "pt"));
  EXPECT_EQ(graph.facets_of("res-fx-participatory-budget"),
            facets({"2016"}, {"showcase"}, {"research-centre"}, "resource", "en"));
  EXPECT_EQ(graph.facets_of("res-fx-democracia-participativa"), facets({}, {}, {}, "resource", "es"));
}

}  // namespace
