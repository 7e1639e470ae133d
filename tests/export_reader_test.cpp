// citego::parse_export: XML text to whole ExportRecords, and the exact diagnostic of every local fault.
#include "citego/export_reader.h"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "broken_fixtures.h"
#include "citego/xml_check.h"

namespace citego {

// Entries in failure messages: their fields, not their bytes.
void PrintTo(const ThesaurusEntry& e, std::ostream* os) {
  *os << name_of(e.kind) << " " << e.id << " at " << to_string(e.where) << " name=" << e.name << " labels=";
  for (const std::string& label : e.labels) *os << "[" << label << "]";
  *os << " family=" << e.family << " level=" << e.level << " code=" << e.code;
  if (e.affiliation) *os << " affiliation=" << e.affiliation->ref << "@" << to_string(e.affiliation->where);
  if (e.parent) *os << " parent=" << e.parent->ref << "@" << to_string(e.parent->where);
  for (const Reference& r : e.related) *os << " related=" << r.ref << "@" << to_string(r.where);
}

}  // namespace citego

namespace {

using citego::AuthorRef;
using citego::Date;
using citego::Diagnostic;
using citego::ExportRecord;
using citego::ParsedExport;
using citego::Reference;
using citego::SourceLocation;
using citego::ThesaurusEntry;
using citego::ThesaurusKind;
using citego::schema::DocType;
using citego::schema::Lang;

const std::string kFile = "t.xml";

// An export holding `documents`, which start on line 2.
std::string export_of(std::string_view documents, std::string_view root_attributes = R"(version="1" xml:lang="fr")") {
  return "<citego-export " + std::string(root_attributes) + ">\n" + std::string(documents) + "</citego-export>\n";
}

// An export of version 2 holding `documents`, which start on line 2.
std::string export_v2(std::string_view documents, std::string_view lang = "fr") {
  return export_of(documents, "version=\"2\" xml:lang=\"" + std::string(lang) + "\"");
}

ParsedExport parse(std::string_view xml) { return citego::parse_export(xml, kFile); }

std::vector<std::string> messages_of(const ParsedExport& parsed) {
  std::vector<std::string> messages;
  for (const Diagnostic& d : parsed.errors) messages.push_back(citego::to_string(d));
  return messages;
}

std::vector<std::string> ids_of(const ParsedExport& parsed) {
  std::vector<std::string> ids;
  for (const ExportRecord& r : parsed.records) ids.push_back(r.id);
  return ids;
}

std::vector<std::string> entry_ids_of(const ParsedExport& parsed) {
  std::vector<std::string> ids;
  for (const ThesaurusEntry& e : parsed.entries) ids.push_back(e.id);
  return ids;
}

SourceLocation at(int line, int column) { return SourceLocation{kFile, line, column}; }

// A record with what every document has; the tests set the rest.
ExportRecord record_of(DocType type, std::string id, Lang lang, SourceLocation where, std::string title) {
  ExportRecord r;
  r.doc_type = type;
  r.id = std::move(id);
  r.lang = lang;
  r.where = std::move(where);
  r.title = std::move(title);
  return r;
}

// Parses an export expected to be free of faults and to hold exactly one document.
ExportRecord only_record(std::string_view xml) {
  const ParsedExport parsed = parse(xml);
  EXPECT_EQ(messages_of(parsed), std::vector<std::string>{});
  if (parsed.records.size() != 1) {
    ADD_FAILURE() << "expected one record, got " << parsed.records.size();
    return {};
  }
  return parsed.records.front();
}

// Parses an export expected to be free of faults and to hold exactly one thesaurus entry (and no document).
ThesaurusEntry only_entry(std::string_view xml) {
  const ParsedExport parsed = parse(xml);
  EXPECT_EQ(messages_of(parsed), std::vector<std::string>{});
  EXPECT_EQ(ids_of(parsed), std::vector<std::string>{});
  if (parsed.entries.size() != 1) {
    ADD_FAILURE() << "expected one entry, got " << parsed.entries.size();
    return {};
  }
  return parsed.entries.front();
}

// ---------------------------------------------------------------------------------------------------------------
// Whole records

TEST(ParseExport, ReadsAWholeOrganisation) {
  const std::string xml = export_of(R"(  <organisation id="org-rets" xml:lang="fr">
    <name>Réseau Exemple des
      Territoires Solidaires</name>
    <acronym>RETS</acronym>
    <kind>elected-officials-network</kind>
    <relation>ecosystem</relation>
    <country>FR</country>
    <url>https://example.org/rets</url>
    <description>  Réseau fictif d'élus locaux.  </description>
  </organisation>
)",
                                    R"(version="1" xml:lang="en")");
  ExportRecord expected =
      record_of(DocType::Organisation, "org-rets", Lang::Fr, at(2, 3), "Réseau Exemple des Territoires Solidaires");
  expected.url = "https://example.org/rets";
  expected.summary = "Réseau fictif d'élus locaux.";
  expected.acronym = "RETS";
  expected.kind = "elected-officials-network";
  expected.relation = "ecosystem";
  expected.country = "FR";
  EXPECT_EQ(only_record(xml), expected);
}

TEST(ParseExport, ReadsAWholeProject) {
  const std::string xml = export_of(R"(  <project id="prj-dossier">
    <title>Démocratie participative</title>
    <type>dossier</type>
    <period start="2014" end="2019"/>
    <participants>
      <participant ref="org-a" role=" partner "/>
      <participant ref="org-b"/>
    </participants>
    <summary>Un dossier comparatif.</summary>
    <body>Ce dossier
      compare des expériences.</body>
    <url>https://example.org/dossier</url>
  </project>
)");
  ExportRecord expected = record_of(DocType::Project, "prj-dossier", Lang::Fr, at(2, 3), "Démocratie participative");
  expected.url = "https://example.org/dossier";
  expected.summary = "Un dossier comparatif.";
  expected.body = "Ce dossier compare des expériences.";
  expected.project_type = "dossier";
  expected.start_year = 2014;
  expected.end_year = 2019;
  expected.participants = {Reference{"org-a", "partner", at(7, 7)}, Reference{"org-b", "", at(8, 7)}};
  EXPECT_EQ(only_record(xml), expected);

  // Without end, the period is its start year only.
  const ExportRecord one_year = only_record(export_of(R"(  <project id="prj-a">
    <title>T</title>
    <type>mooc</type>
    <period start="2016"/>
  </project>
)"));
  EXPECT_EQ(one_year.start_year, 2016);
  EXPECT_EQ(one_year.end_year, std::nullopt);
}

TEST(ParseExport, ReadsAWholeResourceWithColumnsInCharacters) {
  // "É" takes two bytes but one column: the <resource> starts at character 21 of line 2, byte 22.
  const std::string xml = export_of(R"(  <!-- Économie --> <resource id="res-eco" xml:lang="pt">
    <title>Orçamento participativo</title>
    <category>case-study</category>
    <year> 2020 </year>
    <authors>
      <author> João
        Conceição </author>
      <author>Ana Simões</author>
    </authors>
    <keywords>
      <keyword>orçamento participativo</keyword>
    </keywords>
    <links>
      <link ref="prj-dossier"/>
      <link ref="org-a"/>
    </links>
    <summary>Estudo de caso.</summary>
  </resource>
)");
  ExportRecord expected = record_of(DocType::Resource, "res-eco", Lang::Pt, at(2, 21), "Orçamento participativo");
  expected.summary = "Estudo de caso.";
  expected.category = "case-study";
  expected.year = 2020;
  expected.authors = {"João Conceição", "Ana Simões"};
  expected.keywords = {"orçamento participativo"};
  expected.links = {Reference{"prj-dossier", "", at(15, 7)}, Reference{"org-a", "", at(16, 7)}};
  EXPECT_EQ(only_record(xml), expected);
}

TEST(ParseExport, DocumentsInheritTheRootLanguageUnlessTheyOverrideIt) {
  const std::string documents = R"(  <resource id="res-a"><title>A</title></resource>
  <resource id="res-b" xml:lang="pt"><title>B</title></resource>
  <resource id="res-c" xml:lang="en"><title>C</title></resource>
)";
  auto langs_of = [](const ParsedExport& parsed) {
    std::vector<std::pair<std::string, Lang>> langs;
    for (const ExportRecord& r : parsed.records) langs.emplace_back(r.id, r.lang);
    return langs;
  };
  using Langs = std::vector<std::pair<std::string, Lang>>;
  EXPECT_EQ(langs_of(parse(export_of(documents, R"(version="1" xml:lang="fr")"))),
            (Langs{{"res-a", Lang::Fr}, {"res-b", Lang::Pt}, {"res-c", Lang::En}}));
  EXPECT_EQ(langs_of(parse(export_of(documents, R"(version="1" xml:lang="es")"))),
            (Langs{{"res-a", Lang::Es}, {"res-b", Lang::Pt}, {"res-c", Lang::En}}));
}

TEST(ParseExport, CollapsesXmlWhiteSpaceInText) {
  const ExportRecord record =
      only_record(export_of("  <resource id=\"res-a\">\n"
                            "    <title>\n\t  Économie  \t sociale\r\n   et solidaire  </title>\n"
                            "    <summary>A\xC2\xA0"
                            "B</summary>\n"  // a no-break space is not XML white space
                            "    <body> B\n\n  C </body>\n"
                            "  </resource>\n"));
  EXPECT_EQ(record.title, "Économie sociale et solidaire");
  EXPECT_EQ(record.summary,
            "A\xC2\xA0"
            "B");
  EXPECT_EQ(record.body, "B C");
}

// ---------------------------------------------------------------------------------------------------------------
// Version 2: whole fiches, dossiers and thesaurus entries

TEST(ParseExport, ReadsAWholeFiche) {
  const std::string xml = export_v2(R"(  <fiche id="fic-villa-budget" xml:lang="es">
    <title>Presupuesto participativo en Villa El Salvador</title>
    <type>case</type>
    <date>2017-03-14</date>
    <authors>
      <author ref="per-rosa-quispe"/>
      <author> Colectivo de
        vecinos </author>
    </authors>
    <dossiers><dossier ref="prj-power-to-act"/></dossiers>
    <links>
      <link ref="prj-mooc-territorial-governance-ciedel"/>
    </links>
    <descriptors>
      <descriptor ref="dsc-participatory-budgeting"/>
      <descriptor ref="dsc-informal-settlements"/>
    </descriptors>
    <places><place ref="plc-villa-el-salvador"/></places>
    <translation-of ref="fic-villa-budget-fr"/>
    <source>Escuela para el desarrollo</source>
    <keywords><keyword>presupuesto participativo</keyword></keywords>
    <summary>Un caso.</summary>
    <body>Texto del
      caso.</body>
    <url>HTTPS://example.org/fiche</url>
  </fiche>
)");
  ExportRecord expected = record_of(DocType::Fiche, "fic-villa-budget", Lang::Es, at(2, 3),
                                    "Presupuesto participativo en Villa El Salvador");
  expected.url = "HTTPS://example.org/fiche";
  expected.summary = "Un caso.";
  expected.body = "Texto del caso.";
  expected.fiche_type = "case";
  expected.date = Date{2017, 3, 14};
  expected.authors = {"Colectivo de vecinos"};
  expected.author_refs = {AuthorRef{"per-rosa-quispe", "", at(7, 7)}, AuthorRef{"", "Colectivo de vecinos", at(8, 7)}};
  expected.dossiers = {Reference{"prj-power-to-act", "", at(11, 15)}};
  expected.links = {Reference{"prj-mooc-territorial-governance-ciedel", "", at(13, 7)}};
  expected.descriptors = {Reference{"dsc-participatory-budgeting", "", at(16, 7)},
                          Reference{"dsc-informal-settlements", "", at(17, 7)}};
  expected.places = {Reference{"plc-villa-el-salvador", "", at(19, 13)}};
  expected.translation_of = Reference{"fic-villa-budget-fr", "", at(20, 5)};
  expected.source = "Escuela para el desarrollo";
  expected.keywords = {"presupuesto participativo"};
  EXPECT_EQ(only_record(xml), expected);

  // The shortest fiche: a title and a type; a date may be a year, or a year and a month.
  const ExportRecord year_only =
      only_record(export_v2("  <fiche id=\"fic-a\"><title>T</title><type>notion</type><date>2016</date></fiche>\n"));
  EXPECT_EQ(year_only.date, (Date{2016, 0, 0}));
  EXPECT_EQ(year_only.lang, Lang::Fr);
  EXPECT_EQ(only_record(export_v2("  <fiche id=\"fic-a\"><title>T</title><type>notion</type><date>2020-02</date>"
                                  "</fiche>\n"))
                .date,
            (Date{2020, 2, 0}));
  EXPECT_EQ(only_record(export_v2("  <fiche id=\"fic-a\"><title>T</title><type>notion</type><date>2020-02-29</date>"
                                  "</fiche>\n"))
                .date,
            (Date{2020, 2, 29}));
}

TEST(ParseExport, ReadsAWholeDossier) {
  const std::string xml = export_v2(R"(  <dossier id="prj-power-to-act" xml:lang="en">
    <title>Power to act</title>
    <period start="2017" end="2018"/>
    <coordinator ref="per-claire-moreau"/>
    <authors><author ref="per-karim-benali"/></authors>
    <partners>
      <partner ref="org-appuii" role=" partner "/>
      <partner ref="org-centre-sud"/>
    </partners>
    <descriptors><descriptor ref="dsc-power-to-act"/></descriptors>
    <places><place ref="plc-fr"/></places>
    <summary>Citizens' power to act.</summary>
    <body>A dossier.</body>
    <url>http://example.org/dossier</url>
  </dossier>
)");
  ExportRecord expected = record_of(DocType::Dossier, "prj-power-to-act", Lang::En, at(2, 3), "Power to act");
  expected.url = "http://example.org/dossier";
  expected.summary = "Citizens' power to act.";
  expected.body = "A dossier.";
  expected.start_year = 2017;
  expected.end_year = 2018;
  expected.coordinator = Reference{"per-claire-moreau", "", at(5, 5)};
  expected.author_refs = {AuthorRef{"per-karim-benali", "", at(6, 14)}};
  expected.partners = {Reference{"org-appuii", "partner", at(8, 7)}, Reference{"org-centre-sud", "", at(9, 7)}};
  expected.descriptors = {Reference{"dsc-power-to-act", "", at(11, 18)}};
  expected.places = {Reference{"plc-fr", "", at(12, 13)}};
  EXPECT_EQ(only_record(xml), expected);
}

TEST(ParseExport, ReadsAPerson) {
  ThesaurusEntry expected;
  expected.kind = ThesaurusKind::Person;
  expected.id = "per-marie-dupont";
  expected.where = at(2, 3);
  expected.name = "Marie Dupont";
  expected.labels = {"Marie Dupont", "Marie Dupont", "Marie Dupont", "Marie Dupont"};
  expected.affiliation = Reference{"org-cnfpt-inset", "", at(5, 5)};
  EXPECT_EQ(only_entry(export_v2(R"(  <person id="per-marie-dupont">
    <name>Marie
      Dupont</name>
    <affiliation ref="org-cnfpt-inset"/>
  </person>
)")),
            expected);
  EXPECT_EQ(only_entry(export_v2("  <person id=\"per-joao-silva\"><name>João Silva</name></person>\n")).affiliation,
            std::nullopt);
}

TEST(ParseExport, ReadsADescriptor) {
  ThesaurusEntry expected;
  expected.kind = ThesaurusKind::Descriptor;
  expected.id = "dsc-participatory-budgeting";
  expected.where = at(2, 3);
  expected.family = "governance";
  expected.labels = {"budget participatif", "", "", "orçamento participativo"};
  expected.related = {Reference{"dsc-participatory-democracy", "", at(5, 5)},
                      Reference{"dsc-local-finance", "", at(7, 5)}};
  // Labels and related descriptors are repeated children, in any order.
  EXPECT_EQ(only_entry(export_v2(R"(  <descriptor id="dsc-participatory-budgeting" family="governance">
    <label xml:lang="fr">budget
      participatif</label>
    <related ref="dsc-participatory-democracy"/>
    <label xml:lang="pt">orçamento participativo</label>
    <related ref="dsc-local-finance"/>
  </descriptor>
)")),
            expected);
  // The family is optional.
  const ThesaurusEntry without_family =
      only_entry(export_v2("  <descriptor id=\"dsc-commons\"><label xml:lang=\"en\">commons</label></descriptor>\n"));
  EXPECT_EQ(without_family.family, "");
  EXPECT_EQ(without_family.labels, (citego::schema::Labels{"", "commons", "", ""}));
}

TEST(ParseExport, ReadsPlacesOfEveryLevel) {
  const ParsedExport parsed = parse(export_v2(R"(  <place id="plc-south-america" level="continent">
    <label xml:lang="es">América del Sur</label>
  </place>
  <place id="plc-pe" level="country" code="PE" parent="plc-south-america">
    <label xml:lang="fr">Pérou</label><label xml:lang="en">Peru</label>
    <label xml:lang="es">Perú</label><label xml:lang="pt">Peru</label>
  </place>
  <place id="plc-lima-metropolitana" level="region" parent="plc-pe">
    <label xml:lang="es">Lima Metropolitana</label>
  </place>
  <place id="plc-villa-el-salvador" level="city" parent="plc-lima-metropolitana">
    <label xml:lang="es">Villa El Salvador</label>
  </place>
)"));
  EXPECT_EQ(messages_of(parsed), std::vector<std::string>{});
  auto place = [](std::string id, int line, std::string level, std::string code, std::optional<std::string> parent,
                  citego::schema::Labels labels) {
    ThesaurusEntry e;
    e.kind = ThesaurusKind::Place;
    e.id = std::move(id);
    e.where = at(line, 3);
    e.level = std::move(level);
    e.code = std::move(code);
    if (parent) e.parent = Reference{*parent, "", e.where};
    e.labels = std::move(labels);
    return e;
  };
  EXPECT_EQ(
      parsed.entries,
      (std::vector<ThesaurusEntry>{
          place("plc-south-america", 2, "continent", "", std::nullopt, {"", "", "América del Sur", ""}),
          place("plc-pe", 5, "country", "PE", "plc-south-america", {"Pérou", "Peru", "Perú", "Peru"}),
          place("plc-lima-metropolitana", 9, "region", "", "plc-pe", {"", "", "Lima Metropolitana", ""}),
          place("plc-villa-el-salvador", 12, "city", "", "plc-lima-metropolitana", {"", "", "Villa El Salvador", ""}),
      }));
  EXPECT_TRUE(parsed.records.empty());
}

// ---------------------------------------------------------------------------------------------------------------
// Diagnostics: each case is an export with faults, the exact diagnostics, and the ids of the records still read.

struct FaultCase {
  std::string name;
  std::string xml;
  std::vector<std::string> diagnostics;
  std::vector<std::string> records = {};
  std::vector<std::string> entries = {};  // ids of the thesaurus entries still read
};

void PrintTo(const FaultCase& c, std::ostream* os) { *os << c.name; }

class ParseExportFault : public ::testing::TestWithParam<FaultCase> {};

TEST_P(ParseExportFault, GivesExactDiagnostics) {
  const FaultCase& c = GetParam();
  const ParsedExport parsed = parse(c.xml);
  EXPECT_EQ(messages_of(parsed), c.diagnostics);
  EXPECT_EQ(ids_of(parsed), c.records);
  EXPECT_EQ(entry_ids_of(parsed), c.entries);
}

const std::string kKinds =
    "professional-network, training-organisation, higher-education, elected-officials-network, citizens-association, "
    "design-office, research-centre, foundation, company, media, think-tank, public-body";
const std::string kNotAYear = ", which is not a year (four digits, 1000 to 2999)";

// A project document (line 2) with the given period line (line 5).
std::string project_with_period(std::string_view period) {
  return export_of("  <project id=\"prj-a\">\n    <title>T</title>\n    <type>mooc</type>\n    " + std::string(period) +
                   "\n  </project>\n");
}

// A resource document (line 2) whose title is line 3, followed by `more` (from line 4).
std::string resource_with(std::string_view more, std::string_view id_attribute = R"(id="res-a")") {
  return export_of("  <resource " + std::string(id_attribute) + ">\n    <title>T</title>\n" + std::string(more) +
                   "  </resource>\n");
}

std::vector<FaultCase> fault_cases() {
  return {
      {"MalformedXml",
       "<citego-export version=\"1\">\n  <resource id=\"res-a\">\n    <title>T</summary>\n  </resource>\n"
       "</citego-export>\n",
       {"t.xml:3:13: error: malformed XML: Start-end tags mismatch"}},
      {"EmptyInput", "", {"t.xml:1:1: error: malformed XML: No document element found"}},
      {"WrongRoot",
       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<export version=\"1\">\n</export>\n",
       {"t.xml:2:1: error: root element is <export>, expected <citego-export>"}},
      {"WrongVersion",
       export_of(R"(  <resource id="res-a"><title>T</title></resource>
)",
                 R"(version="3" xml:lang="fr")"),
       {"t.xml:1:1: error: <citego-export> has version \"3\"; this indexer reads versions 1 and 2"}},
      {"MissingVersion",
       export_of("", R"(xml:lang="fr")"),
       {"t.xml:1:1: error: <citego-export> has no version attribute (expected \"1\" or \"2\")"}},
      {"UnsupportedRootLanguage",
       export_of("", R"(version="1" xml:lang="de")"),
       {"t.xml:1:1: error: <citego-export> has an unsupported language \"de\" (expected fr, en, es or pt)"}},
      {"UnknownRootAttribute",
       export_of(R"(  <resource id="res-a"><title>T</title></resource>
)",
                 R"(version="1" xml:lang="fr" foo="x")"),
       {"t.xml:1:1: error: <citego-export> has an unknown attribute foo"},
       {"res-a"}},
      {"RootWithoutLanguage",
       export_of(R"(  <resource id="res-a"><title>T</title></resource>
)",
                 R"(version="1")"),
       {"t.xml:1:1: error: <citego-export> has no xml:lang attribute (the documents' default language: fr, en, es "
        "or pt)"},
       {}},
      {"EmptyOptionalElementsListsAndRoles",
       export_of(R"(  <project id="prj-a"><title>T</title><type>mooc</type><period start="2016"/><summary> </summary>
    <participants/></project>
  <project id="prj-b"><title>T</title><type>mooc</type><period start="2016"/>
    <participants><participant ref="org-x" role=" "/></participants></project>
)"),
       {"t.xml:2:78: error: <project> \"prj-a\" has an empty <summary>",
        "t.xml:3:5: error: <project> \"prj-a\" has an empty <participants>",
        "t.xml:5:19: error: <project> \"prj-b\" has an empty role on <participant>"},
       {}},
      {"MissingRequiredElement",
       export_of("  <project id=\"prj-a\">\n    <title>T</title>\n    <type>mooc</type>\n  </project>\n"),
       {"t.xml:2:3: error: <project> \"prj-a\" has no <period>"}},
      {"MissingRequiredElements",
       export_of("  <organisation id=\"org-a\">\n    <acronym>A</acronym>\n  </organisation>\n"),
       {"t.xml:2:3: error: <organisation> \"org-a\" has no <name>",
        "t.xml:2:3: error: <organisation> \"org-a\" has no <kind>"}},
      {"EmptyTitle",
       export_of("  <resource id=\"res-a\">\n    <title> \n </title>\n  </resource>\n"),
       {"t.xml:3:5: error: <resource> \"res-a\" has an empty <title>"}},
      {"UnknownKind",
       export_of("  <organisation id=\"org-a\">\n    <name>N</name>\n    <kind>ngo</kind>\n  </organisation>\n"),
       {"t.xml:4:5: error: <organisation> \"org-a\" has an unknown kind \"ngo\" (expected one of: " + kKinds + ")"}},
      {"UnknownCategory",
       resource_with("    <category>essay</category>\n"),
       {"t.xml:4:5: error: <resource> \"res-a\" has an unknown category \"essay\" (expected one of: analysis, "
        "case-study, proposal, resource-sheet, territory, concept)"}},
      {"UnknownProjectType",
       export_of("  <project id=\"prj-a\">\n    <title>T</title>\n    <type>webinar</type>\n"
                 "    <period start=\"2016\"/>\n  </project>\n"),
       {"t.xml:4:5: error: <project> \"prj-a\" has an unknown type \"webinar\" (expected one of: dossier, mooc, "
        "showcase)"}},
      {"BadYear",
       resource_with("    <year>20x6</year>\n"),
       {"t.xml:4:5: error: <resource> \"res-a\" has a year \"20x6\"" + kNotAYear}},
      {"YearOutOfRange",
       resource_with("    <year>3000</year>\n"),
       {"t.xml:4:5: error: <resource> \"res-a\" has a year \"3000\"" + kNotAYear}},
      {"PeriodEndsBeforeItStarts",
       project_with_period(R"(<period start="2018" end="2016"/>)"),
       {"t.xml:5:5: error: <project> \"prj-a\" has a period that ends (2016) before it starts (2018)"}},
      {"BadPeriodStart",
       project_with_period(R"(<period start="999"/>)"),
       {"t.xml:5:5: error: <project> \"prj-a\" has a period start \"999\"" + kNotAYear}},
      {"BadPeriodEnd",
       project_with_period(R"(<period start="2015" end="2x"/>)"),
       {"t.xml:5:5: error: <project> \"prj-a\" has a period end \"2x\"" + kNotAYear}},
      {"PeriodWithoutStart",
       project_with_period(R"(<period end="2016"/>)"),
       {"t.xml:5:5: error: <project> \"prj-a\" has a <period> without start"}},
      {"UnknownElement",
       export_of("  <organisation id=\"org-a\">\n    <name>N</name>\n    <kind>media</kind>\n"
                 "    <phone>0123</phone>\n  </organisation>\n"),
       {"t.xml:5:5: error: <organisation> \"org-a\" has an unknown element <phone>"}},
      {"ElementOfAnotherDocumentType",
       resource_with("    <kind>media</kind>\n"),
       {"t.xml:4:5: error: <resource> \"res-a\" has an unknown element <kind>"}},
      {"UnknownDocumentElement",
       export_of("  <event id=\"evt-a\"/>\n  <resource id=\"res-a\"><title>T</title></resource>\n"),
       {"t.xml:2:3: error: unknown element <event> in <citego-export> (expected <organisation>, <project> or "
        "<resource>)"},
       {"res-a"}},
      {"UnknownAttribute",
       resource_with("", R"(id="res-a" lang="fr")"),
       {"t.xml:2:3: error: <resource> \"res-a\" has an unknown attribute lang"}},
      {"UnknownAttributeOnAChild",
       resource_with("    <summary lang=\"fr\">S</summary>\n"),
       {"t.xml:4:5: error: <resource> \"res-a\" has an unknown attribute lang on <summary>"}},
      {"UnsupportedLanguage",
       resource_with("", R"(id="res-a" xml:lang="de")"),
       {"t.xml:2:3: error: <resource> \"res-a\" has an unsupported language \"de\" (expected fr, en, es or pt)"}},
      {"RepeatedChildElement",
       resource_with("    <year>2016</year>\n    <title>Again</title>\n"),
       {"t.xml:5:5: error: <resource> \"res-a\" has more than one <title>"}},
      {"InvalidUtf8InTitle",
       export_of("  <resource id=\"res-a\">\n    <title>Bad \xFF byte</title>\n  </resource>\n"),
       {"t.xml:3:5: error: <resource> \"res-a\" has invalid UTF-8 in <title>"}},
      {"InvalidUtf8InKind",
       export_of("  <organisation id=\"org-a\">\n    <name>N</name>\n    <kind>m\xC3"
                 "dia</kind>\n"
                 "  </organisation>\n"),
       {"t.xml:4:5: error: <organisation> \"org-a\" has invalid UTF-8 in <kind>"}},
      {"InvalidUtf8InAuthor",
       resource_with("    <authors><author>Ana Sim\xF5"
                     "es</author></authors>\n"),
       {"t.xml:4:14: error: <resource> \"res-a\" has invalid UTF-8 in <author>"}},
      {"MissingId", resource_with("", ""), {"t.xml:2:3: error: <resource> has no id attribute"}},
      {"InvalidId",
       resource_with("", R"(id="Res_1")"),
       {"t.xml:2:3: error: <resource> has an invalid id \"Res_1\" (expected lower-case letters, digits and '-', at "
        "most 64)"}},
      {"IdStartingWithAHyphen",
       resource_with("", R"(id="-res")"),
       {"t.xml:2:3: error: <resource> has an invalid id \"-res\" (expected lower-case letters, digits and '-', at "
        "most 64)"}},
      {"IdTooLong",
       resource_with("", "id=\"" + std::string(65, 'a') + "\""),
       {"t.xml:2:3: error: <resource> has an invalid id \"" + std::string(65, 'a') +
        "\" (expected lower-case letters, digits and '-', at most 64)"}},
      {"LinkWithoutRefAndWithInvalidRef",
       resource_with("    <links>\n      <link/>\n      <link ref=\"Prj A\"/>\n    </links>\n"),
       {"t.xml:5:7: error: <resource> \"res-a\" has a <link> without ref",
        "t.xml:6:7: error: <resource> \"res-a\" has a <link> with an invalid ref \"Prj A\""}},
  };
}

INSTANTIATE_TEST_SUITE_P(Faults, ParseExportFault, ::testing::ValuesIn(fault_cases()),
                         [](const ::testing::TestParamInfo<FaultCase>& param_info) { return param_info.param.name; });

// ---------------------------------------------------------------------------------------------------------------
// Version 2: the local faults of dossiers, fiches and thesaurus entries, and of urls in both versions.

// A fiche (line 2) whose title and type are line 3, followed by `more` (from line 4).
std::string fiche_with(std::string_view more, std::string_view attributes = R"(id="fic-a")") {
  return export_v2("  <fiche " + std::string(attributes) + ">\n    <title>T</title><type>case</type>\n" +
                   std::string(more) + "  </fiche>\n");
}

// A fiche dated `date` (line 4, column 5).
std::string fiche_dated(std::string_view date) { return fiche_with("    <date>" + std::string(date) + "</date>\n"); }

// A dossier (line 2) whose title and period are line 3, followed by `more` (from line 4).
std::string dossier_with(std::string_view more) {
  return export_v2("  <dossier id=\"dos-a\">\n    <title>T</title><period start=\"2016\"/>\n" + std::string(more) +
                   "  </dossier>\n");
}

// A place (line 2) with the given attributes and a French label.
std::string place_with(std::string_view attributes) {
  return export_v2("  <place " + std::string(attributes) + "><label xml:lang=\"fr\">L</label></place>\n");
}

// A descriptor (line 2) whose children, from line 3, are `children`.
std::string descriptor_with(std::string_view children, std::string_view attributes = R"(id="dsc-a")") {
  return export_v2("  <descriptor " + std::string(attributes) + ">\n" + std::string(children) + "  </descriptor>\n");
}

const std::string kFicheTypes = "introduction, analysis, case, proposal, resource, notion";
const std::string kNoDate = ", which is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)";
const std::string kNoUrl = " that does not start with http:// or https://";
const std::string kNeedsVersion2 = " needs version 2 of the export format (this file is version 1)";
const std::string kAllElements =
    "(expected <organisation>, <project>, <resource>, <dossier>, <fiche>, <person>, <descriptor> or <place>)";

std::vector<FaultCase> version_2_cases() {
  return {
      // The root and its version
      {"Version2ElementsInAVersion1File",
       export_of("  <fiche id=\"fic-a\"><title>T</title><type>case</type></fiche>\n"
                 "  <dossier id=\"dos-a\"><title>T</title><period start=\"2016\"/></dossier>\n"
                 "  <person id=\"per-a\"><name>N</name></person>\n"
                 "  <descriptor id=\"dsc-a\"><label xml:lang=\"fr\">L</label></descriptor>\n"
                 "  <place id=\"plc-europe\" level=\"continent\"><label xml:lang=\"fr\">Europe</label></place>\n"
                 "  <resource id=\"res-a\"><title>T</title></resource>\n"),
       {"t.xml:2:3: error: <fiche>" + kNeedsVersion2, "t.xml:3:3: error: <dossier>" + kNeedsVersion2,
        "t.xml:4:3: error: <person>" + kNeedsVersion2, "t.xml:5:3: error: <descriptor>" + kNeedsVersion2,
        "t.xml:6:3: error: <place>" + kNeedsVersion2},
       {"res-a"}},
      {"UnknownElementInAVersion2File",
       export_v2("  <event id=\"evt-a\"/>\n  <resource id=\"res-a\"><title>T</title></resource>\n"),
       {"t.xml:2:3: error: unknown element <event> in <citego-export> " + kAllElements},
       {"res-a"}},

      // Urls, in both versions
      {"JavascriptUrl",
       resource_with("    <url>javascript:alert(document.cookie)</url>\n"),
       {"t.xml:4:5: error: <resource> \"res-a\" has a <url> \"javascript:alert(document.cookie)\"" + kNoUrl}},
      {"UrlWithoutScheme",
       export_of("  <organisation id=\"org-a\">\n    <name>N</name>\n    <kind>media</kind>\n"
                 "    <url>www.example.org</url>\n  </organisation>\n"),
       {"t.xml:5:5: error: <organisation> \"org-a\" has a <url> \"www.example.org\"" + kNoUrl}},
      {"FileUrlInAFiche",
       fiche_with("    <url>file:///etc/passwd</url>\n"),
       {"t.xml:4:5: error: <fiche> \"fic-a\" has a <url> \"file:///etc/passwd\"" + kNoUrl}},
      {"DataUrlInADossier",
       dossier_with("    <url>data:text/html,x</url>\n"),
       {"t.xml:4:5: error: <dossier> \"dos-a\" has a <url> \"data:text/html,x\"" + kNoUrl}},

      // Fiches
      {"MissingFicheType",
       export_v2("  <fiche id=\"fic-a\">\n    <title>T</title>\n  </fiche>\n"),
       {"t.xml:2:3: error: <fiche> \"fic-a\" has no <type>"}},
      {"UnknownFicheType",
       export_v2("  <fiche id=\"fic-a\">\n    <title>T</title>\n    <type>essay</type>\n  </fiche>\n"),
       {"t.xml:4:5: error: <fiche> \"fic-a\" has an unknown type \"essay\" (expected one of: " + kFicheTypes + ")"}},
      {"ProjectTypeInAFiche",
       export_v2("  <fiche id=\"fic-a\">\n    <title>T</title>\n    <type>mooc</type>\n  </fiche>\n"),
       {"t.xml:4:5: error: <fiche> \"fic-a\" has an unknown type \"mooc\" (expected one of: " + kFicheTypes + ")"}},
      {"DateWithSlashes",
       fiche_dated("14/03/2017"),
       {"t.xml:4:5: error: <fiche> \"fic-a\" has a date \"14/03/2017\"" + kNoDate}},
      {"DateWithOneDigitMonth",
       fiche_dated("2017-3-14"),
       {"t.xml:4:5: error: <fiche> \"fic-a\" has a date \"2017-3-14\"" + kNoDate}},
      {"DateWithATime",
       fiche_dated("2017-03-14T10:00"),
       {"t.xml:4:5: error: <fiche> \"fic-a\" has a date \"2017-03-14T10:00\"" + kNoDate}},
      {"DateOfAYearTooEarly",
       fiche_dated("0999-05"),
       {"t.xml:4:5: error: <fiche> \"fic-a\" has a date \"0999-05\" with a year outside 1000 to 2999"}},
      {"DateOfAYearTooLate",
       fiche_dated("3000"),
       {"t.xml:4:5: error: <fiche> \"fic-a\" has a date \"3000\" with a year outside 1000 to 2999"}},
      {"DateOfMonth13",
       fiche_dated("2017-13"),
       {"t.xml:4:5: error: <fiche> \"fic-a\" has a date \"2017-13\", which does not exist (months are 01 to 12)"}},
      {"DateOfMonth00",
       fiche_dated("2017-00-10"),
       {"t.xml:4:5: error: <fiche> \"fic-a\" has a date \"2017-00-10\", which does not exist (months are 01 to 12)"}},
      {"February29OfACommonYear",
       fiche_dated("2019-02-29"),
       {"t.xml:4:5: error: <fiche> \"fic-a\" has a date \"2019-02-29\", which does not exist (2019-02 has 28 days)"}},
      {"February29Of1900",
       fiche_dated("1900-02-29"),
       {"t.xml:4:5: error: <fiche> \"fic-a\" has a date \"1900-02-29\", which does not exist (1900-02 has 28 days)"}},
      {"April31",
       fiche_dated("2017-04-31"),
       {"t.xml:4:5: error: <fiche> \"fic-a\" has a date \"2017-04-31\", which does not exist (2017-04 has 30 days)"}},
      {"Day00",
       fiche_dated("2017-01-00"),
       {"t.xml:4:5: error: <fiche> \"fic-a\" has a date \"2017-01-00\", which does not exist (2017-01 has 31 days)"}},
      {"EmptyDate", fiche_dated(" "), {"t.xml:4:5: error: <fiche> \"fic-a\" has an empty <date>"}},
      {"AuthorWithRefAndText",
       fiche_with("    <authors><author ref=\"per-a\">Ana</author></authors>\n"),
       {"t.xml:4:14: error: <fiche> \"fic-a\" has an <author> with both a ref and text (a person's ref or a name, "
        "not both)"}},
      {"AuthorWithNeither",
       fiche_with("    <authors><author/><author> </author></authors>\n"),
       {"t.xml:4:14: error: <fiche> \"fic-a\" has an <author> with neither a ref nor text (a person's ref or a name)",
        "t.xml:4:23: error: <fiche> \"fic-a\" has an <author> with neither a ref nor text (a person's ref or a "
        "name)"}},
      {"AuthorWithAnInvalidRefOrAnotherAttribute",
       fiche_with("    <authors>\n      <author ref=\"Per A\"/>\n      <author role=\"x\">Ana</author>\n"
                  "    </authors>\n"),
       {"t.xml:5:7: error: <fiche> \"fic-a\" has a <author> with an invalid ref \"Per A\"",
        "t.xml:6:7: error: <fiche> \"fic-a\" has an unknown attribute role on <author>"}},
      {"LongFreeTextAuthor",
       fiche_with("    <authors><author>" + std::string(201, 'a') + "</author></authors>\n"),
       {"t.xml:4:14: error: <fiche> \"fic-a\" has a <author> longer than the limit of 200 characters"}},
      {"EmptyListsOfAFiche",
       fiche_with("    <authors/>\n    <dossiers/>\n    <links/>\n    <descriptors> </descriptors>\n    <places/>\n"
                  "    <keywords/>\n"),
       {"t.xml:4:5: error: <fiche> \"fic-a\" has an empty <authors>",
        "t.xml:5:5: error: <fiche> \"fic-a\" has an empty <dossiers>",
        "t.xml:6:5: error: <fiche> \"fic-a\" has an empty <links>",
        "t.xml:7:5: error: <fiche> \"fic-a\" has an empty <descriptors>",
        "t.xml:8:5: error: <fiche> \"fic-a\" has an empty <places>",
        "t.xml:9:5: error: <fiche> \"fic-a\" has an empty <keywords>"}},
      {"WrongItemsInFicheLists",
       fiche_with("    <descriptors><place ref=\"plc-fr\"/></descriptors>\n"
                  "    <dossiers><dossier ref=\"dos-a\"/>text</dossiers>\n"),
       {"t.xml:4:18: error: <fiche> \"fic-a\" has an unknown element <place> in <descriptors>",
        "t.xml:4:5: error: <fiche> \"fic-a\" has an empty <descriptors>",
        "t.xml:5:5: error: <fiche> \"fic-a\" has text directly inside <dossiers>"}},
      {"BadReferencesOfAFiche",
       fiche_with("    <places><place/><place ref=\"plc-fr\" role=\"x\"/><place ref=\"plc-fr\">x</place></places>\n"
                  "    <translation-of ref=\"FIC\"/>\n"),
       {"t.xml:4:13: error: <fiche> \"fic-a\" has a <place> without ref",
        "t.xml:4:21: error: <fiche> \"fic-a\" has an unknown attribute role on <place>",
        "t.xml:4:51: error: <fiche> \"fic-a\" has content inside <place>, which takes attributes only",
        "t.xml:5:5: error: <fiche> \"fic-a\" has a <translation-of> with an invalid ref \"FIC\""}},
      {"TranslationOfWithoutRef",
       fiche_with("    <translation-of/>\n"),
       {"t.xml:4:5: error: <fiche> \"fic-a\" has a <translation-of> without ref"}},
      {"RepeatedTranslationOfAndDate",
       fiche_with("    <translation-of ref=\"fic-b\"/>\n    <date>2017</date>\n    <translation-of ref=\"fic-c\"/>\n"
                  "    <date>2018</date>\n"),
       {"t.xml:6:5: error: <fiche> \"fic-a\" has more than one <translation-of>",
        "t.xml:7:5: error: <fiche> \"fic-a\" has more than one <date>"}},
      {"ElementsOfOtherKindsInAFiche",
       fiche_with("    <period start=\"2016\"/>\n    <category>analysis</category>\n    <coordinator ref=\"per-a\"/>\n"
                  "    <year>2016</year>\n"),
       {"t.xml:4:5: error: <fiche> \"fic-a\" has an unknown element <period>",
        "t.xml:5:5: error: <fiche> \"fic-a\" has an unknown element <category>",
        "t.xml:6:5: error: <fiche> \"fic-a\" has an unknown element <coordinator>",
        "t.xml:7:5: error: <fiche> \"fic-a\" has an unknown element <year>"}},
      {"EmptySource",
       fiche_with("    <source> </source>\n"),
       {"t.xml:4:5: error: <fiche> \"fic-a\" has an empty <source>"}},
      {"LongSource",
       fiche_with("    <source>" + std::string(1001, 's') + "</source>\n"),
       {"t.xml:4:5: error: <fiche> \"fic-a\" has a <source> longer than the limit of 1000 characters"}},
      {"UnknownAttributeOfAFiche",
       fiche_with("", R"(id="fic-a" type="case")"),
       {"t.xml:2:3: error: <fiche> \"fic-a\" has an unknown attribute type"}},

      // Dossiers
      {"DossierWithoutPeriod",
       export_v2("  <dossier id=\"dos-a\">\n    <title>T</title>\n  </dossier>\n"),
       {"t.xml:2:3: error: <dossier> \"dos-a\" has no <period>"}},
      {"DossierPeriodEndsBeforeItStarts",
       export_v2("  <dossier id=\"dos-a\">\n    <title>T</title>\n    <period start=\"2018\" end=\"2017\"/>\n"
                 "  </dossier>\n"),
       {"t.xml:4:5: error: <dossier> \"dos-a\" has a period that ends (2017) before it starts (2018)"}},
      {"BadPartnersAndCoordinator",
       dossier_with("    <partners><partner ref=\"org-a\" role=\"\"/><participant ref=\"org-b\"/></partners>\n"
                    "    <coordinator/>\n"
                    "    <coordinator ref=\"per-b\"/>\n"),
       {"t.xml:4:15: error: <dossier> \"dos-a\" has an empty role on <partner>",
        "t.xml:4:45: error: <dossier> \"dos-a\" has an unknown element <participant> in <partners>",
        "t.xml:5:5: error: <dossier> \"dos-a\" has a <coordinator> without ref",
        "t.xml:6:5: error: <dossier> \"dos-a\" has more than one <coordinator>"}},
      {"CoordinatorWithContent",
       dossier_with("    <coordinator ref=\"per-a\">Ana</coordinator>\n"),
       {"t.xml:4:5: error: <dossier> \"dos-a\" has content inside <coordinator>, which takes attributes only"}},
      {"ElementsOfOtherKindsInADossier",
       dossier_with("    <type>dossier</type>\n    <participants><participant ref=\"org-a\"/></participants>\n"
                    "    <date>2017</date>\n    <links><link ref=\"prj-a\"/></links>\n"),
       {"t.xml:4:5: error: <dossier> \"dos-a\" has an unknown element <type>",
        "t.xml:5:5: error: <dossier> \"dos-a\" has an unknown element <participants>",
        "t.xml:6:5: error: <dossier> \"dos-a\" has an unknown element <date>",
        "t.xml:7:5: error: <dossier> \"dos-a\" has an unknown element <links>"}},

      // Persons
      {"PersonWithoutName",
       export_v2("  <person id=\"per-a\">\n    <affiliation ref=\"org-a\"/>\n  </person>\n"),
       {"t.xml:2:3: error: <person> \"per-a\" has no <name>"}},
      {"PersonWithTwoAffiliations",
       export_v2("  <person id=\"per-a\"><name>N</name>\n    <affiliation ref=\"org-a\"/>\n"
                 "    <affiliation ref=\"org-b\"/>\n  </person>\n"),
       {"t.xml:4:5: error: <person> \"per-a\" has more than one <affiliation>"}},
      {"BadAffiliationAndUnknownChild",
       export_v2("  <person id=\"per-a\" xml:lang=\"fr\"><name>N</name>\n    <affiliation organisation=\"org-a\"/>\n"
                 "    <label xml:lang=\"fr\">N</label>\n  </person>\n"),
       {"t.xml:2:3: error: <person> \"per-a\" has an unknown attribute xml:lang",
        "t.xml:3:5: error: <person> \"per-a\" has an unknown attribute organisation on <affiliation>",
        "t.xml:3:5: error: <person> \"per-a\" has a <affiliation> without ref",
        "t.xml:4:5: error: <person> \"per-a\" has an unknown element <label>"}},
      {"LongPersonName",
       export_v2("  <person id=\"per-a\"><name>" + std::string(201, 'n') + "</name></person>\n"),
       {"t.xml:2:22: error: <person> \"per-a\" has a <name> longer than the limit of 200 characters"}},
      {"PersonWithoutId",
       export_v2("  <person><name>N</name></person>\n"),
       {"t.xml:2:3: error: <person> has no id attribute"}},

      // Descriptors and labels
      {"UnknownDescriptorFamily",
       descriptor_with("    <label xml:lang=\"fr\">L</label>\n", R"(id="dsc-a" family="economy")"),
       {"t.xml:2:3: error: <descriptor> \"dsc-a\" has an unknown family \"economy\" (expected one of: territory, "
        "governance)"}},
      {"DescriptorWithoutLabel",
       descriptor_with("    <related ref=\"dsc-b\"/>\n"),
       {"t.xml:2:3: error: <descriptor> \"dsc-a\" has no <label>"}},
      {"DuplicateLabelLanguage",
       descriptor_with("    <label xml:lang=\"fr\">budget participatif</label>\n"
                       "    <label xml:lang=\"en\">participatory budgeting</label>\n"
                       "    <label xml:lang=\"fr\">budget participatif (bis)</label>\n"),
       {"t.xml:5:5: error: <descriptor> \"dsc-a\" has more than one <label xml:lang=\"fr\">"}},
      {"LabelWithoutOrInAnUnsupportedLanguage",
       descriptor_with("    <label>L</label>\n    <label xml:lang=\"de\">L</label>\n"
                       "    <label xml:lang=\"fr\" lang=\"fr\">L</label>\n"),
       {"t.xml:3:5: error: <descriptor> \"dsc-a\" has a <label> without xml:lang (expected fr, en, es or pt)",
        "t.xml:4:5: error: <descriptor> \"dsc-a\" has a <label> in an unsupported language \"de\" (expected fr, en, "
        "es or pt)",
        "t.xml:5:5: error: <descriptor> \"dsc-a\" has an unknown attribute lang on <label>"}},
      {"EmptyAndLongLabels",
       descriptor_with("    <label xml:lang=\"fr\"> </label>\n    <label xml:lang=\"en\">" + std::string(201, 'l') +
                       "</label>\n"),
       {"t.xml:3:5: error: <descriptor> \"dsc-a\" has an empty <label>",
        "t.xml:4:5: error: <descriptor> \"dsc-a\" has a <label> longer than the limit of 200 characters"}},
      {"BadRelated",
       descriptor_with("    <label xml:lang=\"fr\">L</label>\n    <related/>\n"
                       "    <related ref=\"dsc-b\" family=\"x\"/>\n"),
       {"t.xml:4:5: error: <descriptor> \"dsc-a\" has a <related> without ref",
        "t.xml:5:5: error: <descriptor> \"dsc-a\" has an unknown attribute family on <related>"}},
      {"DescriptorsInADescriptor",
       descriptor_with("    <label xml:lang=\"fr\">L</label>\n"
                       "    <descriptors><descriptor ref=\"dsc-b\"/></descriptors>\n"),
       {"t.xml:4:5: error: <descriptor> \"dsc-a\" has an unknown element <descriptors>"}},

      // Places
      {"PlaceWithoutLevel",
       place_with(R"(id="plc-a" parent="plc-fr")"),
       {"t.xml:2:3: error: <place> \"plc-a\" has no level attribute (expected one of: continent, country, region, "
        "city)"}},
      {"UnknownPlaceLevel",
       place_with(R"(id="plc-a" level="town" parent="plc-fr")"),
       {"t.xml:2:3: error: <place> \"plc-a\" has an unknown level \"town\" (expected one of: continent, country, "
        "region, city)"}},
      {"CountryWithoutCode",
       place_with(R"(id="plc-fr" level="country" parent="plc-europe")"),
       {"t.xml:2:3: error: <place> \"plc-fr\" has no code attribute (a country needs its ISO 3166 alpha-2 code)"}},
      {"CodeOnACity",
       place_with(R"(id="plc-lyon" level="city" code="FR" parent="plc-fr")"),
       {"t.xml:2:3: error: <place> \"plc-lyon\" has a code attribute, which only a country takes (its level is "
        "city)"}},
      {"UnknownIsoCode",
       place_with(R"(id="plc-zz" level="country" code="ZZ" parent="plc-europe")"),
       {"t.xml:2:3: error: <place> \"plc-zz\" has a code \"ZZ\" that is no country's ISO 3166 alpha-2 code"}},
      {"LowerCaseIsoCode",
       place_with(R"(id="plc-fr" level="country" code="fr" parent="plc-europe")"),
       {"t.xml:2:3: error: <place> \"plc-fr\" has a code \"fr\" that is not an ISO 3166 alpha-2 code (two capital "
        "letters)"}},
      {"ContinentWithParent",
       place_with(R"(id="plc-europe" level="continent" parent="plc-world")"),
       {"t.xml:2:3: error: <place> \"plc-europe\" has a parent attribute, which a continent does not take"}},
      {"RegionWithoutParent",
       place_with(R"(id="plc-ile-de-france" level="region")"),
       {"t.xml:2:3: error: <place> \"plc-ile-de-france\" has no parent attribute (only a continent has none; a "
        "region is inside another place)"}},
      {"InvalidParent",
       place_with(R"(id="plc-lyon" level="city" parent="Plc FR")"),
       {"t.xml:2:3: error: <place> \"plc-lyon\" has an invalid parent \"Plc FR\" (expected lower-case letters, "
        "digits and '-', at most 64)"}},
      {"PlaceWithRelatedAndNoLabel",
       export_v2("  <place id=\"plc-europe\" level=\"continent\">\n    <related ref=\"plc-africa\"/>\n  </place>\n"),
       {"t.xml:3:5: error: <place> \"plc-europe\" has an unknown element <related>",
        "t.xml:2:3: error: <place> \"plc-europe\" has no <label>"}},
      {"FaultyEntriesAreDroppedTheOthersKept",
       export_v2("  <person id=\"per-a\"><name>A</name></person>\n"
                 "  <person id=\"per-b\"><name> </name></person>\n"
                 "  <place id=\"plc-europe\" level=\"continent\"><label xml:lang=\"fr\">Europe</label></place>\n"
                 "  <fiche id=\"fic-a\"><title>T</title><type>case</type></fiche>\n"),
       {"t.xml:3:22: error: <person> \"per-b\" has an empty <name>"},
       {"fic-a"},
       {"per-a", "plc-europe"}},
  };
}

INSTANTIATE_TEST_SUITE_P(Version2, ParseExportFault, ::testing::ValuesIn(version_2_cases()),
                         [](const ::testing::TestParamInfo<FaultCase>& param_info) { return param_info.param.name; });

// ---------------------------------------------------------------------------------------------------------------
// Strict XML 1.0: what the XML parser alone would let through. A file with such a fault gives one diagnostic and no
// records.

// A document on line 2 whose <title> text starts at column 31.
std::string titled(std::string_view title) {
  return export_of("  <resource id=\"res-a\"><title>" + std::string(title) + "</title></resource>\n");
}

const std::string kDocument = "  <resource id=\"res-a\"><title>T</title></resource>\n";

// ASCII text as UTF-16, with or without a byte order mark.
std::string utf16(std::string_view ascii, bool big_endian, bool bom) {
  std::string out = bom ? (big_endian ? "\xFE\xFF" : "\xFF\xFE") : "";
  for (char c : ascii) {
    out += big_endian ? std::string{'\0', c} : std::string{c, '\0'};
  }
  return out;
}

const std::string kUtf8Only = "; citego-index reads UTF-8 only (convert it, e.g. with iconv -f ";
const std::string kDeclaredOther =
    "; citego-index reads UTF-8, ISO-8859-1 and Windows-1252 (convert it, e.g. with iconv -f ";
const std::string kNotAllowed = ", which XML does not allow";
const std::string kTooLong =
    " longer than 1048576 bytes (the limit of one text node or attribute value; see "
    "schema/README.md)";

std::vector<FaultCase> strict_xml_cases() {
  return {
      {"SecondRootElement",
       export_of(kDocument) + "<citego-export version=\"1\" xml:lang=\"fr\">\n" +
           "  <resource id=\"res-b\"><title>B</title></resource>\n</citego-export>\n",
       {"t.xml:4:1: error: malformed XML: a second root element <citego-export> (an export has one root element)"}},
      {"TextAfterTheRoot",
       export_of(kDocument) + "  more\n",
       {"t.xml:4:3: error: malformed XML: text after the root element"}},
      {"TextBeforeTheRoot",
       "x" + export_of(kDocument),
       {"t.xml:1:1: error: malformed XML: text before the root element"}},
      {"EndTagAfterTheRoot",
       export_of(kDocument) + "</citego-export>\n",
       {"t.xml:4:1: error: malformed XML: an end tag </citego-export> with no element open"}},
      {"XmlDeclarationAfterTheRoot",
       export_of(kDocument) + "<?xml version=\"1.0\"?>\n",
       {"t.xml:4:1: error: malformed XML: an XML declaration that is not at the start of the file"}},
      {"XmlDeclarationAfterWhiteSpace",
       "\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + export_of(kDocument),
       {"t.xml:2:1: error: malformed XML: an XML declaration that is not at the start of the file"}},
      {"Doctype",
       "<!DOCTYPE citego-export>\n" + export_of(kDocument),
       {"t.xml:1:1: error: a DOCTYPE or another markup declaration, which an export may not have (no DTD, no entity "
        "declarations)"}},
      {"EntityExpansion",
       "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n  <!ENTITY lol \"lol\">\n  <!ENTITY lol2 "
       "\"&lol;&lol;&lol;\">\n]>\n" +
           titled("&lol2;"),
       {"t.xml:2:1: error: a DOCTYPE or another markup declaration, which an export may not have (no DTD, no entity "
        "declarations)"}},
      {"ExternalEntity",
       "<!DOCTYPE citego-export [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n" + titled("&xxe;"),
       {"t.xml:1:1: error: a DOCTYPE or another markup declaration, which an export may not have (no DTD, no entity "
        "declarations)"}},
      {"UndeclaredEntity",
       titled("&lol9;"),
       {"t.xml:2:31: error: malformed XML: undeclared entity &lol9; (an export may use &lt; &gt; &amp; &quot; &apos; "
        "and character references only)"}},
      {"AmpersandThatStartsNoReference",
       titled("Tom & Jerry"),
       {"t.xml:2:35: error: malformed XML: '&' that starts no entity or character reference (write &amp;)"}},
      {"MalformedCharacterReference",
       titled("&#x;"),
       {"t.xml:2:31: error: malformed XML: a malformed character reference (expected &#digits; or &#xhex-digits;)"}},
      {"NulCharacterReference",
       titled("A&#0;B"),
       {"t.xml:2:32: error: malformed XML: character reference &#0; is not a character XML allows"}},
      {"ControlCharacterReference",
       titled("&#x1B;[31m"),
       {"t.xml:2:31: error: malformed XML: character reference &#x1B; is not a character XML allows"}},
      {"NonCharacterReference",
       titled("&#xFFFE;"),
       {"t.xml:2:31: error: malformed XML: character reference &#xFFFE; is not a character XML allows"}},
      {"SurrogateReference",
       titled("&#55296;"),
       {"t.xml:2:31: error: malformed XML: character reference &#55296; is not a character XML allows"}},
      {"ReferenceBeyondUnicode",
       titled("&#x110000;"),
       {"t.xml:2:31: error: malformed XML: character reference &#x110000; is not a character XML allows"}},
      {"ReferenceInAnAttribute",
       export_of("  <resource id=\"res-&#1;\"><title>T</title></resource>\n"),
       {"t.xml:2:21: error: malformed XML: character reference &#1; is not a character XML allows"}},
      {"RawControlCharacter",
       titled("a\x1B[31mred"),
       {"t.xml:2:32: error: malformed XML: control character U+001B" + kNotAllowed}},
      {"RawNul",
       titled(std::string("a\0b", 3)),
       {"t.xml:2:32: error: malformed XML: control character U+0000" + kNotAllowed}},
      {"RawNonCharacter", titled("\xEF\xBF\xBF"), {"t.xml:2:31: error: malformed XML: character U+FFFF" + kNotAllowed}},
      {"RawControlCharacterInAComment",
       export_of("  <!-- \x07 -->\n" + kDocument),
       {"t.xml:2:8: error: malformed XML: control character U+0007" + kNotAllowed}},
      {"InvalidUtf8InAnAttribute",
       export_of("  <resource id=\"res-\xFF\"><title>T</title></resource>\n"),
       {"t.xml:2:21: error: malformed XML: invalid UTF-8"}},
      {"OverlongUtf8InAComment",
       export_of("  <!-- \xC0\xAF -->\n" + kDocument),
       {"t.xml:2:8: error: malformed XML: invalid UTF-8"}},
      {"EncodedSurrogateInAnElementName",
       export_of("  <resource\xED\xA0\x80 id=\"res-a\"/>\n"),
       {"t.xml:2:12: error: malformed XML: unexpected character in <resource> (expected a space, an attribute, > or "
        "/>)"}},
      {"ShiftJisDeclared",
       "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\n" + export_of(kDocument),
       {"t.xml:1:1: error: declares encoding \"Shift_JIS\"" + kDeclaredOther + "Shift_JIS -t UTF-8)"}},
      {"Utf16Declared",
       "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n" + export_of(kDocument),
       {"t.xml:1:1: error: declares encoding \"UTF-16\"" + kDeclaredOther + "UTF-16 -t UTF-8)"}},
      // Converted, then read: a fault is located in the file as it is (columns in characters).
      {"Latin1DeclaredIsRead", "<?xml version=\"1.0\" encoding=\"latin1\"?>\n" + export_of(kDocument), {}, {"res-a"}},
      {"Latin1FaultAfterAccents",
       "<?xml version='1.0' encoding='ISO-8859-1' standalone='yes'?><citego-export "
       "version=\"1\" xml:lang=\"fr\"><organisation id=\"org-\xE9\"><name>Cit\xE9</name><kind>media</kind>"
       "</organisation></citego-export>",
       {"t.xml:1:102: error: <organisation> has an invalid id \"org-\xC3\xA9\" (expected lower-case letters, digits "
        "and '-', at most 64)"}},
      {"Windows1252Undefined",
       "<?xml version=\"1.0\" encoding=\"CP1252\"?>\n<citego-export version=\"1\">\x80\x9D",
       {"t.xml:2:29: error: byte 0x9D is no character in Windows-1252, the encoding the file declares"}},
      {"Utf16WithByteOrderMark",
       utf16("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n" + export_of(kDocument), false, true),
       {"t.xml:1:1: error: is UTF-16" + kUtf8Only + "UTF-16 -t UTF-8)"}},
      {"Utf16WithoutByteOrderMark",
       utf16(export_of(kDocument), true, false),
       {"t.xml:1:1: error: is UTF-16" + kUtf8Only + "UTF-16 -t UTF-8)"}},
      {"XmlVersion11",
       "<?xml version=\"1.1\"?>\n" + export_of(kDocument),
       {"t.xml:1:1: error: declares XML version \"1.1\"; exports are XML 1.0"}},
      {"XmlDeclarationWithoutVersion",
       "<?xml encoding=\"UTF-8\"?>\n" + export_of(kDocument),
       {"t.xml:1:1: error: malformed XML: a malformed XML declaration (expected <?xml version=\"1.0\" "
        "encoding=\"UTF-8\"?>)"}},
      {"AttributeGivenTwice",
       export_of("  <resource id=\"res-a\" id=\"res-b\"><title>T</title></resource>\n"),
       {"t.xml:2:24: error: malformed XML: attribute id given twice in <resource>"}},
      {"LessThanInAnAttribute",
       export_of("  <resource id=\"a<b\"><title>T</title></resource>\n"),
       {"t.xml:2:18: error: malformed XML: '<' in an attribute value (write &lt;)"}},
      {"LessThanThatStartsNoTag",
       titled("a < b"),
       {"t.xml:2:33: error: malformed XML: '<' that starts no tag (write &lt;)"}},
      {"CdataEndInText", titled("a ]]> b"), {"t.xml:2:33: error: malformed XML: \"]]>\" in text (write ]]&gt;)"}},
      {"DoubleHyphenInAComment",
       export_of("  <!-- a -- b -->\n" + kDocument),
       {"t.xml:2:10: error: malformed XML: \"--\" inside a comment"}},
      {"UnclosedComment",
       export_of("  <!-- a\n" + kDocument),
       {"t.xml:2:3: error: malformed XML: a comment that is not closed (expected -->)"}},
      {"CdataOutsideTheRoot",
       export_of(kDocument) + "<![CDATA[x]]>\n",
       {"t.xml:4:1: error: malformed XML: a CDATA section outside the root element"}},
      {"UnclosedAttributeValue",
       export_of("  <resource id=\"res-a><title>T</title></resource>\n"),
       {"t.xml:2:16: error: malformed XML: an attribute value that is not closed"}},
      {"UnclosedStartTag",
       export_of("  <resource id=\"res-a\""),
       {"t.xml:2:23: error: malformed XML: unexpected character in <resource> (expected a space, an attribute, > or "
        "/>)"}},
      {"HugeTextNode",
       titled(std::string(citego::kMaxTextNodeBytes + 1, 'a')),
       {"t.xml:2:31: error: a text node" + kTooLong}},
      {"HugeCdataSection",
       titled("<![CDATA[" + std::string(citego::kMaxTextNodeBytes + 1, 'a') + "]]>"),
       {"t.xml:2:31: error: a text node" + kTooLong}},
      {"HugeAttributeValue",
       export_of("  <resource id=\"" + std::string(citego::kMaxTextNodeBytes + 1, 'a') +
                 "\"><title>T</title></resource>\n"),
       {"t.xml:2:16: error: an attribute value" + kTooLong}},
  };
}

INSTANTIATE_TEST_SUITE_P(StrictXml, ParseExportFault, ::testing::ValuesIn(strict_xml_cases()),
                         [](const ::testing::TestParamInfo<FaultCase>& param_info) { return param_info.param.name; });

TEST(ParseExport, ReadsWhatXmlAllows) {
  // A byte order mark, a full declaration, comments and processing instructions outside the root, the five
  // predefined entities, character references, CDATA, single quotes, and characters above U+FFFF.
  const std::string xml =
      "\xEF\xBB\xBF<?xml version='1.0' encoding='utf-8' standalone='yes'?>\n<!-- before -->\n"
      "<?citego keep?>\n" +
      export_of(
          "  <resource id='res-a'><title>&lt;a&gt; &amp; &quot;b&apos; &#233;&#xE9;&#x1F600; "
          "<![CDATA[<c> & ]]]]>\xF0\x9F\x98\x80</title></resource>\n") +
      "<!-- after --><?after?>\n";
  const ExportRecord record = only_record(xml);
  EXPECT_EQ(record.id, "res-a");
  EXPECT_EQ(record.title, "<a> & \"b' éé\xF0\x9F\x98\x80 <c> & ]]\xF0\x9F\x98\x80");
}

// ---------------------------------------------------------------------------------------------------------------
// Limits: field lengths in characters once white space is collapsed, and values shown in messages cut to 80
// characters.

// `n` copies of "é" (one character, two bytes).
std::string accents(std::size_t n) {
  std::string text;
  for (std::size_t i = 0; i < n; ++i) text += "é";
  return text;
}

const std::string kCut = std::string(80, 'A') + "…";

std::vector<FaultCase> limit_cases() {
  return {
      {"LongTitle",
       titled(accents(1001)),
       {"t.xml:2:24: error: <resource> \"res-a\" has a <title> longer than the limit of 1000 characters"}},
      {"LongName",
       export_of("  <organisation id=\"org-a\">\n    <name>" + std::string(1001, 'n') +
                 "</name>\n    <kind>media</kind>\n  </organisation>\n"),
       {"t.xml:3:5: error: <organisation> \"org-a\" has a <name> longer than the limit of 1000 characters"}},
      {"LongAcronym",
       export_of("  <organisation id=\"org-a\">\n    <name>N</name>\n    <acronym>" + std::string(101, 'A') +
                 "</acronym>\n    <kind>media</kind>\n  </organisation>\n"),
       {"t.xml:4:5: error: <organisation> \"org-a\" has a <acronym> longer than the limit of 100 characters"}},
      {"LongUrl",
       resource_with("    <url>https://example.org/" + std::string(1981, 'u') + "</url>\n"),
       {"t.xml:4:5: error: <resource> \"res-a\" has a <url> longer than the limit of 2000 characters"}},
      {"LongSummary",
       resource_with("    <summary>" + accents(10001) + "</summary>\n"),
       {"t.xml:4:5: error: <resource> \"res-a\" has a <summary> longer than the limit of 10000 characters"}},
      {"LongDescription",
       export_of("  <organisation id=\"org-a\">\n    <name>N</name>\n    <kind>media</kind>\n    <description>" +
                 std::string(10001, 'd') + "</description>\n  </organisation>\n"),
       {"t.xml:5:5: error: <organisation> \"org-a\" has a <description> longer than the limit of 10000 characters"}},
      {"LongBody",
       resource_with("    <body>" + std::string(100001, 'b') + "</body>\n"),
       {"t.xml:4:5: error: <resource> \"res-a\" has a <body> longer than the limit of 100000 characters"}},
      {"LongAuthor",
       resource_with("    <authors><author>" + std::string(201, 'a') + "</author></authors>\n"),
       {"t.xml:4:14: error: <resource> \"res-a\" has a <author> longer than the limit of 200 characters"}},
      {"LongKeyword",
       resource_with("    <keywords><keyword>" + std::string(201, 'k') + "</keyword></keywords>\n"),
       {"t.xml:4:15: error: <resource> \"res-a\" has a <keyword> longer than the limit of 200 characters"}},
      {"LongRole",
       export_of("  <project id=\"prj-a\"><title>T</title><type>mooc</type><period start=\"2016\"/>\n"
                 "    <participants><participant ref=\"org-a\" role=\"" +
                 std::string(101, 'r') + "\"/></participants></project>\n"),
       {"t.xml:3:19: error: <project> \"prj-a\" has a role longer than the limit of 100 characters on <participant>"}},
      {"TextOverAMebibyteInParts",
       titled("<![CDATA[" + std::string(600000, 'a') + "]]><![CDATA[" + std::string(600000, 'a') + "]]>"),
       {"t.xml:2:24: error: <resource> \"res-a\" has a <title> longer than the limit of 1048576 bytes"}},
      {"LongInvalidIdIsCut",
       resource_with("", "id=\"" + std::string(200, 'A') + "\""),
       {"t.xml:2:3: error: <resource> has an invalid id \"" + kCut +
        "\" (expected lower-case letters, digits and '-', at most 64)"}},
      {"LongUnknownValueIsCut",
       export_of("  <organisation id=\"org-a\">\n    <name>N</name>\n    <kind>" + std::string(100, 'A') +
                 "</kind>\n  </organisation>\n"),
       {"t.xml:4:5: error: <organisation> \"org-a\" has an unknown kind \"" + kCut + "\" (expected one of: " + kKinds +
        ")"}},
      {"LongUnknownElementIsCut",
       resource_with("    <" + std::string(81, 'A') + "/>\n"),
       {"t.xml:4:5: error: <resource> \"res-a\" has an unknown element <" + kCut + ">"}},
      {"ControlCharactersAreShownEscaped",
       resource_with("", "id=\"a&#10;b&#9;&#x85;\""),
       {"t.xml:2:3: error: <resource> has an invalid id \"a\\nb\\t\\u0085\" (expected lower-case letters, digits and "
        "'-', at most 64)"}},
      {"TextInsideParticipants",
       export_of("  <project id=\"prj-a\"><title>T</title><type>mooc</type><period start=\"2016\"/>\n"
                 "    <participants>lost <participant ref=\"org-a\"/></participants></project>\n"),
       {"t.xml:3:5: error: <project> \"prj-a\" has text directly inside <participants>"}},
  };
}

INSTANTIATE_TEST_SUITE_P(Limits, ParseExportFault, ::testing::ValuesIn(limit_cases()),
                         [](const ::testing::TestParamInfo<FaultCase>& param_info) { return param_info.param.name; });

TEST(ParseExport, LimitsCountCharactersOfTheCollapsedText) {
  // 1,000 two-byte characters, and white space that collapses to nothing, are within the title's limit.
  EXPECT_EQ(only_record(titled("\n     " + accents(1000) + "   \n   ")).title, accents(1000));
  const std::string body = std::string(50000, 'b') + "\n\n          " + std::string(49999, 'b');
  EXPECT_EQ(only_record(resource_with("    <body>" + body + "</body>\n")).body.size(), 100000u);
}

TEST(ParseExport, DropsFaultyDocumentsKeepsTheirSiblingsAndReportsEveryFault) {
  const std::string xml = export_of(R"(  <organisation id="org-ok">
    <name>N</name>
    <kind>media</kind>
  </organisation>
  <organisation id="org-bad">
    <name>N</name>
    <kind>ngo</kind>
    <country>France</country>
  </organisation>
  <project id="prj-bad">
    <title>T</title>
    <type>webinar</type>
    <period start="2018" end="2016"/>
  </project>
  <resource id="res-ok">
    <title>T</title>
    <links><link ref="org-ok"/></links>
  </resource>
  <resource id="Res-Bad"/>
  <project id="prj-ok">
    <title>T</title>
    <type>mooc</type>
    <period start="2016"/>
  </project>
)");
  const ParsedExport parsed = parse(xml);
  EXPECT_EQ(ids_of(parsed), (std::vector<std::string>{"org-ok", "res-ok", "prj-ok"}));
  EXPECT_EQ(
      messages_of(parsed),
      (std::vector<std::string>{
          "t.xml:8:5: error: <organisation> \"org-bad\" has an unknown kind \"ngo\" (expected one of: " + kKinds + ")",
          "t.xml:9:5: error: <organisation> \"org-bad\" has a country \"France\" that is not an ISO 3166 alpha-2 "
          "code (two capital letters)",
          "t.xml:13:5: error: <project> \"prj-bad\" has an unknown type \"webinar\" (expected one of: dossier, "
          "mooc, showcase)",
          "t.xml:14:5: error: <project> \"prj-bad\" has a period that ends (2016) before it starts (2018)",
          "t.xml:20:3: error: <resource> has an invalid id \"Res-Bad\" (expected lower-case letters, digits and "
          "'-', at most 64)",
          "t.xml:20:3: error: <resource> has no <title>",
      }));
}

// ---------------------------------------------------------------------------------------------------------------
// Locations on one long line: a minified export

TEST(ParseExport, LocatesEveryDocumentOfAMinifiedExport) {
  // 3,000 documents on line 2, each of exactly 59 characters (60 bytes: "É" takes two), the last with a fault.
  constexpr int kDocuments = 3000;
  constexpr int kChars = 59;
  std::string line;
  for (int k = 1; k <= kDocuments; ++k) {
    char id[16];
    std::snprintf(id, sizeof id, "res-%05d", k);
    const std::string document = std::string("<resource id=\"") + id + "\"><" + (k == kDocuments ? "titel" : "title") +
                                 ">Économie</" + (k == kDocuments ? "titel" : "title") + "></resource>";
    ASSERT_EQ(document.size(), kChars + 1u);
    line += document;
  }
  const ParsedExport parsed = parse(export_of(line + "\n"));
  ASSERT_EQ(parsed.records.size(), static_cast<std::size_t>(kDocuments - 1));
  for (int k = 1; k < kDocuments; ++k) {
    EXPECT_EQ(parsed.records[k - 1].where, at(2, (k - 1) * kChars + 1)) << "document " << k;
  }
  // The last document starts at column 2999 * 59 + 1; its <titel> 25 characters later.
  EXPECT_EQ(messages_of(parsed),
            (std::vector<std::string>{"t.xml:2:176967: error: <resource> \"res-03000\" has an unknown element <titel>",
                                      "t.xml:2:176942: error: <resource> \"res-03000\" has no <title>"}));
}

// ---------------------------------------------------------------------------------------------------------------
// Files

std::string source_path(std::string_view relative) {
  return std::string(CITEGO_SOURCE_DIR) + "/" + std::string(relative);
}

// The bytes of a file of the source tree.
std::string read_source(std::string_view relative) {
  std::ifstream in(source_path(relative), std::ios::binary);
  EXPECT_TRUE(in) << relative;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(ParseExport, AVersion2FileHoldsVersion1DocumentsAsTheyWere) {
  // Every version 1 export of the corpus reads the same records when its root says version="2" (the same length,
  // so the same locations), and alongside a version 2 file in one run.
  for (const std::string relative :
       {"corpus/fixtures/version1/citego-partners.xml", "corpus/fixtures/multilingual/governance-en-es.xml",
        "corpus/fixtures/multilingual/territoires-fr-pt.xml"}) {
    const std::string text = read_source(relative);
    const std::size_t version = text.find("version=\"1\" xml:lang");
    ASSERT_NE(version, std::string::npos) << relative;
    std::string as_v2 = text;
    as_v2[version + 9] = '2';
    const ParsedExport v1 = parse(text);
    const ParsedExport v2 = parse(as_v2);
    EXPECT_EQ(messages_of(v1), std::vector<std::string>{}) << relative;
    EXPECT_EQ(messages_of(v2), std::vector<std::string>{}) << relative;
    EXPECT_FALSE(v1.records.empty()) << relative;
    EXPECT_EQ(v2.records, v1.records) << relative;
    EXPECT_TRUE(v2.entries.empty()) << relative;
  }
}

TEST(ReadExportFile, ReadsTheMultilingualFixtures) {
  using IdLang = std::vector<std::pair<std::string, Lang>>;
  auto read = [](std::string_view relative) {
    const ParsedExport parsed = citego::read_export_file(source_path(relative));
    EXPECT_EQ(messages_of(parsed), std::vector<std::string>{});
    IdLang ids;
    for (const ExportRecord& r : parsed.records) ids.emplace_back(r.id, r.lang);
    return ids;
  };
  EXPECT_EQ(read("corpus/fixtures/multilingual/governance-en-es.xml"),
            (IdLang{{"org-fx-universidad-gestion", Lang::Es},
                    {"prj-fx-mooc-gobernanza", Lang::En},
                    {"prj-fx-vitrine-cities", Lang::En},
                    {"res-fx-participatory-budget", Lang::En},
                    {"res-fx-democracia-participativa", Lang::Es}}));
  EXPECT_EQ(read("corpus/fixtures/multilingual/territoires-fr-pt.xml"),
            (IdLang{{"org-fx-reseau-territoires", Lang::Fr},
                    {"org-fx-instituto-governanca", Lang::Pt},
                    {"prj-fx-democratie-participative", Lang::Fr},
                    {"res-fx-economie-solidaire", Lang::Fr},
                    {"res-fx-orcamento-participativo", Lang::Pt}}));
  EXPECT_EQ(read("corpus/citego-partners.xml").size(), 21u);
}

TEST(ReadExportFile, ReadsTheVersion2FixtureInARunWithVersion1Files) {
  // One run of citego-index reads each input on its own: the v1 fixtures give the records they gave alone, and the
  // v2 fixture its documents (v1 kinds included) and its thesaurus entries.
  const std::vector<std::string> inputs = {"corpus/fixtures/multilingual/governance-en-es.xml",
                                           "corpus/fixtures/version2/atlas-es-fr.xml",
                                           "corpus/fixtures/multilingual/territoires-fr-pt.xml"};
  std::vector<ParsedExport> run;
  for (const std::string& input : inputs) run.push_back(citego::read_export_file(source_path(input)));
  for (std::size_t i = 0; i < inputs.size(); ++i) EXPECT_EQ(messages_of(run[i]), std::vector<std::string>{});
  EXPECT_EQ(run[0].records, citego::read_export_file(source_path(inputs[0])).records);
  EXPECT_EQ(run[2].records, citego::read_export_file(source_path(inputs[2])).records);
  EXPECT_EQ(run[0].records.size(), 5u);
  EXPECT_EQ(run[2].records.size(), 5u);
  EXPECT_TRUE(run[0].entries.empty());
  EXPECT_EQ(ids_of(run[1]),
            (std::vector<std::string>{"org-fx-escuela-barrios", "prj-fx-mooc-presupuestos", "res-fx-guia-presupuestos",
                                      "dos-fx-presupuestos-barrios", "fic-fx-villa-presupuesto-es",
                                      "fic-fx-villa-presupuesto-fr", "fic-fx-partage-savoirs"}));
  EXPECT_EQ(entry_ids_of(run[1]),
            (std::vector<std::string>{"per-fx-rosa-quispe", "per-fx-claire-moreau", "dsc-fx-participatory-budgeting",
                                      "dsc-fx-participatory-democracy", "dsc-fx-informal-settlements",
                                      "dsc-fx-knowledge-sharing", "plc-fx-south-america", "plc-fx-pe",
                                      "plc-fx-lima-metropolitana", "plc-fx-villa-el-salvador"}));
  std::vector<std::pair<DocType, Lang>> kinds;
  for (const ExportRecord& r : run[1].records) kinds.emplace_back(r.doc_type, r.lang);
  EXPECT_EQ(kinds, (std::vector<std::pair<DocType, Lang>>{{DocType::Organisation, Lang::Es},
                                                          {DocType::Project, Lang::Es},
                                                          {DocType::Resource, Lang::Es},
                                                          {DocType::Dossier, Lang::Es},
                                                          {DocType::Fiche, Lang::Es},
                                                          {DocType::Fiche, Lang::Fr},
                                                          {DocType::Fiche, Lang::Fr}}));
}

// The reader alone gives each broken fixture of version 2 its one diagnostic (tests/broken_fixtures.h), and drops
// the element at fault.
class ReadBrokenFixture : public ::testing::TestWithParam<citego::test::BrokenFixture> {};

TEST_P(ReadBrokenFixture, GivesItsOneDiagnostic) {
  const std::string& file = GetParam().file;
  const ParsedExport parsed = citego::parse_export(read_source("corpus/fixtures/broken/" + file), file);
  ASSERT_EQ(parsed.errors.size(), 1u) << file;
  EXPECT_EQ(citego::to_string(parsed.errors[0]) + "\n", GetParam().diagnostic);
}

INSTANTIATE_TEST_SUITE_P(Version2, ReadBrokenFixture, ::testing::ValuesIn(citego::test::version_2_broken_fixtures()),
                         [](const ::testing::TestParamInfo<citego::test::BrokenFixture>& param_info) {
                           std::string name;
                           for (char c : param_info.param.file.substr(0, param_info.param.file.size() - 4)) {
                             if (c != '-') name += c;
                           }
                           return name;
                         });

TEST(ReadExportFile, ReportsAnUnreadableFile) {
  const std::string path = source_path("corpus/no-such-export.xml");
  const ParsedExport parsed = citego::read_export_file(path);
  EXPECT_TRUE(parsed.records.empty());
  EXPECT_EQ(messages_of(parsed), std::vector<std::string>{path + ": error: cannot read: No such file or directory"});
}

}  // namespace
